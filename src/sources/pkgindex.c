// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compact dpkg index (see pkgindex.h) and its file.  An entry is
 *
 *	varint shared	bytes in common with the path before (0 every
 *			PKG_BLOCK-th entry)
 *	varint len	bytes that follow, then those bytes
 *	varint n	packages listing the path (1 or more)
 *	varint first	then n - 1 varint steps (each 1 or more)
 *
 * The file is a header, the dpkg directory, the packages and the index,
 * with a checksum; being vigild's own does not make it trusted: a load
 * decodes every entry with bounds and checks the order a lookup relies
 * on, so a damaged file is refused, never followed.
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

/* Paths per block: the first whole, the others front-coded. */
#define PKG_BLOCK 16
/* Larger than any real database's index, with room. */
#define FILE_MAX (256u * 1024 * 1024)

/* Capacity for cap bytes in all.  -1: ENOMEM, or E2BIG past 4 GiB. */
static int reserve(struct pkgidx_buf *b, size_t cap)
{
	unsigned char *p;

	if (cap <= b->cap)
		return 0;
	if (cap > UINT32_MAX) {
		errno = E2BIG;
		return -1;
	}
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int pkgidx_buf_add(struct pkgidx_buf *b, const void *data, size_t n)
{
	size_t cap;

	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 65536;
		while (cap < b->len + n)
			cap *= 2;
		if (reserve(b, cap < UINT32_MAX ? cap : b->len + n) < 0)
			return -1;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static int buf_varint(struct pkgidx_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return pkgidx_buf_add(b, tmp, n);
}

/* A varint of at most 64 bits before end.  -1: runs past end or over. */
static int get_varint(const unsigned char **p, const unsigned char *end,
		      uint64_t *v)
{
	const unsigned char *q = *p;
	int shift = 0;

	*v = 0;
	while (q < end && shift < 64) {
		*v |= (uint64_t)(*q & 0x7f) << shift;
		if (!(*q++ & 0x80)) {
			*p = q;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

void pkgidx_pkgs_free(struct pkgidx_pkg *pkgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(pkgs[i].name);
	free(pkgs);
}

void pkgidx_clear(struct pkgidx *x)
{
	pkgidx_pkgs_free(x->pkgs, x->npkgs);
	free(x->index);
	free(x->blocks);
	memset(x, 0, sizeof(*x));
}

size_t pkgidx_bytes(const struct pkgidx *x)
{
	return x->index_len + x->nblocks * sizeof(*x->blocks);
}

/* One entry at a time, every field checked against what can be. */
struct dec {
	const unsigned char *p, *end;
	size_t npkgs;
	char path[PATH_MAX];
	size_t len;
	uint64_t shared;	/* bytes kept from the path before */
	uint64_t n;
	uint32_t first;		/* the first owner */
	const unsigned char *owners;	/* the steps after it */
};

/* 1: an entry decoded; 0: the end; -1: malformed. */
static int dec_next(struct dec *d)
{
	uint64_t len, v, sum;
	uint64_t i;

	if (d->p == d->end)
		return 0;
	if (get_varint(&d->p, d->end, &d->shared) < 0 ||
	    get_varint(&d->p, d->end, &len) < 0 || d->shared > d->len ||
	    len >= PATH_MAX - d->shared ||
	    len > (uint64_t)(d->end - d->p) || memchr(d->p, '\0', len))
		return -1;
	memcpy(d->path + d->shared, d->p, len);
	d->len = d->shared + len;
	d->path[d->len] = '\0';
	d->p += len;
	if (get_varint(&d->p, d->end, &d->n) < 0 || !d->n ||
	    d->n > d->npkgs || get_varint(&d->p, d->end, &sum) < 0 ||
	    sum >= d->npkgs)
		return -1;
	d->first = (uint32_t)sum;
	d->owners = d->p;
	for (i = 1; i < d->n; i++) {
		if (get_varint(&d->p, d->end, &v) < 0 || !v ||
		    v >= d->npkgs - sum)
			return -1;
		sum += v;
	}
	return 1;
}

/* The owners of the entry just decoded, into out (room for d->n). */
static void dec_owners(const struct dec *d, uint32_t *out)
{
	const unsigned char *p = d->owners;
	uint64_t v, i;

	out[0] = d->first;
	for (i = 1; i < d->n; i++) {
		get_varint(&p, d->end, &v);	/* checked by dec_next */
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
	if (buf_varint(&e->idx, shared) < 0 ||
	    buf_varint(&e->idx, len - shared) < 0 ||
	    pkgidx_buf_add(&e->idx, path + shared, len - shared) < 0 ||
	    buf_varint(&e->idx, n) < 0 || buf_varint(&e->idx, own[0]) < 0)
		return -1;
	for (i = 1; i < n; i++)
		if (buf_varint(&e->idx, own[i] - own[i - 1]) < 0)
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
	if (reserve(&e->idx, old->index_len + nu + 64) < 0 ||
	    reserve(&e->blocks, ((old->npaths + n) / PKG_BLOCK + 2) *
				sizeof(uint32_t)) < 0)
		goto out;
	have = old->index ? dec_next(&d) : 0;
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
			have = dec_next(&d);
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

/* Block i's first path compared with path, as strcmp. */
static int cmp_block(const struct pkgidx *x, size_t i, const char *path)
{
	const unsigned char *p = x->index + x->blocks[i];
	const unsigned char *end = x->index + x->index_len;
	uint64_t shared, len;
	int c;

	/* built or checked here: a block starts whole and fits */
	get_varint(&p, end, &shared);
	get_varint(&p, end, &len);
	c = strncmp((const char *)p, path, len);
	return c ? c : (path[len] ? -1 : 0);
}

const char *pkgidx_lookup(const struct pkgidx *x, const char *path)
{
	struct dec d = { .npkgs = x->npkgs };
	size_t lo = 0, hi = x->nblocks;
	int c;

	/* the last block whose first path is <= path */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_block(x, mid, path) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	d.p = x->index + x->blocks[lo - 1];
	d.end = lo < x->nblocks ? x->index + x->blocks[lo] :
		x->index + x->index_len;
	while (dec_next(&d) > 0) {
		c = strcmp(d.path, path);
		if (!c)
			return x->pkgs[d.first].name;
		if (c > 0)
			break;
	}
	return NULL;
}

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

void pkgidx_seal(unsigned char *file, size_t len)
{
	uint64_t sum;

	if (len < sizeof(struct pkgidx_head))
		return;
	sum = file_sum(file, len);
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
 * The head, the directory and the packages are built in memory; the
 * index, the bulk, is written from where it is, and the sum is run over
 * the parts in file order.
 */
int pkgidx_save(const struct pkgidx *x, const char *dir, const char *file)
{
	struct pkgidx_buf f = { 0 };
	struct pkgidx_head h = { .version = PKGIDX_VERSION,
				 .endian = PKGIDX_ENDIAN };
	char tmp[PATH_MAX];
	struct wsum w;
	size_t i, mark;
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

		if (buf_varint(&f, n) < 0 ||
		    pkgidx_buf_add(&f, p->name, n) < 0 ||
		    buf_varint(&f, (uint64_t)p->mtime.tv_sec) < 0 ||
		    buf_varint(&f, (uint64_t)p->mtime.tv_nsec) < 0 ||
		    buf_varint(&f, p->size) < 0 || buf_varint(&f, p->ino) < 0)
			goto out;
	}
	h.pkgs_len = f.len - mark;
	h.index_len = x->index_len;
	h.npkgs = x->npkgs;
	h.npaths = x->npaths;
	h.stamp_sec = x->stamp.tv_sec;
	h.stamp_nsec = x->stamp.tv_nsec;
	memcpy(f.p, &h, sizeof(h));
	wsum_head(&w, f.p, f.len);
	wsum_add(&w, x->index, x->index_len);
	h.sum = wsum_end(&w, f.len + x->index_len);
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

		if (get_varint(&p, end, &n) < 0 || !n || n > NAME_MAX ||
		    n > (uint64_t)(end - p) || memchr(p, '\0', n) ||
		    memchr(p, '/', n))
			goto bad;
		k->name = strndup((const char *)p, n);
		if (!k->name)
			return -1;
		p += n;
		if (get_varint(&p, end, &sec) < 0 ||
		    get_varint(&p, end, &nsec) < 0 || nsec >= 1000000000 ||
		    get_varint(&p, end, &k->size) < 0 ||
		    get_varint(&p, end, &k->ino) < 0)
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

/* Walks the whole index: well formed, strictly sorted; finds blocks. */
static int load_index(struct pkgidx *x)
{
	struct dec d = { .p = x->index, .end = x->index + x->index_len,
			 .npkgs = x->npkgs };
	struct pkgidx_buf blocks = { 0 };
	char *prev = malloc(PATH_MAX);
	size_t k = 0;
	int r;

	if (!prev)
		return -1;
	for (;;) {
		uint32_t off = (uint32_t)(d.p - x->index);

		r = dec_next(&d);
		if (r <= 0)
			break;
		if (k % PKG_BLOCK == 0) {
			if (d.shared ||
			    pkgidx_buf_add(&blocks, &off, sizeof(off)) < 0) {
				r = -1;
				break;
			}
		}
		if (k && strcmp(prev, d.path) >= 0) {
			r = -1;
			break;
		}
		memcpy(prev, d.path, d.len + 1);
		k++;
	}
	free(prev);
	if (r < 0 || k != x->npaths) {
		free(blocks.p);
		errno = errno == ENOMEM ? ENOMEM : EBADMSG;
		return -1;
	}
	x->blocks = (uint32_t *)blocks.p;
	x->nblocks = blocks.len / sizeof(uint32_t);
	return 0;
}

int pkgidx_load(struct pkgidx *x, const char *dir, const char *file)
{
	struct pkgidx_head h;
	unsigned char *data = NULL;
	const unsigned char *p, *end;
	struct stat st;
	size_t got;
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
	data = (unsigned char *)fileio_read(fd, (size_t)st.st_size, &got);
	e = errno;
	close(fd);
	if (!data) {
		errno = e;
		return -1;
	}
	errno = EBADMSG;
	if (got != (size_t)st.st_size)
		goto bad;
	memcpy(&h, data, sizeof(h));
	p = data + sizeof(h);
	end = data + got;
	if (!memcmp(h.magic, PKGIDX_MAGIC, sizeof(h.magic)) &&
	    h.version != PKGIDX_VERSION) {
		errno = EPROTONOSUPPORT;	/* another vigild's: routine */
		goto bad;
	}
	if (memcmp(h.magic, PKGIDX_MAGIC, sizeof(h.magic)) ||
	    h.endian != PKGIDX_ENDIAN ||
	    h.dir_len != strlen(dir) ||
	    h.dir_len > (uint64_t)(end - p) ||
	    h.pkgs_len > (uint64_t)(end - p) - h.dir_len ||
	    h.index_len != (uint64_t)(end - p) - h.dir_len - h.pkgs_len ||
	    h.npkgs > PKG_MAX_PACKAGES || h.npaths > PKG_MAX_PATHS ||
	    h.stamp_nsec < 0 || h.stamp_nsec >= 1000000000 ||
	    memcmp(p, dir, h.dir_len) || file_sum(data, got) != h.sum)
		goto bad;
	p += h.dir_len;
	x->npkgs = (size_t)h.npkgs;
	x->npaths = (size_t)h.npaths;
	x->stamp.tv_sec = (time_t)h.stamp_sec;
	x->stamp.tv_nsec = (long)h.stamp_nsec;
	if (load_pkgs(x, p, p + h.pkgs_len) < 0)
		goto bad;
	p += h.pkgs_len;
	x->index_len = (size_t)h.index_len;
	/* the index is the file's tail: keep it where it is read */
	memmove(data, p, x->index_len);
	x->index = realloc(data, x->index_len + 1);
	x->index = x->index ? x->index : data;
	data = NULL;
	if (load_index(x) < 0)
		goto bad;
	return 0;
bad:
	e = errno;
	free(data);
	pkgidx_clear(x);
	errno = e;
	return -1;
}
