// SPDX-License-Identifier: GPL-2.0-or-later
/* A set of flows (id and tuple hash): open addressing, linear probing. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "sources/flowset.h"

enum { SLOT_EMPTY, SLOT_USED, SLOT_GONE };

struct slot {
	struct flow_key k;
	uint8_t state;
	uint8_t gen;
};

struct flowset {
	struct slot *s;
	size_t cap;		/* power of two */
	size_t used;		/* SLOT_USED */
	size_t gone;		/* SLOT_GONE (tombstones) */
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

static struct slot *find(const struct flowset *fs, struct flow_key k)
{
	size_t i = slot_of(fs, k), n;

	for (n = 0; n < fs->cap; n++, i = (i + 1) & (fs->cap - 1)) {
		struct slot *sl = &fs->s[i];

		if (sl->state == SLOT_EMPTY)
			return NULL;
		if (sl->state == SLOT_USED && key_eq(sl->k, k))
			return sl;
	}
	return NULL;
}

static void put(struct flowset *fs, struct flow_key k, uint8_t gen)
{
	size_t i = slot_of(fs, k);

	while (fs->s[i].state == SLOT_USED)
		i = (i + 1) & (fs->cap - 1);
	if (fs->s[i].state == SLOT_GONE)
		fs->gone--;
	fs->s[i].k = k;
	fs->s[i].state = SLOT_USED;
	fs->s[i].gen = gen;
	fs->used++;
}

/* Rehash into cap slots; drops tombstones.  -1 on ENOMEM. */
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
	fs->used = fs->gone = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].state == SLOT_USED)
			put(fs, old[i].k, old[i].gen);
	free(old);
	return 0;
}

static bool insert(struct flowset *fs, struct flow_key k)
{
	struct slot *sl = find(fs, k);

	if (sl) {
		sl->gen = fs->gen;
		return false;
	}
	/* keep the table at most 3/4 full, counting tombstones */
	if ((fs->used + fs->gone + 1) * 4 > fs->cap * 3) {
		size_t cap = fs->used * 2 + 2 > fs->cap ? fs->cap * 2 : fs->cap;

		if (fs->used >= FLOWSET_MAX || rehash(fs, cap) < 0)
			return true;	/* not remembered, but new */
	}
	put(fs, k, fs->gen);
	return true;
}

bool flowset_add(struct flowset *fs, struct flow_key k)
{
	return insert(fs, k);
}

void flowset_del(struct flowset *fs, struct flow_key k)
{
	struct slot *sl = find(fs, k);

	if (!sl)
		return;
	sl->state = SLOT_GONE;
	fs->used--;
	fs->gone++;
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

size_t flowset_sweep(struct flowset *fs)
{
	size_t i, n = 0;

	for (i = 0; i < fs->cap; i++) {
		if (fs->s[i].state == SLOT_USED && fs->s[i].gen != fs->gen) {
			fs->s[i].state = SLOT_GONE;
			fs->used--;
			fs->gone++;
			n++;
		}
	}
	return n;
}
