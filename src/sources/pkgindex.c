// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compact dpkg index (see pkgindex.h).  An entry is
 *
 *	varint shared	bytes in common with the path before (0 every
 *			PKG_BLOCK-th entry)
 *	varint len	bytes that follow, then those bytes
 *	varint n	packages listing the path (1 or more)
 *	varint first	then n - 1 varint steps (each 1 or more)
 *
 * Building, merging and looking up here; the encoding's pieces are in
 * pkgidxcode.c, the file (a header, the dpkg directory, the packages
 * and the index, with sums) is written and checked in pkgidxfile.c,
 * and an index left in its file is read in pkgidxwin.c.
 */
#include "build.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/pkg.h"
#include "sources/pkgindex.h"
#include "sources/pkgindex_priv.h"
#include "sources/pkgidxsum.h"


void pkgidx_pkgs_free(struct pkgidx_pkg *pkgs, size_t n)
{
	size_t i;

	for (i = 0; pkgs && i < n; i++)
		free(pkgs[i].name);
	free(pkgs);
}

void pkgidx_clear(struct pkgidx *x)
{
	pkgidx_pkgs_free(x->pkgs, x->npkgs);
	pkgidx_file_free(x->file);
	free(x->index);
	free(x->blocks);
	memset(x, 0, sizeof(*x));
}

size_t pkgidx_bytes(const struct pkgidx *x)
{
	return x->index_len + x->nblocks * sizeof(*x->blocks);
}

/* The owners of the entry just decoded, into out (room for d->n). */
static void dec_owners(const struct dec *d, uint32_t *out)
{
	const unsigned char *p = d->owners;
	uint64_t v, i;

	out[0] = d->first;
	for (i = 1; i < d->n; i++) {
		pkgidx_get_varint(&p, d->end, &v);	/* checked by dec_next */
		out[i] = out[i - 1] + (uint32_t)v;
	}
}

struct enc {
	struct pkgidx_buf idx, blocks;
	char prev[PATH_MAX];
	size_t prev_len, k;
};

static int enc_put(struct enc *e, const char *path, size_t len,
		   const uint32_t *own, size_t n)
{
	size_t shared = 0, i;

	if (e->k % PKG_BLOCK == 0) {
		uint32_t off = (uint32_t)e->idx.len;

		if (pkgidx_buf_add(&e->blocks, &off, sizeof(off)) < 0)
			return -1;
	} else {
		while (shared < e->prev_len && shared < len &&
		       e->prev[shared] == path[shared])
			shared++;
	}
	if (pkgidx_buf_varint(&e->idx, shared) < 0 ||
	    pkgidx_buf_varint(&e->idx, len - shared) < 0 ||
	    pkgidx_buf_add(&e->idx, path + shared, len - shared) < 0 ||
	    pkgidx_buf_varint(&e->idx, n) < 0 || pkgidx_buf_varint(&e->idx, own[0]) < 0)
		return -1;
	for (i = 1; i < n; i++)
		if (pkgidx_buf_varint(&e->idx, own[i] - own[i - 1]) < 0)
			return -1;
	memcpy(e->prev, path, len);
	e->prev_len = len;
	e->k++;
	return 0;
}

/* Sorted union of a (na) and b (nb) into u; returns its length. */
static size_t owners_union(const uint32_t *a, size_t na, const uint32_t *b,
			   size_t nb, uint32_t *u)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		uint32_t v = j == nb || (i < na && a[i] <= b[j]) ? a[i++] :
			     b[j++];

		if (!n || u[n - 1] != v)
			u[n++] = v;
	}
	return n;
}

