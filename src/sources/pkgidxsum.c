// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index file's sum (pkgidxsum.h): FNV-1a's step over 8-byte
 * words (the bytes in order, a short last word padded with zeros),
 * then the length and a final mix.  Eight bytes a step, it costs a
 * start a millisecond, not the tens that a byte a step did.
 */
#include "build.h"

#include <string.h>

#include "sources/pkgidxsum.h"

#define WSUM_BASIS 1469598103934665603ULL
#define WSUM_PRIME 1099511628211ULL

static void word(struct pkgidx_sum *w, const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	w->h = (w->h ^ v) * WSUM_PRIME;
}

void pkgidx_sum_init(struct pkgidx_sum *w)
{
	w->h = WSUM_BASIS;
	w->ntail = 0;
}

void pkgidx_sum_add(struct pkgidx_sum *w, const void *data, size_t n)
{
	const unsigned char *p = data;

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
		word(w, w->tail);
		w->ntail = 0;
	}
	for (; n >= 8; p += 8, n -= 8)
		word(w, p);
	memcpy(w->tail, p, n);
	w->ntail = n;
}

uint64_t pkgidx_sum_end(struct pkgidx_sum *w, uint64_t total)
{
	if (w->ntail) {
		memset(w->tail + w->ntail, 0, sizeof(w->tail) - w->ntail);
		word(w, w->tail);
	}
	w->h = (w->h ^ total) * WSUM_PRIME;
	return w->h ^ (w->h >> 29);
}

uint64_t pkgidx_sum_of(const void *p, size_t n)
{
	struct pkgidx_sum w;

	pkgidx_sum_init(&w);
	pkgidx_sum_add(&w, p, n);
	return pkgidx_sum_end(&w, n);
}
