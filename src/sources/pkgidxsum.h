/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PKGIDXSUM_H
#define VIGIL_SOURCES_PKGIDXSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * The pkg-index file's sums (pkgidxsum.c): of the file up to its index,
 * and of each segment of the index.  They catch a damaged file, not a
 * forged one (the file is vigild's own, in a directory of its own).
 * Streamed: the same whatever the pieces the bytes come in.
 */
struct pkgidx_sum {
	uint64_t h;
	unsigned char tail[8];
	size_t ntail;
};

void pkgidx_sum_init(struct pkgidx_sum *w);
void pkgidx_sum_add(struct pkgidx_sum *w, const void *p, size_t n);
/* The sum of the total bytes added. */
uint64_t pkgidx_sum_end(struct pkgidx_sum *w, uint64_t total);
/* The sum of n bytes at p, at once. */
uint64_t pkgidx_sum_of(const void *p, size_t n);

#endif
