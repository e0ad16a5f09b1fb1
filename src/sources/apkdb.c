// SPDX-License-Identifier: GPL-2.0-or-later
/* Alpine's package database, read bounded: see apkdb.h. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hash.h"
#include "sources/apkdb.h"
#include "sources/proc.h"

struct apk_path {
	UT_hash_handle hh;
	const char *pkg;	/* in struct apkdb's pkgs */
	char path[];
};

struct apkdb {
	struct apk_path *paths;	/* uthash, by path */
	size_t npaths;
	char **pkgs;
	size_t npkgs, cap;
};

/* A path component apk may list: no "..", ".", "/" or empty one. */
static bool good_part(const char *s, size_t n, bool slashes)
{
	const char *p = s, *end = s + n, *slash;

	if (!n)
		return slashes;		/* F: with nothing is the root */
	while (p < end) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (!slash)
			slash = end;
		if (slash == p || (slash - p == 1 && p[0] == '.') ||
		    (slash - p == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (slash != end && !slashes)
			return false;
		p = slash + 1;
	}
	return !memchr(s, '\0', n);
}

static int add_pkg(struct apkdb *db, const char *name)
{
	char **n;

	if (db->npkgs == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		n = realloc(db->pkgs, db->cap * sizeof(*n));
		if (!n)
			return -1;
		db->pkgs = n;
	}
	db->pkgs[db->npkgs] = strdup(name);
	if (!db->pkgs[db->npkgs])
		return -1;
	db->npkgs++;
	return 0;
}

static int add_path(struct apkdb *db, const char *dir, const char *file,
		    const char *pkg)
{
	size_t dl = strlen(dir), fl = strlen(file);
	struct apk_path *p, *have;

	if (db->npaths >= APKDB_MAX_PATHS) {
		errno = EFBIG;
		return -1;
	}
	p = malloc(sizeof(*p) + dl + fl + 3);
	if (!p)
		return -1;
	if (dl)
		sprintf(p->path, "/%s/%s", dir, file);
	else
		sprintf(p->path, "/%s", file);
	HASH_FIND_STR(db->paths, p->path, have);
	if (have) {		/* the first package that lists it */
		free(p);
		return 0;
	}
	p->pkg = pkg;
	HASH_ADD_STR(db->paths, path, p);
	if (!hash_added(p, hh)) {
		free(p);
		errno = ENOMEM;
		return -1;
	}
	db->npaths++;
	return 0;
}

/* Where the reading of one record is. */
struct record {
	bool pkg_ok;		/* this record's P: was good */
	bool dir_ok;		/* its last F: was, and dir holds it */
	char dir[APKDB_MAX_LINE + 2];
};

/* One line of the file (newline cut); returns -1 with errno to stop. */
static int parse_line(struct apkdb *db, const char *line, struct record *r)
{
	const char *v = line + 2;
	size_t n;

	if (!line[0]) {			/* a record ends */
		r->pkg_ok = r->dir_ok = false;
		return 0;
	}
	if (line[1] != ':')
		return 0;
	n = strlen(v);
	switch (line[0]) {
	case 'P':
		r->dir_ok = false;
		r->pkg_ok = good_part(v, n, false);
		return r->pkg_ok ? add_pkg(db, v) : 0;
	case 'F':
		r->dir_ok = r->pkg_ok && good_part(v, n, true);
		if (r->dir_ok)
			memcpy(r->dir, v, n + 1);
		return 0;
	case 'R':
		if (!r->dir_ok || !good_part(v, n, false))
			return 0;
		return add_path(db, r->dir, v, db->pkgs[db->npkgs - 1]);
	default:
		return 0;
	}
}

struct apkdb *apkdb_load(int rootfd)
{
	struct record r;
	char line[APKDB_MAX_LINE + 2];
	struct apkdb *db = NULL;
	size_t n, total = 0;
	bool cut = false;
	struct stat st;
	FILE *f;
	int fd, err = 0;

	fd = proc_open_in_root(rootfd, APKDB_FILE,
			       O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	/* a regular file of bounded size: never a FIFO or a device */
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if ((uint64_t)st.st_size > APKDB_MAX_BYTES)
		err = EFBIG;
	if (err) {
		close(fd);
		errno = err;
		return NULL;
	}
	f = fdopen(fd, "r");
	db = f ? calloc(1, sizeof(*db)) : NULL;
	if (!db) {
		err = ENOMEM;
		goto out;
	}
	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), f)) {
		n = strlen(line);
		/* it may grow while read: what is read is bounded too */
		total += n;
		if (total > APKDB_MAX_BYTES) {
			err = EFBIG;
			goto out;
		}
		if (n && line[n - 1] == '\n') {
			line[--n] = '\0';
			if (cut) {	/* the end of a line too long */
				cut = false;
				continue;
			}
		} else if (!feof(f)) {
			/* too long: it and the rest of it count for nothing */
			cut = true;
			r.dir_ok = false;
			continue;
		}
		if (parse_line(db, line, &r) < 0) {
			err = errno ? errno : ENOMEM;
			goto out;
		}
	}
	if (ferror(f))
		err = EIO;
out:
	if (f)
		fclose(f);
	else
		close(fd);
	if (err) {
		apkdb_free(db);
		errno = err;
		return NULL;
	}
	return db;
}

void apkdb_free(struct apkdb *db)
{
	struct apk_path *p, *tmp;
	size_t i;

	if (!db)
		return;
	HASH_ITER(hh, db->paths, p, tmp) {
		HASH_DEL(db->paths, p);
		free(p);
	}
	for (i = 0; i < db->npkgs; i++)
		free(db->pkgs[i]);
	free(db->pkgs);
	free(db);
}

const char *apkdb_owner(const struct apkdb *db, const char *path)
{
	struct apk_path *p;

	if (!db || !path)
		return NULL;
	HASH_FIND_STR(db->paths, path, p);
	return p ? p->pkg : NULL;
}

size_t apkdb_count(const struct apkdb *db)
{
	return db ? db->npaths : 0;
}
