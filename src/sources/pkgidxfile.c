// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index file: a header, the dpkg directory, the packages, the
 * block table and a sum per segment of the index (pkgindex.c), then the
 * index.  A start reads and checks all but the index, and maps the
 * index: it is what a start used to spend its time on (reading 2.7 MB,
 * summing and decoding every entry) and most of it is never looked at.
 * Being vigild's own does not make it trusted: a segment is summed and
 * decoded with bounds, its order checked, before a lookup follows it,
 * so damage is found before it can mislead and the lists are read
 * again.
 */
#include "build.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/pkg.h"
#include "sources/pkgindex.h"
#include "sources/pkgindex_priv.h"

/*
 * The file's sum: FNV-1a's step over 8-byte words (the bytes in file
 * order, a short last word padded with zeros), then a final mix.  It
 * catches a damaged file, not a forged one (the file is vigild's own,
 * in a directory that is its own); eight bytes a step, it costs a
 * start a millisecond, not the tens that a byte a step did.  Streamed:
 * the same whatever the pieces it is fed in.
 */
struct wsum {
	uint64_t h;
	unsigned char tail[8];
	size_t ntail;
};

#define WSUM_BASIS 1469598103934665603ULL
#define WSUM_PRIME 1099511628211ULL

static void wsum_word(struct wsum *w, const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	w->h = (w->h ^ v) * WSUM_PRIME;
}

static void wsum_add(struct wsum *w, const unsigned char *p, size_t n)
{
	if (w->ntail) {
		size_t k = sizeof(w->tail) - w->ntail;

		if (k > n)
			k = n;
		memcpy(w->tail + w->ntail, p, k);
		w->ntail += k;
		p += k;
		n -= k;
		if (w->ntail < sizeof(w->tail))
			return;
		wsum_word(w, w->tail);
		w->ntail = 0;
	}
	for (; n >= 8; p += 8, n -= 8)
		wsum_word(w, p);
	memcpy(w->tail, p, n);
	w->ntail = n;
}

static uint64_t wsum_end(struct wsum *w, uint64_t total)
{
	if (w->ntail) {
		memset(w->tail + w->ntail, 0, sizeof(w->tail) - w->ntail);
		wsum_word(w, w->tail);
	}
	w->h = (w->h ^ total) * WSUM_PRIME;
	return w->h ^ (w->h >> 29);
}

/* The sum of the file's first n bytes as a start, its field taken as 0. */
static void wsum_head(struct wsum *w, const unsigned char *p, size_t n)
{
	struct pkgidx_head h;

	w->h = WSUM_BASIS;
	w->ntail = 0;
	if (n < sizeof(h)) {
		wsum_add(w, p, n);
		return;
	}
	memcpy(&h, p, sizeof(h));
	h.sum = 0;
	wsum_add(w, (const unsigned char *)&h, sizeof(h));
	wsum_add(w, p + sizeof(h), n - sizeof(h));
}

static uint64_t file_sum(const unsigned char *p, size_t n)
{
	struct wsum w;

	wsum_head(&w, p, n);
	return wsum_end(&w, n);
}

/* A segment's sum: of its bytes alone. */
static uint64_t seg_sum(const unsigned char *p, size_t n)
{
	struct wsum w = { .h = WSUM_BASIS };

	wsum_add(&w, p, n);
	return wsum_end(&w, n);
}

