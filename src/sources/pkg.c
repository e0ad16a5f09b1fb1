// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which package owns a file, from the dpkg database, held compactly: the
 * canonical paths of every <dir>/info/<package>.list, sorted and
 * front-coded (each path stores only what differs from the one before)
 * in one buffer, each with the packages listing it, in blocks of
 * PKG_BLOCK whose first path is whole, so a lookup is a binary search
 * over the blocks and a short scan.  No allocation per path.
 *
 * Packages are numbered in name order, so a path's owners, kept sorted
 * by number, name the same first owner whatever the history.  When dpkg
 * changes the database only the .list files that changed are read: the
 * old index is streamed through, their paths dropped, the new ones
 * merged in.  The index is also kept in a file (pkgindex.c), so a start
 * reads it instead of every list.
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "sources/pkg.h"
#include "sources/pkgindex.h"
#include "sources/pkgpath.h"

struct pkgdb {
	char *dir;
	char *cache;		/* where the index is kept, or NULL */
	struct pkgidx idx;
	size_t lists_read;	/* by the last update */
	long update_ms;
	uint64_t checked_ms;
	int missing;		/* <dir>/info could not be looked at */
	int keep_heap;		/* the file was found damaged: not mapped */
};

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
 * Merges what b gathered into next: the first batch into db's index
 * (renumbered by remap, which then becomes the identity), the others
 * into next itself.  b is emptied.  -1: errno.
 */
static int merge_batch(const struct pkgdb *db, struct build *b,
		       uint32_t *remap, size_t npkgs, struct pkgidx *next)
{
	struct pkgidx from = b->merged ? *next : db->idx, out;
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

/*
 * A mapped index found damaged: dropped, and the next update reads
 * every list and keeps what it builds in memory, not in a map.
 */
static void forget_damaged(struct pkgdb *db)
{
	log_warn("pkg: %s: damaged; reading every list again", db->cache);
	pkgidx_clear(&db->idx);
	db->keep_heap = 1;
}

/*
 * The index just saved, mapped in place of the one built: the pages of
 * the file are the page cache's, and only those lookups read are held.
 */
static void use_file(struct pkgdb *db)
{
	struct pkgidx m;

	if (pkgidx_load(&m, db->dir, db->cache) < 0)
		return;		/* the one built serves as well */
	pkgidx_clear(&db->idx);
	db->idx = m;
}

/*
 * Brings db up to date with the lists in <dir>/info: reads those that
 * changed and merges them into a new index.  On failure the old index
 * stays.  -1: errno.
 */
static int update(struct pkgdb *db)
{
	struct build b = { 0 };
	struct scan s = { 0 };
	struct pkgidx next = { 0 };
	uint32_t *remap = NULL;
	unsigned char *reread = NULL;
	char path[PATH_MAX];
	struct timespec t0, t1, stamp;
	size_t j;
	int r = -1, e, dfd;
	DIR *d;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	snprintf(path, sizeof(path), "%s/info", db->dir);
	/* a link there could lead anywhere (a container's database) */
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		goto fail;
	}
	{
		struct stat st;

		if (fstat(dirfd(d), &st) < 0)
			goto fail;
		stamp = st.st_mtim;
	}
	if (scan_info(d, &s) < 0)
		goto fail;
	/* a merge reads all of the old index: every segment checked first */
	if (pkgidx_check_all(&db->idx) < 0)
		forget_damaged(db);
	/* room for the identity over the new numbers, after the first batch */
	remap = calloc((db->idx.npkgs > s.n ? db->idx.npkgs : s.n) + 1,
		       sizeof(*remap));
	reread = calloc(s.n + 1, 1);
	b.dirs = pkgpath_cache_new();
	if (!remap || !reread || !b.dirs)
		goto fail;
	match(&db->idx, &s, remap, reread);
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
		    merge_batch(db, &b, remap, s.n, &next) < 0)
			goto fail;
	}
	if (merge_batch(db, &b, remap, s.n, &next) < 0)
		goto fail;
	next.pkgs = s.pkgs;
	next.npkgs = s.n;
	next.stamp = stamp;
	s.pkgs = NULL;
	s.n = 0;
	pkgidx_clear(&db->idx);
	db->idx = next;
	db->lists_read = b.lists;
	r = 0;
	if (db->cache && pkgidx_save(&db->idx, db->dir, db->cache) < 0)
		log_warn("pkg: %s: %s", db->cache, strerror(errno));
	else if (db->cache && !db->keep_heap)
		use_file(db);
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
	/* the update's buffers are gone: give their pages back now */
	malloc_trim(0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	db->update_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (r < 0)
		log_warn("pkg: %s: %s; %s", path, strerror(e),
			 db->idx.npkgs ? "keeping what was known" :
			 "treating every file as third-party");
	else
		log_info("pkg: %zu files of %zu packages known from %s (%zu lists read, index %zu KiB, %ld ms of CPU)",
			 db->idx.npaths, db->idx.npkgs, path, b.lists,
			 pkgidx_bytes(&db->idx) / 1024, db->update_ms);
	errno = e;
	return r;
}

static int info_mtime(const struct pkgdb *db, struct timespec *ts)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/info", db->dir);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	*ts = st.st_mtim;
	return 0;
}

int pkgdb_refresh(struct pkgdb *db)
{
	struct timespec ts;

	db->checked_ms = loop_now_ms();
	db->lists_read = 0;
	if (info_mtime(db, &ts) < 0) {
		/* said once; the next change of dpkg's brings it back */
		if (db->missing)
			return -1;
		db->missing = 1;
		return update(db);
	}
	db->missing = 0;
	if (db->idx.index && ts.tv_sec == db->idx.stamp.tv_sec &&
	    ts.tv_nsec == db->idx.stamp.tv_nsec)
		return 0;
	return update(db);
}

struct pkgdb *pkgdb_new(const char *dir, const char *cache)
{
	struct pkgdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->dir = strdup(dir);
	db->cache = cache ? strdup(cache) : NULL;
	if (!db->dir || (cache && !db->cache)) {
		pkgdb_free(db);
		return NULL;
	}
	if (cache && pkgidx_load(&db->idx, dir, cache) == 0)
		log_info("pkg: %zu files of %zu packages read from %s (index %zu KiB)",
			 db->idx.npaths, db->idx.npkgs, cache,
			 pkgidx_bytes(&db->idx) / 1024);
	else if (cache && errno == EPROTONOSUPPORT)
		log_info("pkg: %s: of another vigild version; reading the lists again",
			 cache);
	else if (cache && errno != ENOENT)
		log_warn("pkg: %s: %s; reading the lists again", cache,
			 errno == EBADMSG ? "damaged or not vigild's own" :
			 strerror(errno));
	pkgdb_refresh(db);
	return db;
}

void pkgdb_free(struct pkgdb *db)
{
	if (!db)
		return;
	pkgidx_clear(&db->idx);
	free(db->dir);
	free(db->cache);
	free(db);
}

size_t pkgdb_count(const struct pkgdb *db)
{
	return db->idx.npaths;
}

size_t pkgdb_lists_read(const struct pkgdb *db)
{
	return db->lists_read;
}

const char *pkgdb_owner(struct pkgdb *db, const char *path)
{
	const char *o;

	if (loop_now_ms() - db->checked_ms >= PKG_RECHECK_MS)
		pkgdb_refresh(db);
	o = pkgidx_lookup(&db->idx, path);
	if (!db->idx.damaged)
		return o;
	/* never answered from a damaged part: built again */
	forget_damaged(db);
	update(db);
	return pkgidx_lookup(&db->idx, path);
}
