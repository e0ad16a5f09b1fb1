// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A set of flows (id and tuple hash) in lib/hash.h's table.  A flow
 * forgotten keeps its entry on a free list for the next one: a storm of
 * short flows reuses a few thousand entries instead of a malloc and a
 * free per flow.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "sources/flowset.h"

struct flow_entry {
	struct flow_key k;	/* the hash key: two uint32, no padding */
	uint8_t gen;		/* the resync that last saw it */
	UT_hash_handle hh;
	struct flow_entry *free_next;
};

struct flowset {
	struct flow_entry *by_key;	/* hash head */
	struct flow_entry *free;	/* entries to reuse */
	uint8_t gen;
};

struct flowset *flowset_new(void)
{
	return calloc(1, sizeof(struct flowset));
}

void flowset_free(struct flowset *fs)
{
	struct flow_entry *e, *tmp;

	if (!fs)
		return;
	HASH_ITER(hh, fs->by_key, e, tmp) {
		HASH_DEL(fs->by_key, e);
		free(e);
	}
	while ((e = fs->free)) {
		fs->free = e->free_next;
		free(e);
	}
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

static struct flow_entry *find(const struct flowset *fs, struct flow_key k)
{
	struct flow_entry *e;

	HASH_FIND(hh, fs->by_key, &k, sizeof(k), e);
	return e;
}

static void forget(struct flowset *fs, struct flow_entry *e)
{
	HASH_DEL(fs->by_key, e);
	e->free_next = fs->free;
	fs->free = e;
}

static bool insert(struct flowset *fs, struct flow_key k)
{
	struct flow_entry *e = find(fs, k);

	if (e) {
		e->gen = fs->gen;
		return false;
	}
	if (HASH_COUNT(fs->by_key) >= FLOWSET_MAX)
		return true;	/* not remembered, but new */
	e = fs->free;
	if (e)
		fs->free = e->free_next;
	else if (!(e = malloc(sizeof(*e))))
		return true;
	memset(e, 0, sizeof(*e));
	e->k = k;
	e->gen = fs->gen;
	HASH_ADD(hh, fs->by_key, k, sizeof(e->k), e);
	if (!hash_added(e, hh))
		free(e);
	return true;
}

bool flowset_add(struct flowset *fs, struct flow_key k)
{
	return insert(fs, k);
}

void flowset_del(struct flowset *fs, struct flow_key k)
{
	struct flow_entry *e = find(fs, k);

	if (e)
		forget(fs, e);
}

size_t flowset_count(const struct flowset *fs)
{
	return HASH_COUNT(fs->by_key);
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
	struct flow_entry *e, *tmp;
	size_t n = 0;

	HASH_ITER(hh, fs->by_key, e, tmp) {
		if (e->gen != fs->gen) {
			forget(fs, e);
			n++;
		}
	}
	return n;
}
