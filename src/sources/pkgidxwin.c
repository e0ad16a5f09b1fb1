// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index left in its file (pkgindex.h): a lookup reads the one
 * or two segments its answer rests on with pread into a few windows,
 * and each segment is summed and decoded with bounds, its order
 * checked, the first time it is read.  Only each segment's first path
 * is held from the start, to steer a lookup to its segment; what it
 * steers to is checked before it answers.  Mapping the file instead
 * put all of it in vigild's RSS: ext4 caches it in large folios, and a
 * fault maps a whole folio.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/pkgindex.h"
#include "sources/pkgindex_priv.h"
#include "sources/pkgidxsum.h"

/* Windows kept: a lookup reads two segments at most. */
#define PKGIDX_WINS 4

struct win {
	size_t seg;		/* SIZE_MAX: empty */
	unsigned char *p;
	size_t cap, start, len;
	unsigned long used;
};

struct pkgidx_file {
	int fd;
	uint64_t index_off;
	uint64_t *segsum;
	unsigned char *seg_ok;	/* 1: segment checked */
	size_t nsegs;
	char *keys;		/* each segment's first path, NUL-ended */
	size_t *key_off;
	struct win win[PKGIDX_WINS];
	unsigned long tick;
};

void pkgidx_file_free(struct pkgidx_file *f)
{
	size_t i;

	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	for (i = 0; i < PKGIDX_WINS; i++)
		free(f->win[i].p);
	free(f->segsum);
	free(f->seg_ok);
	free(f->keys);
	free(f->key_off);
	free(f);
}

/* n bytes at the index's offset off.  -1: errno (EBADMSG: cut short). */
static int read_at(const struct pkgidx_file *f, size_t off, void *buf,
		   size_t n)
{
	return pkgidx_pread(f->fd, buf, n, f->index_off + off);
}

/* Segment seg's first path into out (PATH_MAX); "" where unreadable. */
static void first_path(const struct pkgidx *x, const struct pkgidx_file *f,
		       size_t seg, char *out, unsigned char *buf)
{
	size_t off = x->blocks[seg * PKGIDX_SEG];
	size_t n = x->index_len - off;
	const unsigned char *p = buf, *end;
	uint64_t shared, len;

	out[0] = '\0';
	if (n > PATH_MAX + 20)
		n = PATH_MAX + 20;
	if (read_at(f, off, buf, n) < 0)
		return;
	end = buf + n;
	if (pkgidx_get_varint(&p, end, &shared) < 0 || shared ||
	    pkgidx_get_varint(&p, end, &len) < 0 || len >= PATH_MAX ||
	    len > (uint64_t)(end - p) || memchr(p, '\0', len))
		return;
	memcpy(out, p, len);
	out[len] = '\0';
}

int pkgidx_file_open(struct pkgidx *x, int fd, uint64_t index_off,
		     uint64_t *segsum, size_t nsegs)
{
	struct pkgidx_file *f = calloc(1, sizeof(*f));
	struct pkgidx_buf keys = { 0 };
	unsigned char *buf = malloc(PATH_MAX + 20);
	char *path = malloc(PATH_MAX);
	size_t s;
	int e;

	if (!f || !buf || !path) {
		close(fd);
		free(segsum);
		if (f)
			f->fd = -1;	/* not f's: closed above */
		goto fail;
	}
	f->fd = fd;
	f->index_off = index_off;
	f->segsum = segsum;
	f->nsegs = nsegs;
	for (s = 0; s < PKGIDX_WINS; s++)
		f->win[s].seg = SIZE_MAX;
	f->seg_ok = calloc(nsegs + 1, 1);
	f->key_off = calloc(nsegs + 1, sizeof(*f->key_off));
	if (!f->seg_ok || !f->key_off)
		goto fail;
	for (s = 0; s < nsegs; s++) {
		first_path(x, f, s, path, buf);
		f->key_off[s] = keys.len;
		if (pkgidx_buf_add(&keys, path, strlen(path) + 1) < 0)
			goto fail;
	}
	/* exactly what the first paths take (a buffer starts at 64 KiB) */
	f->keys = keys.len ? realloc(keys.p, keys.len) : NULL;
	if (!f->keys)
		f->keys = (char *)keys.p;
	keys.p = NULL;
	x->file = f;
	free(buf);
	free(path);
	return 0;
fail:
	e = errno;
	free(keys.p);
	pkgidx_file_free(f);
	free(buf);
	free(path);
	errno = e ? e : ENOMEM;
	return -1;
}

size_t pkgidx_file_steer(const struct pkgidx_file *f, const char *path)
{
	size_t lo = 0, hi = f->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(f->keys + f->key_off[mid], path) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Segment seg held at base (the index's bytes [base_off, base_off +
 * base_len)), against its sum: every entry decoded within it, the
 * order strict, each block where the table says and whole, and its
 * last path before the next segment's first (whose own check vouches
 * for the rest).  0, or -1.
 */
