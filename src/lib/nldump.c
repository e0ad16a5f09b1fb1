// SPDX-License-Identifier: GPL-2.0-or-later
/* Synchronous netlink dumps and requests over libmnl. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/netns.h"
#include "lib/nldump.h"

struct mnl_socket *nldump_open(const char *netns, int bus)
{
	struct timeval tv = { .tv_sec = 1 };
	struct mnl_socket *nl;
	int fd, saved;

	fd = netns_socket(netns, AF_NETLINK, SOCK_RAW, bus);
	if (fd < 0)
		return NULL;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		goto err;
	nl = mnl_socket_fdopen(fd);
	if (!nl)
		goto err;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		saved = errno;
		mnl_socket_close(nl);
		errno = saved;
		return NULL;
	}
	return nl;
err:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

int nldump_run(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb,
	       void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl);
	size_t bufsz = 32768;	/* MNL_SOCKET_DUMP_SIZE in newer libmnl */
	char *buf;
	int r = -1, saved = 0;
	ssize_t n;

	buf = malloc(bufsz);
	if (!buf)
		return -1;
	req->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		goto out;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, bufsz);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -1;
			goto out;
		}
		errno = 0;
		r = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, portid, cb,
			       data);
		if (r <= MNL_CB_STOP)
			break;
	}
	if (r == MNL_CB_ERROR) {
		/* libmnl sets errno from an NLMSG_ERROR; cb failures may not */
		if (!errno)
			errno = EIO;
		r = -1;
		goto out;
	}
	r = 0;
out:
	saved = errno;
	free(buf);
	errno = saved;
	return r;
}
