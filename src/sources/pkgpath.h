/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKGPATH_H
#define VIGIL_PKGPATH_H

/* Paths of dpkg lists made canonical (pkgpath.c), for pkg.c's index. */

struct dir_cache;
struct pkgidx_buf;

/* An empty cache of resolved directories; NULL on ENOMEM. */
struct dir_cache *pkgpath_cache_new(void);
void pkgpath_cache_free(struct dir_cache *dc);

/*
 * The canonical form of a listed path: its directory resolved, the last
 * component kept, since the file itself may be a symlink that dpkg
 * owns.  Appends it, NUL-ended, to out.  -1 on ENOMEM.
 */
int pkgpath_canonical(struct dir_cache *dirs, const char *path,
		      struct pkgidx_buf *out);

#endif
