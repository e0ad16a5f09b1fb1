// SPDX-License-Identifier: GPL-2.0-or-later
/* Open sockets inside another network namespace (network.netns). */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/netns.h"

int netns_socket(const char *path, int domain, int type, int protocol)
{
	int self, target, fd, saved;

	type |= SOCK_CLOEXEC;
	if (!path)
		return socket(domain, type, protocol);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		saved = errno;
		close(self);
		errno = saved;
		return -1;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		saved = errno;
		close(target);
		close(self);
		errno = saved;
		return -1;
	}
	fd = socket(domain, type, protocol);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		log_err("cannot return to vigild's network namespace: %m");
		abort();
	}
	close(target);
	close(self);
	errno = saved;
	return fd;
}

int netns_run(int nsfd, int (*fn)(void *data), void *data)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r, saved;

	if (self < 0)
		return -1;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(self);
		errno = saved;
		return -1;
	}
	r = fn(data);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		log_err("cannot return to vigild's network namespace: %m");
		abort();
	}
	close(self);
	errno = saved;
	return r;
}

int netns_check(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), type;

	if (fd < 0)
		return -1;
	type = ioctl(fd, NS_GET_NSTYPE);
	close(fd);
	if (type != CLONE_NEWNET) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
