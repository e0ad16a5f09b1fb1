/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_BINPEND_H
#define VIGIL_BINPEND_H

#include <stddef.h>
#include <sys/types.h>

#include "model/events.h"

/*
 * Mapped files seen while the package index is still being built
 * (binpend.c), held until it is: each sighting with what its event
 * said, and the file it maps held open, so that a program which ends
 * meanwhile is still judged by the file it really mapped.  One
 * descriptor per distinct file, however many processes map it.
 */
struct binpend;

/* At most this many sightings, and this many files held open. */
#define BINPEND_MAX 16384
#define BINPEND_FILES 128

/* An empty queue, or NULL on ENOMEM. */
struct binpend *binpend_new(void);
/* Closes every file still held. */
void binpend_free(struct binpend *q);

/*
 * Holds map m of process pi, opening the file now unless one of the
 * same device and inode is held already.  0: held (a file that could
 * not be opened is held as unreadable); -1 with errno when it could not
 * be, and nothing changed: ENOSPC (full: BINPEND_MAX sightings or
 * BINPEND_FILES files), EMFILE or ENFILE (no descriptor to be had),
 * ENOMEM.
 */
int binpend_hold(struct binpend *q, const struct proc_info *pi,
		 const struct proc_map *m);

/* Sightings held now. */
size_t binpend_count(const struct binpend *q);

/*
 * fn is called for each sighting in the order held: ev with its package
 * and verdict unset, and fd the file it maps (-1: could not be opened).
 * fd is closed by the queue afterwards.  The queue is empty after.
 */
typedef void (*binpend_fn)(struct binary_event *ev, int fd, void *data);
void binpend_drain(struct binpend *q, binpend_fn fn, void *data);

#endif
