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
 * merged in (pkgbuild.c).  The index is also kept in a file
 * (pkgidxfile.c), so a start reads it instead of every list; a start
 * without one has a child build it and goes on meanwhile.
 */
#include "build.h"

#include <cap-ng.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "sources/pkg.h"
#include "sources/pkgbuild.h"
#include "sources/pkgindex.h"

struct pkgdb {
	char *dir;
	char *cache;		/* where the index is kept, or NULL */
	struct pkgidx idx;
	size_t lists_read;	/* by the last update */
	long update_ms;
	uint64_t checked_ms;
	int missing;		/* <dir>/info could not be looked at */
	int keep_heap;		/* the file was found damaged: not used */
	int save_failed;	/* by the last update */
	int gave_up;		/* pkgdb_wait() stopped the builder */
	/* the first index, while a child builds it (pkgdb_new_async) */
	struct child *builder;
	pkgdb_ready_fn ready;
	void *ready_data;
};

/*
 * An index read from its file found damaged: dropped, and the next
 * update reads every list and keeps what it builds in memory.
 */
static void forget_damaged(struct pkgdb *db)
{
	log_warn("pkg: %s: damaged; reading every list again", db->cache);
	pkgidx_clear(&db->idx);
	db->keep_heap = 1;
}

/*
 * The index just saved, used from its file in place of the one built:
 * only the segments lookups read are held, a few at a time.
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
 * changed and merges them into a new index, kept in the cache file if
 * db has one (save_failed set when it could not be written).  On
 * failure the old index stays.  -1: errno.
 */
static int update(struct pkgdb *db)
{
	struct pkgidx next;
	struct timespec t0, t1;
	size_t lists = 0;
	int r, e;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	/* a merge reads all of the old index: in memory, every segment checked */
	if (pkgidx_read_all(&db->idx) < 0) {
		if (db->idx.damaged) {
			forget_damaged(db);
		} else {
			/* sound, but no room to read it whole: lists anew */
			log_warn("pkg: %s: %s; reading every list again",
				 db->cache, strerror(errno));
			pkgidx_clear(&db->idx);
		}
	}
	r = pkgbuild_update(&db->idx, db->dir, &next, &lists);
	e = errno;
	db->save_failed = 0;
	if (r == 0) {
		pkgidx_clear(&db->idx);
		db->idx = next;
		db->lists_read = lists;
		if (db->cache &&
		    pkgidx_save(&db->idx, db->dir, db->cache) < 0) {
			log_warn("pkg: %s: %s", db->cache, strerror(errno));
			db->save_failed = 1;
		} else if (db->cache && !db->keep_heap) {
			use_file(db);
		}
	}
	/* the update's buffers are gone: give their pages back now */
	malloc_trim(0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	db->update_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (r < 0)
		log_warn("pkg: %s/info: %s; %s", db->dir, strerror(e),
			 db->idx.npkgs ? "keeping what was known" :
			 "treating every file as third-party");
	else
		log_info("pkg: %zu files of %zu packages known from %s/info (%zu lists read, index %zu KiB, %ld ms of CPU)",
			 db->idx.npaths, db->idx.npkgs, db->dir, lists,
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

	if (db->builder)
		return 0;	/* the child's index is the next one */
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
	if (pkgidx_held(&db->idx) && ts.tv_sec == db->idx.stamp.tv_sec &&
	    ts.tv_nsec == db->idx.stamp.tv_nsec)
		return 0;
	return update(db);
}

/* db with the index its cache file holds, if that is sound; or NULL. */
static struct pkgdb *open_db(const char *dir, const char *cache)
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
	return db;
}

struct pkgdb *pkgdb_new(const char *dir, const char *cache)
{
	struct pkgdb *db = open_db(dir, cache);

	if (db)
		pkgdb_refresh(db);
	return db;
}

/*
 * The builder: reads every list and saves the index for the parent to
 * read.  It may read what vigild may (a list naming a path under a
 * directory closed to others), and nothing more.  Exit status: 0 saved,
 * 1 failed, 2 built but not saved.
 */
static int build_in_child(void *arg)
{
	struct pkgdb *db = arg;

	capng_clear(CAPNG_SELECT_BOTH);
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		     CAP_DAC_READ_SEARCH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0 && geteuid() == 0) {
		/* status 1: vigild reads the lists itself, saying nothing */
		log_warn("pkg: the index builder cannot drop its capabilities; the lists are read in vigild");
		return 1;
	}
	db->keep_heap = 1;	/* no file to use: the child ends */
	if (update(db) < 0)
		return 1;
	return db->save_failed ? 2 : 0;
}

/* The builder ended: its index read from the file, or built here. */
static void built(int status, void *data)
{
	struct pkgdb *db = data;

	db->builder = NULL;
	if (WIFEXITED(status) && !WEXITSTATUS(status) &&
	    pkgidx_load(&db->idx, db->dir, db->cache) == 0) {
		db->checked_ms = loop_now_ms();
	} else {
		if (db->gave_up)
			;	/* pkgdb_wait() said why */
		else if (WIFSIGNALED(status))
			log_warn("pkg: the index builder was killed by signal %d; reading the lists here",
				 WTERMSIG(status));
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			log_warn("pkg: %s from the index builder could not be used; reading the lists here",
				 db->cache);
		pkgdb_refresh(db);
	}
	if (db->ready)
		db->ready(db->ready_data);
}

struct pkgdb *pkgdb_new_async(const char *dir, const char *cache,
			      struct loop *loop, pkgdb_ready_fn ready,
			      void *data)
{
	struct pkgdb *db = open_db(dir, cache);
	struct timespec ts;

	if (!db)
		return NULL;
	db->ready = ready;
	db->ready_data = data;
	if (pkgidx_held(&db->idx) || !cache || info_mtime(db, &ts) < 0) {
		pkgdb_refresh(db);	/* little to read, or nothing */
		return db;
	}
	db->builder = child_start(loop, PKG_BUILDER_NAME, build_in_child, db,
				  built, db);
	if (!db->builder) {
		log_warn("pkg: no child to build the index (%s); building it here",
			 strerror(errno));
		pkgdb_refresh(db);
		return db;
	}
	log_info("pkg: reading %s/info in a child (pid %d); packaged files are told apart once it is done",
		 dir, (int)child_pid(db->builder));
	return db;
}

bool pkgdb_building(const struct pkgdb *db)
{
	return db->builder;
}

void pkgdb_wait(struct pkgdb *db)
{
	if (!db->builder)
		return;
	/* a builder stuck (stopped, a database on a hung disk): not forever */
	if (child_await(db->builder, PKG_WAIT_MS) < 0) {
		log_warn("pkg: the index builder (pid %d) has not finished in %d s; stopped, reading the lists here",
			 (int)child_pid(db->builder), PKG_WAIT_MS / 1000);
		db->gave_up = 1;
		child_kill(db->builder);
	}
	child_wait(db->builder);
}

void pkgdb_free(struct pkgdb *db)
{
	if (!db)
		return;
	if (db->builder) {
		char tmp[PATH_MAX];

		child_stop(db->builder);
		/* what it was writing: never renamed into place */
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", db->cache) <
		    sizeof(tmp))
			unlink(tmp);
	}
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

	if (db->builder)
		return NULL;	/* the caller asks pkgdb_building() first */
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
