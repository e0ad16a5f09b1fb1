// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkg-index file: a header, the dpkg directory, the packages and
 * the index (pkgindex.c), with a checksum.  Being vigild's own does not
 * make it trusted: a load decodes every entry with bounds and checks the
 * order a lookup relies on, so a damaged file is refused, never
 * followed.
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

		if (pkgidx_buf_varint(&f, n) < 0 ||
		    pkgidx_buf_add(&f, p->name, n) < 0 ||
		    pkgidx_buf_varint(&f, (uint64_t)p->mtime.tv_sec) < 0 ||
		    pkgidx_buf_varint(&f, (uint64_t)p->mtime.tv_nsec) < 0 ||
		    pkgidx_buf_varint(&f, p->size) < 0 || pkgidx_buf_varint(&f, p->ino) < 0)
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

		r = pkgidx_dec_next(&d);
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
