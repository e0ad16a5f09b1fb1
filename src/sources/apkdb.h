/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_APKDB_H
#define VIGIL_SOURCES_APKDB_H

#include <stddef.h>

/* Where Alpine's apk keeps what it installed, under a root. */
#define APKDB_FILE "lib/apk/db/installed"
/* Bounds on what one database can make vigild read and hold. */
#define APKDB_MAX_BYTES (64u * 1024 * 1024)
#define APKDB_MAX_PATHS (1024u * 1024)
#define APKDB_MAX_LINE 4096

/*
 * Which installed Alpine package owns a file, from apk's database (an
 * Alpine image has no dpkg).  The file is a list of records split by
 * empty lines, one "K:value" a line: P: the package, F: a directory
 * (relative to the root), R: a file in the last F.  A file's path is
 * "/" F "/" R, as the root's own processes see it.  The database is
 * untrusted (a container's root is its owner's): its size, lines and
 * paths are bounded; a path with a ".." or an empty component, a line
 * too long, or a record with no P: owns nothing; the first package
 * that lists a path owns it.
 */
struct apkdb;

/*
 * Read the database of the root rootfd is open on (APKDB_FILE in it,
 * resolved inside that root: its links and ".." never lead out).  NULL
 * with errno: ENOENT (none), EINVAL (not a regular file), EFBIG (over
 * APKDB_MAX_BYTES or APKDB_MAX_PATHS), ENOMEM, or another errno of
 * openat2/read.
 */
struct apkdb *apkdb_load(int rootfd);
void apkdb_free(struct apkdb *db);
/* The package that owns path ("/usr/bin/curl"), or NULL. */
const char *apkdb_owner(const struct apkdb *db, const char *path);
size_t apkdb_count(const struct apkdb *db);

#endif