static int seg_sound(const struct pkgidx *x, uint64_t sum, size_t seg,
		     const unsigned char *base, size_t base_off,
		     size_t base_len)
{
	size_t b0 = seg * PKGIDX_SEG, start, end, want, k, b;
	struct dec d = { .npkgs = x->npkgs }, next = { .npkgs = x->npkgs };
	char prev[PATH_MAX];
	int r;

	pkgidx_seg_span(x->blocks, x->nblocks, x->index_len, seg, &start,
			&end);
	if (start < base_off || end > base_off + base_len)
		return -1;
	if (pkgidx_sum_of(base + (start - base_off), end - start) != sum)
		return -1;
	want = x->npaths - b0 * PKG_BLOCK;
	if (want > (size_t)PKGIDX_SEG * PKG_BLOCK)
		want = (size_t)PKGIDX_SEG * PKG_BLOCK;
	d.p = base + (start - base_off);
	d.end = base + (end - base_off);
	for (k = 0;; k++) {
		size_t off = base_off + (size_t)(d.p - base);

		r = pkgidx_dec_next(&d);
		if (!r)
			break;
		if (r < 0 || k >= want)
			return -1;
		b = b0 + k / PKG_BLOCK;
		if (k % PKG_BLOCK == 0 && (d.shared || off != x->blocks[b]))
			return -1;
		if (k && strcmp(prev, d.path) >= 0)
			return -1;
		memcpy(prev, d.path, d.len + 1);
	}
	if (k != want)
		return -1;
	if (b0 + PKGIDX_SEG < x->nblocks) {
		size_t at = x->blocks[b0 + PKGIDX_SEG];

		if (at < base_off || at - base_off > base_len)
			return -1;
		next.p = base + (at - base_off);
		next.end = base + base_len;
		if (pkgidx_dec_next(&next) <= 0 ||
		    strcmp(prev, next.path) >= 0)
			return -1;
	}
	return 0;
}

/* Where segment seg's window ends: after the next segment's first block. */
static size_t win_end(const struct pkgidx *x, size_t seg)
{
	size_t b1 = (seg + 1) * PKGIDX_SEG, start, end;

	if (b1 >= x->nblocks) {
		pkgidx_seg_span(x->blocks, x->nblocks, x->index_len, seg,
				&start, &end);
		return end;
	}
	return b1 + 1 < x->nblocks ? x->blocks[b1 + 1] : x->index_len;
}

const unsigned char *pkgidx_file_seg(struct pkgidx *x, size_t seg,
				     size_t *start, size_t *len)
{
	struct pkgidx_file *f = x->file;
	struct win *w = NULL;
	size_t i, s0, s1, n;

	if (x->damaged || !f || seg >= f->nsegs)
		goto bad;
	for (i = 0; i < PKGIDX_WINS; i++)
		if (f->win[i].seg == seg) {
			w = &f->win[i];
			goto found;
		}
	/* the least recently used window */
	w = &f->win[0];
	for (i = 1; i < PKGIDX_WINS; i++)
		if (f->win[i].used < w->used)
			w = &f->win[i];
	w->seg = SIZE_MAX;
	pkgidx_seg_span(x->blocks, x->nblocks, x->index_len, seg, &s0, &s1);
	n = win_end(x, seg) - s0;
	if (n > w->cap) {
		unsigned char *p = realloc(w->p, n);

		if (!p)
			goto bad;
		w->p = p;
		w->cap = n;
	}
	if (read_at(f, s0, w->p, n) < 0)
		goto bad;
	if (!f->seg_ok[seg] &&
	    seg_sound(x, f->segsum[seg], seg, w->p, s0, n) < 0)
		goto bad;
	f->seg_ok[seg] = 1;
	w->seg = seg;
	w->start = s0;
	w->len = n;
found:
	w->used = ++f->tick;
	*start = w->start;
	*len = w->len;
	return w->p;
bad:
	x->damaged = 1;
	return NULL;
}

int pkgidx_read_all(struct pkgidx *x)
{
	struct pkgidx_file *f = x->file;
	unsigned char *all;
	size_t s;

	if (!f)
		return 0;
	if (x->damaged)
		goto bad;
	all = malloc(x->index_len + 1);
	if (!all)
		return -1;
	if (read_at(f, 0, all, x->index_len) < 0) {
		free(all);
		goto bad;
	}
	for (s = 0; s < f->nsegs; s++)
		if (seg_sound(x, f->segsum[s], s, all, 0, x->index_len) < 0) {
			free(all);
			goto bad;
		}
	pkgidx_file_free(f);
	x->file = NULL;
	x->index = all;
	return 0;
bad:
	x->damaged = 1;
	errno = EBADMSG;
	return -1;
}
