// SPDX-License-Identifier: GPL-2.0-or-later
/* Holding the audit registration as a courtesy daemon (auditreg.h). */
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
 * Records are read many per system call, each into 16 KB (a PATH
 * record of a long name, in hex, is over 8 KB), and under load a few
 * milliseconds apart: the socket's buffer is made big enough that the
 * kernel's sender never waits on it meanwhile.
 */
#define SINK_BATCH 32
#define SINK_MSG_SIZE 16384
#define SINK_COALESCE_MS 5
#define SINK_ROUNDS 8
#define SINK_TURN_MS 4
#define SINK_RCVBUF (4 * 1024 * 1024)

struct auditreg {
	struct loop *loop;
	auditreg_cb cb;
	auditreg_dgram_cb dgram;
	void *data;
	int fd;			/* the sink, registered; -1 if not */
	struct coalesce *reader;	/* of fd */
	struct recvbatch *batch;
	bool replace_yields;	/* read_sink()'s, for take() */
	bool replaced;		/* take() saw AUDIT_REPLACE */
	uint64_t hold_until;	/* loop_now_ms() before which we stay away */
	uint64_t yields;
};

struct auditreg *auditreg_new(struct loop *loop, auditreg_cb cb,
			      auditreg_dgram_cb dgram, void *data)
{
	struct auditreg *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->loop = loop;
	r->cb = cb;
	r->dgram = dgram;
	r->data = data;
	r->fd = -1;
	r->batch = recvbatch_new(SINK_BATCH, SINK_MSG_SIZE);
	if (!r->batch) {
		free(r);
		return NULL;
	}
	return r;
}

static enum coalesce_read read_sink(struct auditreg *r,
				    bool replace_yields);

/*
 * Let go.  Told first, so that the records' other way (the multicast
 * group) is open again before this one closes; then what the sink
 * still holds is read, and nothing falls between the two (what both
 * tell meanwhile, auditevent.c drops once).
 */
static void drop(struct auditreg *r, bool unregister)
{
	if (r->fd < 0)
		return;
	coalesce_free(r->reader);
	r->reader = NULL;
	if (r->cb)
		r->cb(r->data, false);
	/* Only the registered daemon may clear the pid: do it while we are. */
	if (unregister)
		audit_set_pid(r->fd, 0, WAIT_NO);
	while (read_sink(r, false) == COALESCE_MORE)
		;
	audit_close(r->fd);
	r->fd = -1;
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
 * A record goes to the dgram callback; the kernel's AUDIT_REPLACE says
 * that someone asked for our place.  Returns false, to end the turn,
 * on such a request when it is to be heeded.
 */
static bool take(void *data, const char *d, size_t len, bool cut)
{
	const struct nlmsghdr *nlh = (const void *)d;
	struct auditreg *r = data;

	if (len >= sizeof(*nlh) && nlh->nlmsg_type == AUDIT_REPLACE) {
		r->replaced = true;
		return !r->replace_yields;
	}
	if (r->dgram)
		r->dgram(r->data, d, len, cut);
	return true;
}

static void overrun(void *data)
{
	(void)data;	/* the multicast group's reader counts its own */
}

/*
 * A turn's worth (as audit.c's): the kernel's sender waits while the
 * socket is full.  Yields, when replace_yields, once the batch with an
 * AUDIT_REPLACE is taken: yielding reads the rest.
 */
static enum coalesce_read read_sink(struct auditreg *r, bool replace_yields)
{
	enum coalesce_read got;

	r->replaced = false;
	r->replace_yields = replace_yields;
	got = recvbatch_turn(r->batch, r->fd, SINK_ROUNDS, SINK_TURN_MS,
			     take, overrun, r);
	if (r->replaced && replace_yields)
		auditreg_yield(r, AUDITREG_HOLD_MS);
	return got;
}

static enum coalesce_read on_sink(void *data)
{
	return read_sink(data, true);
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
	/* at exit: the records left are read, and go nowhere */
	r->cb = NULL;
	r->dgram = NULL;
	drop(r, true);
	recvbatch_free(r->batch);
	free(r);
}
