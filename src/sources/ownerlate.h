/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_OWNERLATE_H
#define VIGIL_SOURCES_OWNERLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/events.h"

/* Flows given up on, kept at most this many, this long. */
#define OWNERLATE_MAX 64
#define OWNERLATE_MS 10000

/*
 * Flows the owner stage published as "unknown" because no record of
 * their connect came in time (a busy audit stream can hold one back
 * for seconds), kept a while: a record that comes later and names one
 * of them for certain (its whole tuple, or its socket's inode where
 * both are known) gives it its program then, once.  A record that only
 * names a destination never does: another program may have reached
 * the same place since.
 */
struct owner_late;

/* NULL on ENOMEM. */
struct owner_late *owner_late_new(void);
void owner_late_free(struct owner_late *l);
/*
 * fe was published without its owner at now (ms); inode: its socket
 * when known, else 0.  The oldest kept gives way.
 */
void owner_late_gave_up(struct owner_late *l, const struct flow_event *fe,
			uint32_t inode, uint64_t now);
/*
 * A connect that came now: when it names a kept flow for certain, that
 * flow goes into out (owner still empty) and is forgotten: true.
 * inode: the connect's socket when known, else 0.
 */
bool owner_late_named(struct owner_late *l, const struct connect_event *ev,
		      uint32_t inode, uint64_t now, struct flow_event *out);

#endif