/* Where each part of the file lies (offsets from its start). */
struct layout {
	size_t pkgs, blocks, sums, index, total;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The parts h describes.  -1: they do not add up to a file of len. */
static int layout(const struct pkgidx_head *h, size_t len, struct layout *l)
{
	/* each bounded first, so the sums below cannot wrap */
	if (h->dir_len > FILE_MAX || h->pkgs_len > FILE_MAX ||
	    h->index_len > FILE_MAX || h->nblocks > FILE_MAX / 4 ||
	    h->nsegs > FILE_MAX / 8)
		return -1;
	l->pkgs = sizeof(*h) + (size_t)h->dir_len;
	l->blocks = pad8(l->pkgs + (size_t)h->pkgs_len);
	l->sums = pad8(l->blocks + (size_t)h->nblocks * 4);
	l->index = l->sums + (size_t)h->nsegs * 8;
	l->total = l->index + (size_t)h->index_len;
	return l->total == len ? 0 : -1;
}

/* Segment s's bytes in an index of blocks: [*start, *end). */
static void seg_span(const uint32_t *blocks, size_t nblocks,
		     size_t index_len, size_t s, size_t *start, size_t *end)
{
	size_t b1 = (s + 1) * PKGIDX_SEG;

	*start = blocks[s * PKGIDX_SEG];
	*end = b1 < nblocks ? blocks[b1] : index_len;
}

void pkgidx_seal(unsigned char *file, size_t len)
{
	struct pkgidx_head h;
	struct layout l;
	uint64_t sum;
	size_t s, n = len;

	if (len < sizeof(h))
		return;
	memcpy(&h, file, sizeof(h));
	if (layout(&h, len, &l) == 0 &&
	    h.nblocks > (h.nsegs ? (h.nsegs - 1) * PKGIDX_SEG : 0) &&
	    h.nblocks <= h.nsegs * PKGIDX_SEG) {
		uint32_t *b = malloc(h.nblocks * 4 + 4);

		if (!b)
			return;
		memcpy(b, file + l.blocks, h.nblocks * 4);
		for (s = 0; s < h.nsegs; s++) {
			size_t start, end;

			seg_span(b, h.nblocks, h.index_len, s, &start, &end);
			if (start > end || end > h.index_len)
				continue;
			sum = seg_sum(file + l.index + start, end - start);
			memcpy(file + l.sums + s * 8, &sum, sizeof(sum));
		}
		free(b);
		n = l.index;
	}
	sum = file_sum(file, n);
	memcpy(file + offsetof(struct pkgidx_head, sum), &sum, sizeof(sum));
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The head, the directory, the packages, the blocks and the segment
 * sums are built in memory and summed; the index, the bulk, is written
 * from where it is.
 */
int pkgidx_save(const struct pkgidx *x, const char *dir, const char *file)
{
	static const unsigned char zeros[8];
	struct pkgidx_buf f = { 0 };
	struct pkgidx_head h = { .version = PKGIDX_VERSION,
				 .endian = PKGIDX_ENDIAN };
	char tmp[PATH_MAX];
	size_t i, mark;
	uint64_t sum;
	int fd = -1, r = -1, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", file) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(h.magic, PKGIDX_MAGIC, sizeof(h.magic));
	h.dir_len = strlen(dir);
	if (pkgidx_buf_add(&f, &h, sizeof(h)) < 0 ||
	    pkgidx_buf_add(&f, dir, h.dir_len) < 0)
		goto out;
	mark = f.len;
	for (i = 0; i < x->npkgs; i++) {
		const struct pkgidx_pkg *p = &x->pkgs[i];
		size_t n = strlen(p->name);

		if (pkgidx_buf_varint(&f, n) < 0 ||
		    pkgidx_buf_add(&f, p->name, n) < 0 ||
		    pkgidx_buf_varint(&f, (uint64_t)p->mtime.tv_sec) < 0 ||
		    pkgidx_buf_varint(&f, (uint64_t)p->mtime.tv_nsec) < 0 ||
		    pkgidx_buf_varint(&f, p->size) < 0 ||
		    pkgidx_buf_varint(&f, p->ino) < 0)
			goto out;
	}
	h.pkgs_len = f.len - mark;
	h.nblocks = x->nblocks;
	h.nsegs = (x->nblocks + PKGIDX_SEG - 1) / PKGIDX_SEG;
	if (pkgidx_buf_add(&f, zeros, pad8(f.len) - f.len) < 0 ||
	    pkgidx_buf_add(&f, x->blocks, x->nblocks * 4) < 0 ||
	    pkgidx_buf_add(&f, zeros, pad8(f.len) - f.len) < 0)
		goto out;
	for (i = 0; i < h.nsegs; i++) {
		size_t start, end;

		seg_span(x->blocks, x->nblocks, x->index_len, i, &start, &end);
		sum = seg_sum(x->index + start, end - start);
		if (pkgidx_buf_add(&f, &sum, sizeof(sum)) < 0)
			goto out;
	}
	h.index_len = x->index_len;
	h.npkgs = x->npkgs;
	h.npaths = x->npaths;
	h.stamp_sec = x->stamp.tv_sec;
	h.stamp_nsec = x->stamp.tv_nsec;
	h.sum = 0;
	memcpy(f.p, &h, sizeof(h));
	h.sum = file_sum(f.p, f.len);
	memcpy(f.p, &h, sizeof(h));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || write_all(fd, f.p, f.len) < 0 ||
	    write_all(fd, x->index, x->index_len) < 0)
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, file) < 0)
		goto out;
	r = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		unlink(tmp);
	free(f.p);
	errno = e;
	return r;
}

