// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/coalesce.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/recvbatch.h"
#include "sources/auditreg.h"

#ifndef AUDIT_REPLACE
#define AUDIT_REPLACE 1329
#endif

/*
 * The sink gets every record once more.  Only a record's type is of
 * use, so each is read cut to its header, many per system call, and
 * under load a few milliseconds apart: the socket's buffer is made big
 * enough that the kernel's sender never waits on it meanwhile.
 */
#define SINK_BATCH 64
#define SINK_MSG_SIZE 64
#define SINK_COALESCE_MS 5
#define SINK_RCVBUF (4 * 1024 * 1024)

struct auditreg {
	struct loop *loop;
	auditreg_cb cb;
	void *data;
	int fd;			/* the sink, registered; -1 if not */
	struct coalesce *reader;	/* of fd */
	struct recvbatch *batch;
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
	r->batch = recvbatch_new(SINK_BATCH, SINK_MSG_SIZE);
	if (!r->batch) {
		free(r);
		return NULL;
	}
	return r;
}

static void drop(struct auditreg *r, bool unregister)
{
	if (r->fd < 0)
		return;
	coalesce_free(r->reader);
	r->reader = NULL;
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
static size_t on_sink(void *data)
{
	struct auditreg *r = data;
	const struct nlmsghdr *nlh;
	size_t len, total = 0;
	int rounds, i, n;
	bool cut;

	for (rounds = 0; rounds < 8; rounds++) {
		n = recvbatch_read(r->batch, r->fd);
		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n > 0)
			total += (size_t)n;
		for (i = 0; i < n; i++) {
			nlh = (const void *)recvbatch_get(r->batch, (size_t)i,
							  &len, &cut);
			if (len < sizeof(*nlh) ||
			    nlh->nlmsg_type != AUDIT_REPLACE)
				continue;
			auditreg_yield(r, AUDITREG_HOLD_MS);
			return total;
		}
		if (n < SINK_BATCH)
			break;
	}
	return total;
}

bool auditreg_update(struct auditreg *r, uint32_t kernel_pid)
{
	int fd, size = SINK_RCVBUF;

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
	/* before the records come */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (audit_set_pid(fd, (uint32_t)getpid(), WAIT_YES) <= 0) {
		/* Someone else was quicker: theirs it is. */
		audit_close(fd);
		return false;
	}
	r->fd = fd;
	r->reader = coalesce_new(r->loop, fd, SINK_COALESCE_MS, on_sink, r,
				 NULL);
	if (!r->reader) {
		r->fd = -1;
		audit_set_pid(fd, 0, WAIT_NO);
		audit_close(fd);
		return false;
	}
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
	recvbatch_free(r->batch);
	free(r);
}
