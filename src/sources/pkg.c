// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which package owns a file, from the dpkg database, held compactly: the
 * canonical paths of every <dir>/info/<package>.list, sorted and
 * front-coded (each path stores only what differs from the one before)
 * in one buffer, in blocks of PKG_BLOCK whose first path is whole, so a
 * lookup is a binary search over the blocks and a short scan.  No
 * allocation per path; the build's temporary buffers are large ones
 * that go back to the system when freed.
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <malloc.h>
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

/* Paths per block: the first whole, the others front-coded. */
#define PKG_BLOCK 16

/* A growable byte buffer; large ones are mmap'd by malloc. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

/* A listed path while the index is built. */
struct entry {
	uint32_t off;		/* in the path buffer, NUL-ended */
	uint32_t pkg;		/* index in names */
	uint32_t seq;		/* load order: the first listing wins */
};

struct pkgdb {
	char *dir;
	char **names;
	size_t nnames;
	unsigned char *index;	/* front-coded entries */
	size_t index_len;
	uint32_t *blocks;	/* offset of each block's first entry */
	size_t nblocks, npaths;
	struct timespec stamp;	/* mtime of <dir>/info when loaded */
	uint64_t checked_ms;
};

static int buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	unsigned char *p;

	if (b->len + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 65536;
	while (cap < b->len + more)
		cap *= 2;
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

static int buf_add(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static int buf_varint(struct buf *b, size_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return buf_add(b, tmp, n);
}

static size_t get_varint(const unsigned char **p)
{
	size_t v = 0;
	int shift = 0;

	while (**p & 0x80) {
		v |= (size_t)(**p & 0x7f) << shift;
		shift += 7;
		(*p)++;
	}
	v |= (size_t)**p << shift;
	(*p)++;
	return v;
}

/*
 * realpath(3) of a directory (or the directory as it is when that
 * fails), cached in dirs (a json-c object used as a string map).  From
 * its parent's, already resolved: one lstat per new directory, where
 * realpath reads every component again.  "", "." and ".." components,
 * and anything unexpected, go to realpath itself.  NULL on ENOMEM.
 */
static const char *resolve_dir(json_object *dirs, const char *dir)
{
	char real[PATH_MAX], cand[PATH_MAX];
	const char *slash = strrchr(dir, '/'), *name, *parent = "", *r;
	char up[PATH_MAX];
	json_object *v;
	struct stat st;

	if (json_object_object_get_ex(dirs, dir, &v))
		return json_object_get_string(v);
	name = slash ? slash + 1 : dir;
	r = NULL;
	if (slash && *name && strcmp(name, ".") && strcmp(name, "..") &&
	    (size_t)(slash - dir) < sizeof(up)) {
		memcpy(up, dir, (size_t)(slash - dir));
		up[slash - dir] = '\0';
		parent = slash == dir ? "" : resolve_dir(dirs, up);
		if (!parent)
			return NULL;
		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", parent,
				     name) < sizeof(cand) &&
		    lstat(cand, &st) == 0)
			r = S_ISLNK(st.st_mode) ?
			    (realpath(cand, real) ? real : dir) : cand;
	}
	if (!r)
		r = realpath(dir, real) ? real : dir;
	v = json_object_new_string(r);
	if (!v || json_object_object_add(dirs, dir, v) < 0) {
		json_object_put(v);
		return NULL;
	}
	return json_object_get_string(v);
}

/*
 * The canonical form of a listed path: its directory resolved, the last
 * component kept, since the file itself may be a symlink that dpkg
 * owns.  Appends it, NUL-ended, to out.  -1 on ENOMEM.
 */
