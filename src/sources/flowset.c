// SPDX-License-Identifier: GPL-2.0-or-later
/* A set of flows (id and tuple hash): open addressing, linear probing. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "sources/flowset.h"

/*
 * A slot is empty or holds a flow: a flow gone is taken out by moving
 * the flows after it back (linear probing's deletion, Knuth 6.4
 * Algorithm R), so no tombstone is left for lookups to step over.  A
 * storm of short connections ends each of them, and a NEW is a failed
 * lookup first.
 */
struct slot {
	struct flow_key k;
	uint8_t used;
	uint8_t gen;
};

struct flowset {
	struct slot *s;
	size_t cap;		/* power of two */
	size_t used;
	uint8_t gen;
};

#define FLOWSET_START 1024

struct flowset *flowset_new(void)
{
	struct flowset *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->cap = FLOWSET_START;
	fs->s = calloc(fs->cap, sizeof(*fs->s));
	if (!fs->s) {
		free(fs);
		return NULL;
	}
	return fs;
}

void flowset_free(struct flowset *fs)
{
	if (!fs)
		return;
	free(fs->s);
	free(fs);
}

uint32_t flow_key_tuple(uint8_t proto, const uint8_t *src,
			const uint8_t *dst, size_t len, uint16_t sport,
			uint16_t dport)
{
	uint32_t h = 2166136261u;
	uint8_t b[2 * 16 + 5];
	size_t i, n = 0;

	if (len > 16)
		len = 16;
	b[n++] = proto;
	memcpy(b + n, src, len);
	n += len;
	memcpy(b + n, dst, len);
	n += len;
	b[n++] = (uint8_t)(sport >> 8);
	b[n++] = (uint8_t)sport;
	b[n++] = (uint8_t)(dport >> 8);
	b[n++] = (uint8_t)dport;
	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

static bool key_eq(struct flow_key a, struct flow_key b)
{
	return a.id == b.id && a.tuple == b.tuple;
}

/* ids are sequential: mix both halves so they do not cluster */
static size_t slot_of(const struct flowset *fs, struct flow_key k)
{
	return (size_t)(((k.id ^ (k.tuple * 0x9e3779b1u)) * 2654435761u) &
			(fs->cap - 1));
}

/* Where k is, or the empty slot ending its probe (the table is never full). */
static size_t probe(const struct flowset *fs, struct flow_key k)
{
	size_t i = slot_of(fs, k);

	while (fs->s[i].used && !key_eq(fs->s[i].k, k))
		i = (i + 1) & (fs->cap - 1);
	return i;
}

/* k into the empty slot i. */
static void fill(struct flowset *fs, size_t i, struct flow_key k,
		 uint8_t gen)
{
	fs->s[i].k = k;
	fs->s[i].used = 1;
	fs->s[i].gen = gen;
	fs->used++;
}

/* Rehash into cap slots.  -1 on ENOMEM. */
static int rehash(struct flowset *fs, size_t cap)
{
	struct slot *old = fs->s;
	size_t i, oldcap = fs->cap;

	fs->s = calloc(cap, sizeof(*fs->s));
	if (!fs->s) {
		fs->s = old;
		return -1;
	}
	fs->cap = cap;
	fs->used = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			fill(fs, probe(fs, old[i].k), old[i].k, old[i].gen);
	free(old);
	return 0;
}

/*
 * Empty slot i: each flow after it in its run moves back into the hole
 * unless its home slot lies between the hole and it (cyclically), where
 * it would no longer be found.  Only flows after i move.
 */
static void take_out(struct flowset *fs, size_t i)
{
	size_t mask = fs->cap - 1, j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (!fs->s[j].used)
			break;
		if (((j - slot_of(fs, fs->s[j].k)) & mask) < ((j - i) & mask))
			continue;
		fs->s[i] = fs->s[j];
		i = j;
	}
	fs->s[i].used = 0;
	fs->used--;
}

static bool insert(struct flowset *fs, struct flow_key k)
{
	size_t i = probe(fs, k);

	if (fs->s[i].used) {
		fs->s[i].gen = fs->gen;
		return false;
	}
	/* keep the table at most 3/4 full */
	if ((fs->used + 1) * 4 > fs->cap * 3) {
		if (fs->used >= FLOWSET_MAX || rehash(fs, fs->cap * 2) < 0)
			return true;	/* not remembered, but new */
		i = probe(fs, k);
	}
	fill(fs, i, k, fs->gen);
	return true;
}

bool flowset_add(struct flowset *fs, struct flow_key k)
{
	return insert(fs, k);
}

void flowset_del(struct flowset *fs, struct flow_key k)
{
	size_t i = probe(fs, k);

	if (fs->s[i].used)
		take_out(fs, i);
}

size_t flowset_count(const struct flowset *fs)
{
	return fs->used;
}

void flowset_begin(struct flowset *fs)
{
	fs->gen++;
}

bool flowset_mark(struct flowset *fs, struct flow_key k)
{
	return insert(fs, k);
}

/*
 * A flow moved back by take_out() lands in the slot just emptied or in
 * one after it: slot i is looked at again, and no flow is passed over.
 * One moved from the table's start to its end was looked at already,
 * and kept.
 */
size_t flowset_sweep(struct flowset *fs)
{
	size_t i = 0, n = 0;

	while (i < fs->cap) {
		if (fs->s[i].used && fs->s[i].gen != fs->gen) {
			take_out(fs, i);
			n++;
		} else {
			i++;
		}
	}
	return n;
}
