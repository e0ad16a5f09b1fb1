// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index's encoding (pkgindex_priv.h): growable buffers,
 * varints, one entry decoded with every field checked, a segment's
 * span.  Below the index in memory (pkgindex.c), its file
 * (pkgidxfile.c) and the index left in its file (pkgidxwin.c).
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

int pkgidx_buf_reserve(struct pkgidx_buf *b, size_t cap)
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
		if (cap >= UINT32_MAX)
			cap = b->len + n;
		if (pkgidx_buf_reserve(b, cap) < 0)
			return -1;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

int pkgidx_buf_varint(struct pkgidx_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return pkgidx_buf_add(b, tmp, n);
}

int pkgidx_get_varint(const unsigned char **p, const unsigned char *end,
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

int pkgidx_dec_next(struct dec *d)
{
	uint64_t len, v, sum;
	uint64_t i;

	if (d->p == d->end)
		return 0;
	if (pkgidx_get_varint(&d->p, d->end, &d->shared) < 0 ||
	    pkgidx_get_varint(&d->p, d->end, &len) < 0 || d->shared > d->len ||
	    len >= PATH_MAX - d->shared ||
	    len > (uint64_t)(d->end - d->p) || memchr(d->p, '\0', len))
		return -1;
	memcpy(d->path + d->shared, d->p, len);
	d->len = d->shared + len;
	d->path[d->len] = '\0';
	d->p += len;
	if (pkgidx_get_varint(&d->p, d->end, &d->n) < 0 || !d->n ||
	    d->n > d->npkgs || pkgidx_get_varint(&d->p, d->end, &sum) < 0 ||
	    sum >= d->npkgs)
		return -1;
	d->first = (uint32_t)sum;
	d->owners = d->p;
	for (i = 1; i < d->n; i++) {
		if (pkgidx_get_varint(&d->p, d->end, &v) < 0 || !v ||
		    v >= d->npkgs - sum)
			return -1;
		sum += v;
	}
	return 1;
}

void pkgidx_seg_span(const uint32_t *blocks, size_t nblocks,
		     size_t index_len, size_t s, size_t *start, size_t *end)
{
	size_t b1 = (s + 1) * PKGIDX_SEG;

	*start = blocks[s * PKGIDX_SEG];
	*end = b1 < nblocks ? blocks[b1] : index_len;
}

int pkgidx_pread(int fd, void *buf, size_t n, uint64_t off)
{
	unsigned char *p = buf;
	ssize_t r;

	while (n) {
		r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!r)
				errno = EBADMSG;
			return -1;
		}
		p += r;
		off += (uint64_t)r;
		n -= (size_t)r;
	}
	return 0;
}
