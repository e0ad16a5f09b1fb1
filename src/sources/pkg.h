/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PKG_H
#define VIGIL_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/* Bound on what a package database can make vigild hold. */
#define PKG_MAX_PATHS (4u * 1024 * 1024)
#define PKG_MAX_PACKAGES (256u * 1024)
/* Listed paths read before they are merged into the index. */
#define PKG_BATCH_BYTES (1u * 1024 * 1024)
#define PKG_DPKG_DIR "/var/lib/dpkg"
/* The index's file, in the state file's directory. */
#define PKG_CACHE_NAME "pkg-index"
/* The child that reads every list at a first start (its comm). */
#define PKG_BUILDER_NAME "vigild-pkgidx"
/* How long pkgdb_wait() waits for the builder before reading here. */
#define PKG_WAIT_MS 10000
/* The database is looked at again at most this often. */
#define PKG_RECHECK_MS 30000

/*
 * Which installed Debian package owns a file, from the dpkg database
 * (<dir>/info/<package>.list).  Paths are kept canonical (directories
 * resolved with realpath), so /bin/ls and /usr/bin/ls are the same file
 * on a merged-/usr system; a path listed by several packages belongs to
 * the one whose name sorts first.  When dpkg changes the database, only
 * the lists that changed are read again.
 */
struct pkgdb;

/*
 * dir: normally "/var/lib/dpkg".  cache: a file vigild keeps the index
 * in between starts (read if it is sound and still of dir, rewritten
 * after every change), or NULL for none.  A database that cannot be
 * read is logged and leaves every file third-party.  NULL with errno
 * (ENOMEM) on failure.
 */
struct pkgdb *pkgdb_new(const char *dir, const char *cache);

typedef void (*pkgdb_ready_fn)(void *data);
/*
 * As pkgdb_new, but when cache holds no sound index (a first start, a
 * vigild of another index version, a damaged file), reading every list
 * (a quarter of a second) is left to a child process, which saves the
 * index to cache; vigild goes on meanwhile.  Until the child is done,
 * pkgdb_building() is true and no owner is known; then the index is
 * read from cache (or, if the child failed, built here) and ready is
 * called from the loop.  ready is also called when pkgdb_wait() ends
 * the building, and never when there was none to do.
 */
struct pkgdb *pkgdb_new_async(const char *dir, const char *cache,
			      struct loop *loop, pkgdb_ready_fn ready,
			      void *data);
/* A child is building the index: pkgdb_owner() knows nothing yet. */
bool pkgdb_building(const struct pkgdb *db);
/*
 * Blocks until the index is built (and ready called), if it is being:
 * a builder not done within PKG_WAIT_MS is killed and the lists read
 * here.
 */
void pkgdb_wait(struct pkgdb *db);
/* Stops a child still building (its unfinished file removed). */
void pkgdb_free(struct pkgdb *db);

/*
 * The package owning a canonical path, or NULL if none does (or while
 * the index is being built: see pkgdb_building).  Reloads first when
 * the database changed (checked at most every PKG_RECHECK_MS).
 */
const char *pkgdb_owner(struct pkgdb *db, const char *path);
/* How many distinct paths are known. */
size_t pkgdb_count(const struct pkgdb *db);
/*
 * Brings the index up to date now if dpkg changed the database.  0, or
 * -1 with errno (the old index is kept).
 */
int pkgdb_refresh(struct pkgdb *db);
/* How many .list files the last refresh read (0: nothing changed). */
size_t pkgdb_lists_read(const struct pkgdb *db);

#endif