static int canonical(json_object *dirs, const char *path, struct buf *out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *r;

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return buf_add(out, path, strlen(path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	r = resolve_dir(dirs, dir);
	if (!r)
		return -1;
	if (strcmp(r, "/") && buf_add(out, r, strlen(r)) < 0)
		return -1;
	return buf_add(out, slash, strlen(slash) + 1);
}

static void clear(struct pkgdb *db)
{
	size_t i;

	for (i = 0; i < db->nnames; i++)
		free(db->names[i]);
	free(db->names);
	free(db->index);
	free(db->blocks);
	db->names = NULL;
	db->index = NULL;
	db->blocks = NULL;
	db->nnames = db->index_len = db->nblocks = db->npaths = 0;
}

/* What a build gathers before sorting. */
struct build {
	struct buf paths;	/* canonical paths, NUL-ended */
	struct buf entries;	/* struct entry */
	json_object *dirs;
};

static int load_list(struct pkgdb *db, struct build *b, int dfd,
		     const char *file)
{
	char *line = NULL, **names;
	size_t cap = 0;
	ssize_t len;
	int fd, r = 0;
	FILE *f;

	fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return 0;	/* removed meanwhile: next load sees it */
	}
	names = realloc(db->names, (db->nnames + 1) * sizeof(*names));
	/* "<pkg>.list" or "<pkg>:<arch>.list" -> package name */
	if (!names ||
	    !(names[db->nnames] = strndup(file, strlen(file) - 5))) {
		db->names = names ? names : db->names;
		fclose(f);
		return -1;
	}
	db->names = names;
	db->nnames++;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct entry e;
		size_t n = b->entries.len / sizeof(e);

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] != '/' || len >= PATH_MAX)
			continue;
		if (n >= PKG_MAX_PATHS) {
			errno = E2BIG;
			r = -1;
			break;
		}
		e.off = (uint32_t)b->paths.len;
		e.pkg = (uint32_t)db->nnames - 1;
		e.seq = (uint32_t)n;
		if (canonical(b->dirs, line, &b->paths) < 0 ||
		    buf_add(&b->entries, &e, sizeof(e)) < 0) {
			r = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return r;
}

static int by_path_then_seq(const void *x, const void *y, void *base)
{
	const struct entry *a = x, *b = y;
	int d = strcmp((const char *)base + a->off,
		       (const char *)base + b->off);

	return d ? d : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The sorted entries, front-coded into db's index; the first wins. */
static int encode(struct pkgdb *db, struct build *b)
{
	struct entry *e = (struct entry *)b->entries.p;
	size_t n = b->entries.len / sizeof(*e), i, k = 0;
	struct buf idx = { 0 }, blocks = { 0 };
	const char *prev = NULL;

	qsort_r(e, n, sizeof(*e), by_path_then_seq, b->paths.p);
	for (i = 0; i < n; i++) {
		const char *s = (const char *)b->paths.p + e[i].off;
		size_t len = strlen(s), pre = 0;

		if (prev && !strcmp(prev, s))
			continue;	/* listed again: the first one stays */
		if (k % PKG_BLOCK == 0) {
			uint32_t off = (uint32_t)idx.len;

			if (buf_add(&blocks, &off, sizeof(off)) < 0)
				goto err;
		} else {
			while (prev[pre] && prev[pre] == s[pre])
				pre++;
		}
		if (buf_varint(&idx, pre) < 0 ||
		    buf_varint(&idx, len - pre) < 0 ||
		    buf_add(&idx, s + pre, len - pre) < 0 ||
		    buf_varint(&idx, e[i].pkg) < 0)
			goto err;
		prev = s;
		k++;
	}
	/* exactly what is used, nothing more */
	db->index = idx.len ? realloc(idx.p, idx.len) : idx.p;
	db->index = db->index ? db->index : idx.p;
	db->index_len = idx.len;
	db->blocks = (uint32_t *)blocks.p;
	db->nblocks = blocks.len / sizeof(uint32_t);
	db->npaths = k;
	return 0;
err:
	free(idx.p);
	free(blocks.p);
	return -1;
}

static int info_mtime(const struct pkgdb *db, struct timespec *ts)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/info", db->dir);
	if (stat(path, &st) < 0)
		return -1;
	*ts = st.st_mtim;
	return 0;
}

