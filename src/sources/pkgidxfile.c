// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index file: a header, the dpkg directory, the packages, the
 * block table and a sum per segment of the index (pkgindex.c), then the
 * index.  A start reads and checks all but the index, and leaves the
 * index in the file for lookups to read a segment at a time
 * (pkgidxwin.c): it is what a start used to spend its time on (reading
 * 2.7 MB, summing and decoding every entry) and most of it is never
 * looked at.
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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/pkg.h"
#include "sources/pkgindex.h"
#include "sources/pkgindex_priv.h"
#include "sources/pkgidxsum.h"

/* The sum of the file's first n bytes, its own field taken as 0. */
static uint64_t file_sum(const unsigned char *p, size_t n)
{
	struct pkgidx_head h;
	struct pkgidx_sum w;

	pkgidx_sum_init(&w);
	if (n < sizeof(h)) {
		pkgidx_sum_add(&w, p, n);
		return pkgidx_sum_end(&w, n);
	}
	memcpy(&h, p, sizeof(h));
	h.sum = 0;
	pkgidx_sum_add(&w, &h, sizeof(h));
	pkgidx_sum_add(&w, p + sizeof(h), n - sizeof(h));
	return pkgidx_sum_end(&w, n);
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

void pkgidx_seal(unsigned char *file, size_t len)
{
	struct pkgidx_head h;
	struct layout l;
	uint64_t sum;
	size_t s, n = len;

	if (len < sizeof(h))
		return;
	memcpy(&h, file, sizeof(h));
	if (layout(&h, len, &l) == 0 && h.nsegs == pkgidx_nsegs(h.nblocks)) {
		uint32_t *b = malloc(h.nblocks * 4 + 4);

		if (!b)
			return;
		memcpy(b, file + l.blocks, h.nblocks * 4);
		for (s = 0; s < h.nsegs; s++) {
			size_t start, end;

			pkgidx_seg_span(b, h.nblocks, h.index_len, s, &start,
					&end);
			if (start > end || end > h.index_len)
				continue;
			sum = pkgidx_sum_of(file + l.index + start,
					    end - start);
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
	h.nsegs = pkgidx_nsegs(x->nblocks);
	if (pkgidx_buf_add(&f, zeros, pad8(f.len) - f.len) < 0 ||
	    pkgidx_buf_add(&f, x->blocks, x->nblocks * 4) < 0 ||
	    pkgidx_buf_add(&f, zeros, pad8(f.len) - f.len) < 0)
		goto out;
	for (i = 0; i < h.nsegs; i++) {
		size_t start, end;

		pkgidx_seg_span(x->blocks, x->nblocks, x->index_len, i, &start,
				&end);
		sum = pkgidx_sum_of(x->index + start, end - start);
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
	       h->nsegs == pkgidx_nsegs(h->nblocks) &&
	       !h->index_len == !h->npaths && h->index_len <= UINT32_MAX &&
	       h->stamp_nsec >= 0 && h->stamp_nsec < 1000000000;
}

int pkgidx_load(struct pkgidx *x, const char *dir, const char *file)
{
	unsigned char *head = NULL;
	uint64_t *segsum = NULL;
	struct pkgidx_head h;
	struct layout l;
	struct stat st;
	int fd, e;

	memset(x, 0, sizeof(*x));
	fd = fileio_open_regular(file, &st);
	if (fd < 0)
		return -1;
	errno = EBADMSG;
	if (st.st_uid != geteuid() || (st.st_mode & 022) ||
	    (uint64_t)st.st_size < sizeof(h) ||
	    (uint64_t)st.st_size > FILE_MAX ||
	    pkgidx_pread(fd, &h, sizeof(h), 0) < 0)
		goto bad;
	if (!memcmp(h.magic, PKGIDX_MAGIC, sizeof(h.magic)) &&
	    h.version != PKGIDX_VERSION) {
		errno = EPROTONOSUPPORT;	/* another vigild's: routine */
		goto bad;
	}
	errno = EBADMSG;
	if (!head_sound(&h, dir, (size_t)st.st_size, &l))
		goto bad;
	/* all but the index: read, checked, and let go once copied */
	head = malloc(l.index);
	if (!head) {
		errno = ENOMEM;
		goto bad;
	}
	if (pkgidx_pread(fd, head, l.index, 0) < 0)
		goto bad;
	errno = EBADMSG;
	if (memcmp(head + sizeof(h), dir, h.dir_len) ||
	    file_sum(head, l.index) != h.sum)
		goto bad;
	x->npkgs = (size_t)h.npkgs;
	x->npaths = (size_t)h.npaths;
	x->stamp.tv_sec = (time_t)h.stamp_sec;
	x->stamp.tv_nsec = (long)h.stamp_nsec;
	x->index_len = (size_t)h.index_len;
	x->nblocks = (size_t)h.nblocks;
	x->blocks = malloc(x->nblocks * sizeof(*x->blocks) + 1);
	segsum = malloc(h.nsegs * sizeof(*segsum) + 1);
	if (!x->blocks || !segsum) {
		errno = ENOMEM;
		goto bad;
	}
	memcpy(x->blocks, head + l.blocks, x->nblocks * sizeof(*x->blocks));
	memcpy(segsum, head + l.sums, h.nsegs * sizeof(*segsum));
	if (load_blocks(x) < 0 ||
	    load_pkgs(x, head + l.pkgs, head + l.pkgs + h.pkgs_len) < 0) {
		errno = errno == ENOMEM ? ENOMEM : EBADMSG;
		goto bad;
	}
	free(head);
	head = NULL;
	e = pkgidx_file_open(x, fd, l.index, segsum, (size_t)h.nsegs);
	fd = -1;
	segsum = NULL;
	if (e < 0)
		goto bad;
	return 0;
bad:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(head);
	free(segsum);
	pkgidx_clear(x);
	errno = e;
	return -1;
}
