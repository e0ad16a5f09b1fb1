/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKG_H
#define VIGIL_PKG_H

#include <stddef.h>
#include <stdint.h>

/* Bound on what a package database can make vigild hold. */
#define PKG_MAX_PATHS (4u * 1024 * 1024)
/* The database is looked at again at most this often. */
#define PKG_RECHECK_MS 30000

/*
 * Which installed Debian package owns a file, from the dpkg database
 * (<dir>/info/<package>.list).  Paths are kept canonical (directories
 * resolved with realpath), so /bin/ls and /usr/bin/ls are the same file
 * on a merged-/usr system; a path listed by several packages belongs to
 * the first one read.  The database is reloaded when dpkg changes it.
 */
struct pkgdb;

/* dir: normally "/var/lib/dpkg".  NULL with errno on failure. */
struct pkgdb *pkgdb_new(const char *dir);
void pkgdb_free(struct pkgdb *db);

/*
 * The package owning a canonical path, or NULL if none does.  Reloads
 * first when the database changed (checked at most every
 * PKG_RECHECK_MS).
 */
const char *pkgdb_owner(struct pkgdb *db, const char *path);
/* How many distinct paths are known. */
size_t pkgdb_count(const struct pkgdb *db);

#endif
