// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The catalog's program names, hashed (protoprogs.h): per side, one
 * table of whole names and one of the first 15 characters of longer
 * names, for a comm the kernel cut.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "config/protoprogs.h"
#include "lib/hash.h"

/* The kernel's comm: 16 bytes with its NUL. */
#define COMM_LEN 15

/* Keyed by the entry's own string (HASH_ADD_KEYPTR): no copy. */
struct prog_ix {
	const struct proto_entry *pe;
	UT_hash_handle hh;
};

struct proto_progs {
	struct prog_ix *whole[2], *cut[2];	/* [0] servers, [1] clients */
	struct prog_ix *pool;
	size_t used;
};

/* name into *head under its first len bytes; the first entry stays. */
static int add(struct proto_progs *pp, struct prog_ix **head,
	       const char *name, size_t len, const struct proto_entry *pe)
{
	struct prog_ix *e;

	HASH_FIND(hh, *head, name, len, e);
	if (e)
		return 0;
	e = &pp->pool[pp->used++];
	e->pe = pe;
	HASH_ADD_KEYPTR(hh, *head, name, len, e);
	return hash_added(e, hh) ? 0 : -1;
}

static int add_side(struct proto_progs *pp, const struct proto_entry *pe,
		    int side)
{
	char *const *names = side ? pe->clients : pe->servers;
	size_t i, n = side ? pe->nclients : pe->nservers, len;

	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		if (add(pp, &pp->whole[side], names[i], len, pe) < 0 ||
		    (len >= COMM_LEN &&
		     add(pp, &pp->cut[side], names[i], COMM_LEN, pe) < 0))
			return -1;
	}
	return 0;
}

struct proto_progs *proto_progs_new(struct proto_entry *const *e, size_t n)
{
	struct proto_progs *pp = calloc(1, sizeof(*pp));
	size_t i, size = 0;

	if (!pp)
		return NULL;
	/* each name at most twice (whole and cut), on either side */
	for (i = 0; i < n; i++)
		size += 2 * (e[i]->nclients + e[i]->nservers);
	pp->pool = calloc(size ? size : 1, sizeof(*pp->pool));
	if (!pp->pool)
		goto fail;
	for (i = 0; i < n; i++)
		if (add_side(pp, e[i], 0) < 0 || add_side(pp, e[i], 1) < 0)
			goto fail;
	return pp;
fail:
	proto_progs_free(pp);
	return NULL;
}

void proto_progs_free(struct proto_progs *pp)
{
	int side;

	if (!pp)
		return;
	for (side = 0; side < 2; side++) {
		HASH_CLEAR(hh, pp->whole[side]);
		HASH_CLEAR(hh, pp->cut[side]);
	}
	free(pp->pool);
	free(pp);
}

const struct proto_entry *proto_progs_find(const struct proto_progs *pp,
					   const char *prog, bool client)
{
	size_t len = prog ? strlen(prog) : 0;
	struct prog_ix *e;

	if (!pp || !len)
		return NULL;
	if (len == COMM_LEN)
		HASH_FIND(hh, pp->cut[client], prog, len, e);
	else
		HASH_FIND(hh, pp->whole[client], prog, len, e);
	return e ? e->pe : NULL;
}
