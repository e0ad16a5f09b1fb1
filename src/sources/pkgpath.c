// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A path as a dpkg list names it, made canonical (pkgpath.h): its
 * directory resolved as realpath(3) would (usrmerge's /bin -> usr/bin),
 * one lstat per new directory, with the directories resolved lately
 * cached.  pkg.c builds the index of such paths.
 */
#include "build.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/hash.h"
#include "sources/pkgindex.h"
#include "sources/pkgpath.h"

/*
 * Directories already resolved, direct-mapped: lists name their
 * directories in tree order, so a few thousand slots catch nearly every
 * repeat, and the build never holds all 14,000 of them.  A slot holds
 * "dir\0resolved\0" in one allocation.
 */
#define DIR_SLOTS 4096

struct dir_cache {
	char *slot[DIR_SLOTS];
};

static char **dir_slot(struct dir_cache *dc, const char *dir)
{
	return &dc->slot[hash_slot(dir, DIR_SLOTS)];
}

void pkgpath_cache_free(struct dir_cache *dc)
{
	size_t i;

	if (!dc)
		return;
	for (i = 0; i < DIR_SLOTS; i++)
		free(dc->slot[i]);
	free(dc);
}

/*
 * realpath(3) of a directory (or the directory as it is when that
 * fails), from its parent's, already resolved: one lstat per new
 * directory, where realpath reads every component again.  "", "." and
 * ".." components, and anything unexpected, go to realpath itself.
 * The result lives in dc until the next call.  NULL on ENOMEM.
 */
static const char *resolve_dir(struct dir_cache *dc, const char *dir)
{
	char real[PATH_MAX], cand[PATH_MAX];
	const char *slash = strrchr(dir, '/'), *name, *parent = "", *r;
	char up[PATH_MAX], **sl = dir_slot(dc, dir), *v;
	size_t dl, rl;
	struct stat st;

	if (*sl && !strcmp(*sl, dir))
		return *sl + strlen(*sl) + 1;
	name = slash ? slash + 1 : dir;
	r = NULL;
	if (slash && *name && strcmp(name, ".") && strcmp(name, "..") &&
	    (size_t)(slash - dir) < sizeof(up)) {
		memcpy(up, dir, (size_t)(slash - dir));
		up[slash - dir] = '\0';
		parent = slash == dir ? "" : resolve_dir(dc, up);
		if (!parent)
			return NULL;
		/* parent is used here only: the next call may evict it */
		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", parent,
				     name) < sizeof(cand) &&
		    lstat(cand, &st) == 0)
			r = S_ISLNK(st.st_mode) ?
			    (realpath(cand, real) ? real : dir) : cand;
	}
	if (!r)
		r = realpath(dir, real) ? real : dir;
	dl = strlen(dir);
	rl = strlen(r);
	v = malloc(dl + rl + 2);
	if (!v)
		return NULL;
	memcpy(v, dir, dl + 1);
	memcpy(v + dl + 1, r, rl + 1);
	free(*sl);
	*sl = v;
	return v + dl + 1;
}

/*
 * The canonical form of a listed path: its directory resolved, the last
 * component kept, since the file itself may be a symlink that dpkg
 * owns.  Appends it, NUL-ended, to out.  -1 on ENOMEM.
 */
int pkgpath_canonical(struct dir_cache *dirs, const char *path,
		     struct pkgidx_buf *out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *r;

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return pkgidx_buf_add(out, path, strlen(path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	r = resolve_dir(dirs, dir);
	if (!r)
		return -1;
	if (strcmp(r, "/") && pkgidx_buf_add(out, r, strlen(r)) < 0)
		return -1;
	return pkgidx_buf_add(out, slash, strlen(slash) + 1);
}

struct dir_cache *pkgpath_cache_new(void)
{
	return calloc(1, sizeof(struct dir_cache));
}