static int load_pkgs(struct pkgidx *x, const unsigned char *p,
		     const unsigned char *end)
{
	size_t i;

	x->pkgs = calloc(x->npkgs + 1, sizeof(*x->pkgs));
	if (!x->pkgs)
		return -1;
	for (i = 0; i < x->npkgs; i++) {
		struct pkgidx_pkg *k = &x->pkgs[i];
		uint64_t n, sec, nsec;

		if (pkgidx_get_varint(&p, end, &n) < 0 || !n || n > NAME_MAX ||
		    n > (uint64_t)(end - p) || memchr(p, '\0', n) ||
		    memchr(p, '/', n))
			goto bad;
		k->name = strndup((const char *)p, n);
		if (!k->name)
			return -1;
		p += n;
		if (pkgidx_get_varint(&p, end, &sec) < 0 ||
		    pkgidx_get_varint(&p, end, &nsec) < 0 || nsec >= 1000000000 ||
		    pkgidx_get_varint(&p, end, &k->size) < 0 ||
		    pkgidx_get_varint(&p, end, &k->ino) < 0)
			goto bad;
		k->mtime.tv_sec = (time_t)sec;
		k->mtime.tv_nsec = (long)nsec;
		/* numbered in name order: lookups' first owners rely on it */
		if (i && strcmp(x->pkgs[i - 1].name, k->name) >= 0)
			goto bad;
	}
	if (p != end)
		goto bad;
	return 0;
bad:
	errno = EBADMSG;
	return -1;
}

/* The block table: starts at 0, rises strictly, within the index. */
static int load_blocks(const struct pkgidx *x)
{
	size_t i;

	if (x->nblocks && x->blocks[0])
		return -1;
	for (i = 0; i < x->nblocks; i++)
		if (x->blocks[i] >= x->index_len ||
		    (i && x->blocks[i] <= x->blocks[i - 1]))
			return -1;
	return 0;
}

/* What the head says, against what is and what can be. */
static int head_sound(const struct pkgidx_head *h, const char *dir,
		      size_t len, struct layout *l)
{
	return !memcmp(h->magic, PKGIDX_MAGIC, sizeof(h->magic)) &&
	       h->endian == PKGIDX_ENDIAN && h->dir_len == strlen(dir) &&
	       layout(h, len, l) == 0 &&
	       h->npkgs <= PKG_MAX_PACKAGES && h->npaths <= PKG_MAX_PATHS &&
	       h->nblocks == (h->npaths + PKG_BLOCK - 1) / PKG_BLOCK &&
	       h->nsegs == (h->nblocks + PKGIDX_SEG - 1) / PKGIDX_SEG &&
	       !h->index_len == !h->npaths && h->index_len <= UINT32_MAX &&
	       h->stamp_nsec >= 0 && h->stamp_nsec < 1000000000;
}

