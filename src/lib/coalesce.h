/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_COALESCE_H
#define VIGIL_LIB_COALESCE_H

#include <stdint.h>

#include "lib/loop.h"

/*
 * A socket read at most once every few milliseconds while events keep
 * coming: the first event of a quiet spell is read at once, and under
 * load the wakeups are merged (the socket's buffer holds what comes
 * meanwhile).  Each wakeup costs a context switch; merged, one read
 * takes a batch.  For level-triggered fds (sockets), not perf rings.
 */
struct coalesce;

/* What a read found. */
enum coalesce_read {
	COALESCE_EMPTY,	/* nothing waited */
	COALESCE_READ,	/* it took what waited */
	COALESCE_MORE,	/* it took a turn's worth, and more waits */
};

/*
 * read: called to read fd, at most a turn's worth (the loop serves the
 * others between turns).  While reads find something, fd is read every
 * ms milliseconds; while more than a turn's worth waits, at every
 * turn; once a read finds nothing, at the next event again.
 * deferred: a counter of merged wakeups, or NULL.  Adds fd to loop.
 * NULL with errno.
 */
struct coalesce *coalesce_new(struct loop *loop, int fd, unsigned int ms,
			      enum coalesce_read (*read)(void *data),
			      void *data,
			      uint64_t *deferred);
/* Removes fd from the loop (it is not closed); read() may call it. */
void coalesce_free(struct coalesce *c);

#endif
