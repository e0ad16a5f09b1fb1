// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dpkg index as it was before the compact one (vigil 31d102d..
 * df767fe, src/sources/pkg.c), kept as the reference that check_pkg
 * compares the compact index with, path by path.  One change since: a
 * path listed by several packages belongs to the one whose name sorts
 * first (it was the first read, in readdir order), as pkg.c now says.
 */
#include "build.h"

/* pkg.h's bounds, before its names are taken for the reference's */
#include "sources/pkg.h"
#include "pkg_reference.h"

#define pkgdb ref_pkgdb
#define pkgdb_new ref_pkgdb_new
#define pkgdb_free ref_pkgdb_free
#define pkgdb_owner ref_pkgdb_owner
#define pkgdb_count ref_pkgdb_count

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/loop.h"

/* A string-keyed open-addressing table, at most half full. */
struct slot {
	char *key;		/* NULL: empty */
	char *str;		/* dirs: the resolved directory */
	unsigned int num;	/* paths: index of the package name */
};

struct map {
	struct slot *tab;
	size_t cap, n;
};

struct pkgdb {
	char *dir;
	struct map paths;
	char **names;
	size_t nnames;
	struct timespec stamp;	/* mtime of <dir>/info when loaded */
	uint64_t checked_ms;
};

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static struct slot *map_find(const struct map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->tab[i].key;
	     i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->tab[i].key, key))
			return &m->tab[i];
	return NULL;
}

static int map_grow(struct map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 4096, i, j;
	struct slot *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return -1;
	for (j = 0; j < m->cap; j++) {
		if (!m->tab[j].key)
			continue;
		for (i = hash(m->tab[j].key) & (ncap - 1); nt[i].key;
		     i = (i + 1) & (ncap - 1))
			;
		nt[i] = m->tab[j];
	}
	free(m->tab);
	m->tab = nt;
	m->cap = ncap;
	return 0;
}

/* Takes key (and str); an existing key keeps its first value. */
static int map_put(struct map *m, char *key, char *str, unsigned int num)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && map_grow(m) < 0)
		goto err;
	for (i = hash(key) & (m->cap - 1); m->tab[i].key;
	     i = (i + 1) & (m->cap - 1)) {
		if (!strcmp(m->tab[i].key, key)) {
			free(key);
			free(str);
			return 0;
		}
	}
	m->tab[i].key = key;
	m->tab[i].str = str;
	m->tab[i].num = num;
	m->n++;
	return 0;
err:
	free(key);
	free(str);
	return -1;
}

static void map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->tab[i].key);
		free(m->tab[i].str);
	}
	free(m->tab);
	memset(m, 0, sizeof(*m));
}

/*
 * The canonical form of a listed path: its directory resolved (cached
 * in dirs), the last component kept, since the file itself may be a
 * symlink that dpkg owns.  NULL on ENOMEM.
 */
static char *canonical(struct map *dirs, const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX], *out;
	const char *slash = strrchr(path, '/');
	struct slot *s;

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return strdup(path);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	s = map_find(dirs, dir);
	if (!s) {
		char *k = strdup(dir);
		char *v = strdup(realpath(dir, real) ? real : dir);

		if (!k || !v || map_put(dirs, k, v, 0) < 0) {
			if (!k || !v) {
				free(k);
				free(v);
			}
			return NULL;
		}
		s = map_find(dirs, dir);
	}
	if (asprintf(&out, "%s%s", strcmp(s->str, "/") ? s->str : "",
		     slash) < 0)
		return NULL;
	return out;
}

static void clear(struct pkgdb *db)
{
	size_t i;

	map_free(&db->paths);
	for (i = 0; i < db->nnames; i++)
		free(db->names[i]);
	free(db->names);
	db->names = NULL;
	db->nnames = 0;
}

/* "<pkg>.list" or "<pkg>:<arch>.list" -> package name */
static char *package_name(const char *file)
{
	size_t n = strlen(file) - 5;

	return strndup(file, n);
}

static int load_list(struct pkgdb *db, struct map *dirs, int dfd,
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
	if (!names || !(names[db->nnames] = package_name(file))) {
		db->names = names ? names : db->names;
		fclose(f);
		return -1;
	}
	db->names = names;
	db->nnames++;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct slot *s;
		char *p;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] != '/' || len >= PATH_MAX)
			continue;
		if (db->paths.n >= PKG_MAX_PATHS) {
			errno = E2BIG;
			r = -1;
			break;
		}
		p = canonical(dirs, line);
		if (p && (s = map_find(&db->paths, p))) {
			if (strcmp(db->names[db->nnames - 1],
				   db->names[s->num]) < 0)
				s->num = (unsigned int)db->nnames - 1;
			free(p);
			continue;
		}
		if (!p || map_put(&db->paths, p, NULL,
				  (unsigned int)db->nnames - 1) < 0) {
			r = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return r;
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
	struct map dirs = { 0 };
	char path[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	clear(db);
	snprintf(path, sizeof(path), "%s/info", db->dir);
	info_mtime(db, &db->stamp);
	d = opendir(path);
	if (!d) {
		log_warn("pkg: %s: %s; treating every file as third-party",
			 path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n <= 5 || strcmp(de->d_name + n - 5, ".list"))
			continue;
		if (load_list(db, &dirs, dirfd(d), de->d_name) < 0) {
			log_err("pkg: loading %s stopped: %s", path,
				strerror(errno));
			r = -1;
			break;
		}
	}
	closedir(d);
	map_free(&dirs);
	log_info("pkg: %zu files of %zu packages known from %s", db->paths.n,
		 db->nnames, path);
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

const char *pkgdb_owner(struct pkgdb *db, const char *path)
{
	uint64_t now = loop_now_ms();
	struct timespec ts;
	struct slot *s;

	if (now - db->checked_ms >= PKG_RECHECK_MS) {
		db->checked_ms = now;
		if (info_mtime(db, &ts) == 0 &&
		    (ts.tv_sec != db->stamp.tv_sec ||
		     ts.tv_nsec != db->stamp.tv_nsec))
			load(db);
	}
	s = map_find(&db->paths, path);
	return s ? db->names[s->num] : NULL;
}