int pkgidx_load(struct pkgidx *x, const char *dir, const char *file)
{
	struct pkgidx_head h;
	unsigned char *map;
	struct layout l;
	struct stat st;
	int fd, e;

	memset(x, 0, sizeof(*x));
	fd = fileio_open_regular(file, &st);
	if (fd < 0)
		return -1;
	if (st.st_uid != geteuid() || (st.st_mode & 022) ||
	    (uint64_t)st.st_size < sizeof(h) ||
	    (uint64_t)st.st_size > FILE_MAX) {
		close(fd);
		errno = EBADMSG;
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = e;
		return -1;
	}
	x->map = map;
	x->map_len = (size_t)st.st_size;
	errno = EBADMSG;
	memcpy(&h, map, sizeof(h));
	if (!memcmp(h.magic, PKGIDX_MAGIC, sizeof(h.magic)) &&
	    h.version != PKGIDX_VERSION) {
		errno = EPROTONOSUPPORT;	/* another vigild's: routine */
		goto bad;
	}
	if (!head_sound(&h, dir, x->map_len, &l) ||
	    memcmp(map + sizeof(h), dir, h.dir_len) ||
	    file_sum(map, l.index) != h.sum)
		goto bad;
	x->npkgs = (size_t)h.npkgs;
	x->npaths = (size_t)h.npaths;
	x->stamp.tv_sec = (time_t)h.stamp_sec;
	x->stamp.tv_nsec = (long)h.stamp_nsec;
	x->index = map + l.index;
	x->index_len = (size_t)h.index_len;
	/* 8-aligned in the file, and the map is page-aligned */
	x->blocks = (uint32_t *)(void *)(map + l.blocks);
	x->nblocks = (size_t)h.nblocks;
	x->segsum = (const uint64_t *)(const void *)(map + l.sums);
	x->nsegs = (size_t)h.nsegs;
	x->seg_ok = calloc(x->nsegs + 1, 1);
	if (!x->seg_ok)
		goto bad;
	if (load_blocks(x) < 0 ||
	    load_pkgs(x, map + l.pkgs, map + l.pkgs + h.pkgs_len) < 0) {
		errno = errno == ENOMEM ? ENOMEM : EBADMSG;
		goto bad;
	}
	return 0;
bad:
	e = errno;
	pkgidx_clear(x);
	errno = e;
	return -1;
}

int pkgidx_seg_check(struct pkgidx *x, size_t seg)
{
	size_t b0 = seg * PKGIDX_SEG, start, end, want, k, b;
	struct dec d = { .npkgs = x->npkgs }, next = { .npkgs = x->npkgs };
	char prev[PATH_MAX];
	int r;

	if (!x->map || (seg < x->nsegs && x->seg_ok[seg]))
		return 0;
	if (x->damaged || seg >= x->nsegs)
		goto bad;
	seg_span(x->blocks, x->nblocks, x->index_len, seg, &start, &end);
	if (seg_sum(x->index + start, end - start) != x->segsum[seg])
		goto bad;
	want = x->npaths - b0 * PKG_BLOCK;
	if (want > (size_t)PKGIDX_SEG * PKG_BLOCK)
		want = (size_t)PKGIDX_SEG * PKG_BLOCK;
	d.p = x->index + start;
	d.end = x->index + end;
	for (k = 0;; k++) {
		size_t off = (size_t)(d.p - x->index);

		r = pkgidx_dec_next(&d);
		if (!r)
			break;
		if (r < 0 || k >= want)
			goto bad;
		b = b0 + k / PKG_BLOCK;
		if (k % PKG_BLOCK == 0 && (d.shared || off != x->blocks[b]))
			goto bad;
		if (k && strcmp(prev, d.path) >= 0)
			goto bad;
		memcpy(prev, d.path, d.len + 1);
	}
	if (k != want)
		goto bad;
	/* this segment's last path before the next one's first */
	if (b0 + PKGIDX_SEG < x->nblocks) {
		next.p = x->index + x->blocks[b0 + PKGIDX_SEG];
		next.end = x->index + x->index_len;
		if (pkgidx_dec_next(&next) <= 0 || strcmp(prev, next.path) >= 0)
			goto bad;
	}
	x->seg_ok[seg] = 1;
	return 0;
bad:
	x->damaged = 1;
	return -1;
}

int pkgidx_check_all(struct pkgidx *x)
{
	size_t s;

	for (s = 0; x->map && s < x->nsegs; s++)
		if (pkgidx_seg_check(x, s) < 0)
			return -1;
	return 0;
}
