/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKGINDEX_PRIV_H
#define VIGIL_PKGINDEX_PRIV_H

/*
 * The index's encoding, shared by pkgindex.c (building, lookups) and
 * pkgidxfile.c (the file, checked entry by entry on load).  Nothing
 * else includes it.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/pkgindex.h"

/* Paths per block: the first whole, the others front-coded. */
#define PKG_BLOCK 16
/* Larger than any real database's index, with room. */
#define FILE_MAX (256u * 1024 * 1024)

struct pkgidx_buf;
/* Capacity for cap bytes in all.  -1: ENOMEM, or E2BIG past 4 GiB. */
int pkgidx_buf_reserve(struct pkgidx_buf *b, size_t cap);
/* Append v as a varint: 0, or -1 as pkgidx_buf_add(). */
int pkgidx_buf_varint(struct pkgidx_buf *b, uint64_t v);
/* A varint of at most 64 bits before end.  -1: runs past end or over. */
int pkgidx_get_varint(const unsigned char **p, const unsigned char *end,
		      uint64_t *v);

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
int pkgidx_dec_next(struct dec *d);

/* n bytes of file fd at off.  0; -1 with errno (EBADMSG: cut short). */
int pkgidx_pread(int fd, void *buf, size_t n, uint64_t off);

/* The segments an index of nblocks blocks has (PKGIDX_SEG blocks each). */
static inline uint64_t pkgidx_nsegs(uint64_t nblocks)
{
	return (nblocks + PKGIDX_SEG - 1) / PKGIDX_SEG;
}

/* Segment s's bytes in an index of nblocks blocks: [*start, *end). */
void pkgidx_seg_span(const uint32_t *blocks, size_t nblocks,
		     size_t index_len, size_t s, size_t *start, size_t *end);

/*
 * The index left in its file (pkgidxwin.c).  pkgidx_file_open takes
 * fd (open on the file, the index at index_off) and segsum (nsegs
 * sums, malloc'd) into x, whose blocks are set, and reads each
 * segment's first path, which steers lookups only.  0; -1 with errno
 * (fd and segsum are freed either way).
 */
int pkgidx_file_open(struct pkgidx *x, int fd, uint64_t index_off,
		     uint64_t *segsum, size_t nsegs);
void pkgidx_file_free(struct pkgidx_file *f);

/* How many segments' first paths, as read on opening, are <= path. */
size_t pkgidx_file_steer(const struct pkgidx_file *f, const char *path);

/*
 * Segment seg's bytes, checked: the index's bytes [*start, *start +
 * *len), the segment and the next one's first block (whose first path
 * bounds it).  NULL with x->damaged set: damaged, or not readable.
 */
const unsigned char *pkgidx_file_seg(struct pkgidx *x, size_t seg,
				     size_t *start, size_t *len);

#endif