int pkgidx_merge(const struct pkgidx *old, const uint32_t *remap,
		 const struct pkgidx_entry *add, size_t n, const char *paths,
		 size_t npkgs, struct pkgidx *out)
{
	size_t room = (old->npkgs > npkgs ? old->npkgs : npkgs) + 1;
	uint32_t *a = malloc(room * sizeof(*a)), *b = malloc(room * sizeof(*b));
	uint32_t *u = malloc(2 * room * sizeof(*u));
	struct dec d = { .p = old->index, .end = old->index + old->index_len,
			 .npkgs = old->npkgs };
	struct enc *e = calloc(1, sizeof(*e));
	size_t na = 0, i = 0, k, nu;
	int have, r = -1;

	if (!a || !b || !u || !e)
		goto out;
	/*
	 * Room for all of it at once: grown by doubling, the buffer would
	 * pass through sizes up to twice the index while the old one is
	 * still held.
	 */
	for (k = 0, nu = 0; k < n; k++)
		nu += strlen(paths + add[k].off) + 8;
	if (pkgidx_buf_reserve(&e->idx, old->index_len + nu + 64) < 0 ||
	    pkgidx_buf_reserve(&e->blocks, ((old->npaths + n) / PKG_BLOCK + 2) *
				sizeof(uint32_t)) < 0)
		goto out;
	have = old->index ? pkgidx_dec_next(&d) : 0;
	while (have > 0 || i < n) {
		const char *np = i < n ? paths + add[i].off : NULL;
		int c = have <= 0 ? 1 : !np ? -1 : strcmp(d.path, np);
		size_t nb = 0;

		na = 0;
		if (c <= 0) {
			/* renumbered in place; the order stays: by name */
			dec_owners(&d, a);
			for (k = 0; k < d.n; k++)
				if (remap[a[k]] != PKGIDX_GONE)
					a[na++] = remap[a[k]];
		}
		if (c >= 0) {
			for (; i < n && !strcmp(paths + add[i].off, np); i++)
				if (!nb || b[nb - 1] != add[i].pkg)
					b[nb++] = add[i].pkg;
		}
		nu = owners_union(a, na, b, nb, u);
		if (nu && enc_put(e, c <= 0 ? d.path : np,
				  c <= 0 ? d.len : strlen(np), u, nu) < 0)
			goto out;
		if (c <= 0)
			have = pkgidx_dec_next(&d);
	}
	if (have < 0) {
		errno = EBADMSG;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	/* exactly what is used, nothing more */
	out->index = e->idx.len ? realloc(e->idx.p, e->idx.len) : e->idx.p;
	out->index = out->index ? out->index : e->idx.p;
	out->index_len = e->idx.len;
	out->blocks = (uint32_t *)e->blocks.p;
	out->nblocks = e->blocks.len / sizeof(uint32_t);
	out->npaths = e->k;
	e->idx.p = NULL;
	e->blocks.p = NULL;
	r = 0;
out:
	if (e) {
		free(e->idx.p);
		free(e->blocks.p);
	}
	free(e);
	free(a);
	free(b);
	free(u);
	return r;
}

/* Bytes of the index held at base: [off, off + len). */
struct span {
	const unsigned char *base;
	size_t off, len;
};

/*
 * Block i's first path compared with path, as strcmp.  Within the
 * span and the path's stated length; on a segment not checked it
 * could only steer, but every caller's span is checked or trusted.
 */
static int cmp_block(const struct pkgidx *x, size_t i,
		     const struct span *sp, const char *path)
{
	const unsigned char *p, *end = sp->base + sp->len;
	uint64_t shared, len;
	size_t n;
	int c;

	if (x->blocks[i] < sp->off || x->blocks[i] - sp->off >= sp->len)
		return 1;
	p = sp->base + (x->blocks[i] - sp->off);
	if (pkgidx_get_varint(&p, end, &shared) < 0 ||
	    pkgidx_get_varint(&p, end, &len) < 0)
		return 1;
	n = len < (uint64_t)(end - p) ? (size_t)len : (size_t)(end - p);
	c = strncmp((const char *)p, path, n);
	if (c)
		return c;
	/* a NUL in damaged bytes ended both: path may be shorter than n */
	if (memchr(p, '\0', n))
		return 1;
	return path[n] ? -1 : 0;
}

/* The first block in [lo, hi) whose first path is > path, or hi. */
static size_t search(const struct pkgidx *x, const struct span *sp,
		     size_t lo, size_t hi, const char *path)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_block(x, mid, sp, path) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* path's first owner if block b (in sp, whole) lists it, or NULL. */
static const char *in_block(const struct pkgidx *x, const struct span *sp,
			    size_t b, const char *path)
{
	struct dec d = { .npkgs = x->npkgs };
	size_t end = b + 1 < x->nblocks ? x->blocks[b + 1] : x->index_len;
	int c;

	if (x->blocks[b] < sp->off || end - sp->off > sp->len)
		return NULL;
	d.p = sp->base + (x->blocks[b] - sp->off);
	d.end = sp->base + (end - sp->off);
	while (pkgidx_dec_next(&d) > 0) {
		c = strcmp(d.path, path);
		if (!c)
			return x->pkgs[d.first].name;
		if (c > 0)
			break;
	}
	return NULL;
}

/* Segment seg's span, checked; 0, or -1 (damaged). */
static int file_span(struct pkgidx *x, size_t seg, struct span *sp)
{
	sp->base = pkgidx_file_seg(x, seg, &sp->off, &sp->len);
	return sp->base ? 0 : -1;
}

/*
 * A lookup in an index left in its file.  The first paths read on
 * opening steer it to one segment; once that is checked, its own
 * first path must agree (<= path), and when path sorts after its last
 * block, so must the next segment's first (> path), checked too.
 * Then the answer stands on checked bytes only.  A disagreement is
 * damage: the index is not used again.
 */
static const char *lookup_file(struct pkgidx *x, const char *path)
{
	size_t s = pkgidx_file_steer(x->file, path), b0, b1, lo;
	struct span seg, next;

	if (!x->nblocks)
		return NULL;
	if (!s) {
		/* before the first path: the first segment, checked, says */
		if (file_span(x, 0, &seg) < 0)
			return NULL;
		if (cmp_block(x, 0, &seg, path) <= 0)
			goto steered_wrong;
		return NULL;
	}
	if (file_span(x, s - 1, &seg) < 0)
		return NULL;
	b0 = (s - 1) * PKGIDX_SEG;
	b1 = b0 + PKGIDX_SEG < x->nblocks ? b0 + PKGIDX_SEG : x->nblocks;
	if (cmp_block(x, b0, &seg, path) > 0)
		goto steered_wrong;
	lo = search(x, &seg, b0 + 1, b1, path);
	if (lo == b1 && b1 < x->nblocks) {
		/* seg stays held: it is the window used last */
		if (file_span(x, s, &next) < 0)
			return NULL;
		if (cmp_block(x, b1, &next, path) <= 0)
			goto steered_wrong;
	}
	return in_block(x, &seg, lo - 1, path);
steered_wrong:
	x->damaged = 1;
	return NULL;
}

const char *pkgidx_lookup(struct pkgidx *x, const char *path)
{
	struct span all = { x->index, 0, x->index_len };
	size_t lo;

	if (x->damaged)
		return NULL;
	if (x->file)
		return lookup_file(x, path);
	if (!x->index)
		return NULL;
	/* built in memory: trusted */
	lo = search(x, &all, 0, x->nblocks, path);
	return lo ? in_block(x, &all, lo - 1, path) : NULL;
}