static int load(struct pkgdb *db)
{
	struct build b = { .dirs = json_object_new_object() };
	struct timespec t0, t1;
	char path[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	clear(db);
	snprintf(path, sizeof(path), "%s/info", db->dir);
	info_mtime(db, &db->stamp);
	d = opendir(path);
	if (!d || !b.dirs) {
		log_warn("pkg: %s: %s; treating every file as third-party",
			 path, strerror(errno));
		if (d)
			closedir(d);
		json_object_put(b.dirs);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n <= 5 || strcmp(de->d_name + n - 5, ".list"))
			continue;
		if (load_list(db, &b, dirfd(d), de->d_name) < 0) {
			log_err("pkg: loading %s stopped: %s", path,
				strerror(errno));
			r = -1;
			break;
		}
	}
	closedir(d);
	json_object_put(b.dirs);
	if (encode(db, &b) < 0) {
		log_err("pkg: indexing %s: %s", path, strerror(errno));
		r = -1;
	}
	free(b.paths.p);
	free(b.entries.p);
	/* the build's buffers are gone: give their pages back now */
	malloc_trim(0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	log_info("pkg: %zu files of %zu packages known from %s (index %zu KiB, %ld ms of CPU)",
		 db->npaths, db->nnames, path,
		 (db->index_len + db->nblocks * sizeof(uint32_t)) / 1024,
		 (long)((t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000));
	return r;
}

struct pkgdb *pkgdb_new(const char *dir)
{
	struct pkgdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->dir = strdup(dir);
	if (!db->dir) {
		free(db);
		return NULL;
	}
	load(db);
	db->checked_ms = loop_now_ms();
	return db;
}

void pkgdb_free(struct pkgdb *db)
{
	if (!db)
		return;
	clear(db);
	free(db->dir);
	free(db);
}

size_t pkgdb_count(const struct pkgdb *db)
{
	return db->npaths;
}

/* The whole path of block i's first entry, compared with path. */
static int cmp_block(const struct pkgdb *db, size_t i, const char *path)
{
	const unsigned char *p = db->index + db->blocks[i];
	size_t len;

	get_varint(&p);		/* 0: a block starts whole */
	len = get_varint(&p);
	return strncmp((const char *)p, path, len) ?
	       strncmp((const char *)p, path, len) :
	       (path[len] ? -1 : 0);
}

static const char *lookup(const struct pkgdb *db, const char *path)
{
	const unsigned char *p, *end;
	size_t lo = 0, hi = db->nblocks, cur = 0;
	char s[PATH_MAX];

	/* the last block whose first path is <= path */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_block(db, mid, path) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	p = db->index + db->blocks[lo - 1];
	end = lo < db->nblocks ? db->index + db->blocks[lo] :
	      db->index + db->index_len;
	while (p < end) {
		size_t pre = get_varint(&p), len = get_varint(&p), pkg;
		int d;

		if (pre > cur || pre + len >= sizeof(s))
			return NULL;	/* cannot be: built here */
		memcpy(s + pre, p, len);
		cur = pre + len;
		s[cur] = '\0';
		p += len;
		pkg = get_varint(&p);
		d = strcmp(s, path);
		if (!d)
			return pkg < db->nnames ? db->names[pkg] : NULL;
		if (d > 0)
			break;
	}
	return NULL;
}

const char *pkgdb_owner(struct pkgdb *db, const char *path)
{
	uint64_t now = loop_now_ms();
	struct timespec ts;

	if (now - db->checked_ms >= PKG_RECHECK_MS) {
		db->checked_ms = now;
		if (info_mtime(db, &ts) == 0 &&
		    (ts.tv_sec != db->stamp.tv_sec ||
		     ts.tv_nsec != db->stamp.tv_nsec))
			load(db);
	}
	return lookup(db, path);
}
