/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKGINDEX_H
#define VIGIL_PKGINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The compact path -> packages index behind pkg.c, and its file form.
 * Paths are sorted and front-coded in one buffer, each with the numbers
 * of the packages listing it (ascending: packages are numbered in name
 * order); every PKG_BLOCK-th path is whole, so a lookup is a binary
 * search over those and a short scan.
 */

/* A package number the merge drops. */
#define PKGIDX_GONE UINT32_MAX

/* A growable byte buffer; large ones are mmap'd by malloc. */
struct pkgidx_buf {
	unsigned char *p;
	size_t len, cap;
};

/* Appends n bytes.  -1: ENOMEM, or E2BIG past 4 GiB. */
int pkgidx_buf_add(struct pkgidx_buf *b, const void *data, size_t n);

/* A package and what identifies the version of its list. */
struct pkgidx_pkg {
	char *name;
	struct timespec mtime;
	uint64_t size, ino;
};

void pkgidx_pkgs_free(struct pkgidx_pkg *pkgs, size_t n);

struct pkgidx_file;

struct pkgidx {
	struct pkgidx_pkg *pkgs;	/* sorted by name */
	size_t npkgs;
	unsigned char *index;	/* NULL while it is left in its file */
	size_t index_len;
	uint32_t *blocks;	/* offset of every PKG_BLOCK-th path */
	size_t nblocks, npaths;
	struct timespec stamp;	/* mtime of <dir>/info when read */
	/*
	 * Loaded from its file: the index is left there and read a segment
	 * of PKGIDX_SEG blocks at a time into a few windows (pkgidxwin.c),
	 * each segment checked against its sum when a lookup first reads
	 * it.  Not mapped: a map's faults put the whole file in vigild's
	 * RSS (ext4 caches it in large folios, mapped whole).  file is
	 * NULL for an index built in memory, which is trusted.
	 */
	struct pkgidx_file *file;
	int damaged;		/* a segment failed its check */
};

/* Holds an index, in memory or in its file (it may have no path). */
static inline int pkgidx_held(const struct pkgidx *x)
{
	return x->index || x->file;
}

/* Blocks per checked segment: 1,024 paths, about 20 KiB of index. */
#define PKGIDX_SEG 64

/* A listed path to merge in: off into a buffer of NUL-ended paths. */
struct pkgidx_entry {
	uint32_t off;
	uint32_t pkg;		/* number in the new package list */
};

/*
 * out = old with every package number p replaced by remap[p] (dropped
 * where that is PKGIDX_GONE, and a path with no package left with it),
 * merged with the n entries of add, sorted by (path, pkg), whose paths
 * are in paths.  npkgs: how many packages the new numbering has; out's
 * pkgs and stamp are left for the caller.  -1: ENOMEM or E2BIG.
 */
int pkgidx_merge(const struct pkgidx *old, const uint32_t *remap,
		 const struct pkgidx_entry *add, size_t n, const char *paths,
		 size_t npkgs, struct pkgidx *out);

/*
 * The package listing path whose name sorts first, or NULL.  NULL with
 * x->damaged set: a segment the lookup had to read failed its check;
 * the index must not be used again (pkgidx_clear it).
 */
const char *pkgidx_lookup(struct pkgidx *x, const char *path);

/*
 * An index left in its file read into memory whole, every segment
 * checked (a merge reads it all); an index in memory is left as it is.
 * 0; -1 with errno (EBADMSG: damaged, x->damaged set).
 */
int pkgidx_read_all(struct pkgidx *x);

/* Bytes held by the index proper (paths, owners, blocks). */
size_t pkgidx_bytes(const struct pkgidx *x);

void pkgidx_clear(struct pkgidx *x);

/*
 * The file: this head, then dir_len bytes of the dpkg directory, the
 * packages (pkgs_len bytes: for each, varint name length, the name,
 * varints mtime seconds, nanoseconds, size, inode), zeros to a multiple
 * of 8, the block offsets (nblocks uint32), zeros to a multiple of 8,
 * a sum for each segment of the index (nsegs uint64), and the index.
 * sum covers all but the index; the segment sums cover the index, so a
 * start reads the small part and leaves the rest in the file.
 */
#define PKGIDX_MAGIC "VIGILPKG"
/* 3: block offsets and segment sums in the file, the index read there */
#define PKGIDX_VERSION 3u
/* read on another byte order: refused */
#define PKGIDX_ENDIAN 0x01020304u
struct pkgidx_head {
	char magic[8];
	uint32_t version, endian;
	uint64_t dir_len, pkgs_len, index_len;
	uint64_t npkgs, npaths, nblocks, nsegs;
	int64_t stamp_sec, stamp_nsec;
	uint64_t sum;		/* up to the index, this field as 0 */
};

/* Sets the sums of a file's len bytes held in memory, where it can. */
void pkgidx_seal(unsigned char *file, size_t len);

/*
 * Writes x, as the index of dpkg directory dir, to file (through
 * file.new, renamed over it).  -1: errno.
 */
int pkgidx_save(const struct pkgidx *x, const char *dir, const char *file);

/*
 * Opens what pkgidx_save wrote for dpkg directory dir into x, checking
 * all but the index now and each segment of the index when first read:
 * a file that is not a regular one owned by vigild's user and writable
 * by it alone, of another directory or format, or damaged in any byte
 * of its head, packages or block table, is refused.  The file stays
 * open: pkgidx_save replaces it by a rename, never in place.
 * -1: errno (ENOENT: none yet; EPROTONOSUPPORT: written by a vigild of
 * another index version; EBADMSG: refused).
 */
int pkgidx_load(struct pkgidx *x, const char *dir, const char *file);

#endif
