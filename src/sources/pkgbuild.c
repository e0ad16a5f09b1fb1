// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading dpkg's lists into a new index (pkgbuild.h): every
 * <dir>/info/<package>.list whose version (mtime, size, inode) differs
 * from the old index's is read, its paths made canonical, and merged a
 * batch at a time with what the old index still holds.  Run by pkg.c,
 * in vigild or in a child of its own (a first start).
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/pkg.h"
#include "sources/pkgbuild.h"
#include "sources/pkgindex.h"
#include "sources/pkgpath.h"

/* What an update gathers from the lists it reads. */
struct build {
	struct pkgidx_buf paths;	/* canonical paths, NUL-ended */
	struct pkgidx_buf entries;	/* struct pkgidx_entry */
	struct dir_cache *dirs;
	size_t lists;
	bool merged;		/* a batch is in: db's index is left behind */
};

/* Reads one package's list into b as package number pkg.  -1: errno. */
static int read_list(struct build *b, int dfd, const char *name,
		     uint32_t pkg)
{
	char file[NAME_MAX + 8], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd, r = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s.list", name);
	fd = openat(dfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return 0;	/* removed meanwhile: the next update sees it */
	}
	b->lists++;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct pkgidx_entry e;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] != '/' || len >= PATH_MAX)
			continue;
		if (b->entries.len / sizeof(e) >= PKG_MAX_PATHS) {
			errno = E2BIG;
			r = -1;
			break;
		}
		e.off = (uint32_t)b->paths.len;
		e.pkg = pkg;
		if (pkgpath_canonical(b->dirs, line, &b->paths) < 0 ||
		    pkgidx_buf_add(&b->entries, &e, sizeof(e)) < 0) {
			r = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return r;
}

static int by_path_then_pkg(const void *x, const void *y, void *base)
{
	const struct pkgidx_entry *a = x, *b = y;
	int d = strcmp((const char *)base + a->off,
		       (const char *)base + b->off);

	return d ? d : (a->pkg > b->pkg) - (a->pkg < b->pkg);
}

/* The packages' lists as they are now, sorted by name. */
struct scan {
	struct pkgidx_pkg *pkgs;
	size_t n;
};

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct pkgidx_pkg *)x)->name,
		      ((const struct pkgidx_pkg *)y)->name);
}

static void scan_free(struct scan *s)
{
	pkgidx_pkgs_free(s->pkgs, s->n);
	s->pkgs = NULL;
	s->n = 0;
}

/* Every <name>.list in info with what identifies its version.  -1: errno */
static int scan_info(DIR *d, struct scan *s)
{
	struct dirent *de;
	size_t cap = 0;

	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct pkgidx_pkg *p;
		struct stat st;

		if (n <= 5 || strcmp(de->d_name + n - 5, ".list"))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (s->n >= PKG_MAX_PACKAGES) {
			errno = E2BIG;
			return -1;
		}
		if (s->n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;

			p = realloc(s->pkgs, ncap * sizeof(*p));
			if (!p)
				return -1;
			s->pkgs = p;
			cap = ncap;
		}
		p = &s->pkgs[s->n];
		/* "<pkg>.list" or "<pkg>:<arch>.list" -> package name */
		p->name = strndup(de->d_name, n - 5);
		if (!p->name)
			return -1;
		p->mtime = st.st_mtim;
		p->size = (uint64_t)st.st_size;
		p->ino = (uint64_t)st.st_ino;
		s->n++;
	}
	qsort(s->pkgs, s->n, sizeof(*s->pkgs), by_name);
	return 0;
}

static int same_version(const struct pkgidx_pkg *a, const struct pkgidx_pkg *b)
{
	return a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec && a->size == b->size &&
	       a->ino == b->ino;
}

/*
 * remap[old number] = new number for a package whose list did not
 * change, or PKGIDX_GONE; the others are marked in reread.  Both are
 * walked by name, in step.
 */
