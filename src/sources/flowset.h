/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FLOWSET_H
#define VIGIL_FLOWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The conntrack ids of the flows vigild has already published, so that
 * a table dump after lost events publishes only the flows it missed.
 * An open-addressing hash set of 32-bit ids, at most FLOWSET_MAX; past
 * that, ids are not remembered (a resync may then repeat flows).
 */
#define FLOWSET_MAX (1u << 21)

struct flowset;

/* NULL on ENOMEM. */
struct flowset *flowset_new(void);
void flowset_free(struct flowset *fs);

/* Returns true when id was not there (and now is). */
bool flowset_add(struct flowset *fs, uint32_t id);
void flowset_del(struct flowset *fs, uint32_t id);
size_t flowset_count(const struct flowset *fs);

/*
 * A resync: flowset_mark() each id the dump holds (true when it was
 * not known), then flowset_sweep() forgets every id not marked, i.e.
 * flows whose DESTROY was lost.  Returns how many were forgotten.
 */
void flowset_begin(struct flowset *fs);
bool flowset_mark(struct flowset *fs, uint32_t id);
size_t flowset_sweep(struct flowset *fs);

#endif
