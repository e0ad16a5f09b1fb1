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

/*
 * read: called to read fd (it reads what it can take, and may leave
 * the rest: the fd stays readable); returns how much it took, 0 when
 * nothing waited.  While reads find something, fd is read every ms
 * milliseconds; once one finds nothing, at its next event again.
 * deferred: a counter of merged wakeups, or NULL.  Adds fd to loop.
 * NULL with errno.
 */
struct coalesce *coalesce_new(struct loop *loop, int fd, unsigned int ms,
			      size_t (*read)(void *data), void *data,
			      uint64_t *deferred);
/* Removes fd from the loop (it is not closed); read() may call it. */
void coalesce_free(struct coalesce *c);

#endif
