// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "sources/auditreg.h"

#ifndef AUDIT_REPLACE
#define AUDIT_REPLACE 1329
#endif

struct auditreg {
	struct loop *loop;
	auditreg_cb cb;
	void *data;
	int fd;			/* the sink, registered; -1 if not */
	uint64_t hold_until;	/* loop_now_ms() before which we stay away */
	uint64_t yields;
};

struct auditreg *auditreg_new(struct loop *loop, auditreg_cb cb, void *data)
{
	struct auditreg *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->loop = loop;
	r->cb = cb;
	r->data = data;
	r->fd = -1;
	return r;
}

static void drop(struct auditreg *r, bool unregister)
{
	if (r->fd < 0)
		return;
	loop_del_fd(r->loop, r->fd);
	/* Only the registered daemon may clear the pid: do it while we are. */
	if (unregister)
		audit_set_pid(r->fd, 0, WAIT_NO);
	audit_close(r->fd);
	r->fd = -1;
	if (r->cb)
		r->cb(r->data, false);
}

void auditreg_yield(struct auditreg *r, uint64_t hold_ms)
{
	r->hold_until = loop_now_ms() + hold_ms;
	if (r->fd < 0)
		return;
	r->yields++;
	log_notice("audit: letting another audit daemon register (vigild keeps reading the multicast group)");
	drop(r, true);
}

/*
 * Records are thrown away (the multicast copy is the one read); only
 * the kernel's AUDIT_REPLACE matters: someone asked for our place.
 */
static void on_sink(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct auditreg *r = data;
	char buf[8192];
	int rounds;

	for (rounds = 0; rounds < 256; rounds++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n < (ssize_t)sizeof(*nlh))
			return;
		if (nlh->nlmsg_type == AUDIT_REPLACE) {
			auditreg_yield(r, AUDITREG_HOLD_MS);
			return;
		}
	}
}

bool auditreg_update(struct auditreg *r, uint32_t kernel_pid)
{
	int fd;

	if (r->fd >= 0) {
		/* Unregistered behind our back (auditctl --pid 0?). */
		if (kernel_pid != (uint32_t)getpid())
			drop(r, false);
		return r->fd >= 0;
	}
	if (kernel_pid != 0 || loop_now_ms() < r->hold_until)
		return false;
	fd = audit_open();
	if (fd < 0)
		return false;
	if (audit_set_pid(fd, (uint32_t)getpid(), WAIT_YES) <= 0) {
		/* Someone else was quicker: theirs it is. */
		audit_close(fd);
		return false;
	}
	if (loop_add_fd(r->loop, fd, EPOLLIN, on_sink, r) < 0) {
		audit_set_pid(fd, 0, WAIT_NO);
		audit_close(fd);
		return false;
	}
	r->fd = fd;
	if (r->cb)
		r->cb(r->data, true);
	return true;
}

bool auditreg_held(const struct auditreg *r)
{
	return r->fd < 0 && loop_now_ms() < r->hold_until;
}

bool auditreg_registered(const struct auditreg *r)
{
	return r->fd >= 0;
}

uint64_t auditreg_yields(const struct auditreg *r)
{
	return r->yields;
}

void auditreg_free(struct auditreg *r)
{
	if (!r)
		return;
	r->cb = NULL;
	drop(r, true);
	free(r);
}
