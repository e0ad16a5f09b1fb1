/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FLOWSET_H
#define VIGIL_FLOWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The flows vigild has already published, so that a table dump after
 * lost events publishes only the flows it missed.  A flow is its
 * conntrack id and a hash of its original tuple: the kernel may give
 * two live flows the same 32-bit id, and neither may hide the other.
 * An open-addressing hash set, at most FLOWSET_MAX; past that, flows are
 * not remembered (a resync may then repeat them).
 */
#define FLOWSET_MAX (1u << 21)

struct flowset;

struct flow_key {
	uint32_t id;		/* conntrack's ATTR_ID */
	uint32_t tuple;		/* flow_key_tuple() of the orig tuple */
};

/*
 * A hash of a flow's original direction: protocol, addresses (len
 * bytes each: 4 or 16) and ports.
 */
uint32_t flow_key_tuple(uint8_t proto, const uint8_t *src,
			const uint8_t *dst, size_t len, uint16_t sport,
			uint16_t dport);

/* NULL on ENOMEM. */
struct flowset *flowset_new(void);
void flowset_free(struct flowset *fs);

/* Returns true when k was not there (and now is). */
bool flowset_add(struct flowset *fs, struct flow_key k);
void flowset_del(struct flowset *fs, struct flow_key k);
size_t flowset_count(const struct flowset *fs);

/*
 * A resync: flowset_mark() each flow the dump holds (true when it was
 * not known), then flowset_sweep() forgets every flow not marked, i.e.
 * flows whose DESTROY was lost.  Returns how many were forgotten.
 */
void flowset_begin(struct flowset *fs);
bool flowset_mark(struct flowset *fs, struct flow_key k);
size_t flowset_sweep(struct flowset *fs);

#endif