static void match(const struct pkgidx *old, const struct scan *s,
		  uint32_t *remap, unsigned char *reread)
{
	size_t i = 0, j = 0;

	while (i < old->npkgs || j < s->n) {
		int d = i == old->npkgs ? 1 : j == s->n ? -1 :
			strcmp(old->pkgs[i].name, s->pkgs[j].name);

		if (d < 0) {
			remap[i++] = PKGIDX_GONE;
		} else if (d > 0) {
			reread[j++] = 1;
		} else {
			if (same_version(&old->pkgs[i], &s->pkgs[j])) {
				remap[i] = (uint32_t)j;
			} else {
				remap[i] = PKGIDX_GONE;
				reread[j] = 1;
			}
			i++;
			j++;
		}
	}
}

/*
 * Merges what b gathered into next: the first batch into old
 * (renumbered by remap, which then becomes the identity), the others
 * into next itself.  b is emptied.  -1: errno.
 */
static int merge_batch(const struct pkgidx *old, struct build *b,
		       uint32_t *remap, size_t npkgs, struct pkgidx *next)
{
	struct pkgidx from = b->merged ? *next : *old, out;
	size_t n = b->entries.len / sizeof(struct pkgidx_entry), i;

	if (b->merged && !n)
		return 0;
	qsort_r(b->entries.p, n, sizeof(struct pkgidx_entry),
		by_path_then_pkg, b->paths.p);
	if (pkgidx_merge(&from, remap,
			 (const struct pkgidx_entry *)b->entries.p, n,
			 (const char *)b->paths.p, npkgs, &out) < 0)
		return -1;
	if (b->merged) {
		free(next->index);
		free(next->blocks);
	} else {
		for (i = 0; i < npkgs; i++)
			remap[i] = (uint32_t)i;
	}
	*next = out;
	/* while building: numbers of the new list, not yet its names */
	next->npkgs = npkgs;
	b->merged = true;
	b->paths.len = 0;
	b->entries.len = 0;
	return 0;
}

int pkgbuild_update(const struct pkgidx *old, const char *dir,
		    struct pkgidx *out, size_t *lists)
{
	struct build b = { 0 };
	struct scan s = { 0 };
	struct pkgidx next = { 0 };
	uint32_t *remap = NULL;
	unsigned char *reread = NULL;
	char path[PATH_MAX];
	struct stat st;
	size_t j;
	int r = -1, e, dfd;
	DIR *d;

	snprintf(path, sizeof(path), "%s/info", dir);
	/* a link there could lead anywhere (a container's database) */
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		goto fail;
	}
	if (fstat(dirfd(d), &st) < 0 || scan_info(d, &s) < 0)
		goto fail;
	/* room for the identity over the new numbers, after the first batch */
	remap = calloc((old->npkgs > s.n ? old->npkgs : s.n) + 1,
		       sizeof(*remap));
	reread = calloc(s.n + 1, 1);
	b.dirs = pkgpath_cache_new();
	if (!remap || !reread || !b.dirs)
		goto fail;
	match(old, &s, remap, reread);
	for (j = 0; j < s.n; j++) {
		if (!reread[j])
			continue;
		if (read_list(&b, dirfd(d), s.pkgs[j].name, (uint32_t)j) < 0)
			goto fail;
		/*
		 * Merged in a batch at a time, so the peak stays small; a
		 * batch is at least the index so far, so the merges that
		 * copy it are few.
		 */
		if (b.paths.len >= PKG_BATCH_BYTES &&
		    b.paths.len >= next.index_len &&
		    merge_batch(old, &b, remap, s.n, &next) < 0)
			goto fail;
	}
	if (merge_batch(old, &b, remap, s.n, &next) < 0)
		goto fail;
	next.pkgs = s.pkgs;
	next.npkgs = s.n;
	next.stamp = st.st_mtim;
	s.pkgs = NULL;
	s.n = 0;
	*out = next;
	*lists = b.lists;
	r = 0;
fail:
	e = errno;
	if (d)
		closedir(d);
	pkgpath_cache_free(b.dirs);
	free(b.paths.p);
	free(b.entries.p);
	free(remap);
	free(reread);
	scan_free(&s);
	if (r < 0) {
		free(next.index);
		free(next.blocks);
	}
	errno = e;
	return r;
}
