/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <json-c/json.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/loop.h"
#include "lib/sbuf.h"

/* Largest state file read back; bigger means something is wrong. */
#define STATE_MAX_SIZE (256L * 1024 * 1024)
#define STATE_VERSION 1

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory.  A crash at any point
 * leaves either the old or the new complete file.
 * Returns 0, or -1 with errno set and a message in err.
 */
int state_write_atomic(const char *path, const char *data, size_t len,
		       mode_t mode, struct sbuf *err);

enum state_load_result {
	STATE_LOADED,		/* *head holds the other members */
	STATE_ABSENT,		/* no file yet */
	STATE_MOVED_ASIDE,	/* corrupt: renamed, message in err */
	STATE_FAILED,		/* could not read or move it: err */
};

/*
 * Where state_load() hands what it reads.  finding(): one element of
 * "findings", in file order, as it is parsed (the document is never
 * whole in memory), with the members read before "findings" in head
 * (its "host": what a finding without one of its own was seen on); it
 * returns 0, or -1 to give up (ENOMEM, its reason in err).
 *
 * run() (optional): one element of "runs" the same way, handed over
 * before the version is known (the file's version is checked at the
 * end all the same).  With run_seen() too, a run's "findings" (its
 * record) are not in the element: each entry goes to run_seen() as it
 * is parsed, with the run's members read so far, before the run itself;
 * the element keeps an empty array there.  Without run(), "runs" stays
 * in head as an array.
 *
 * abandon(): the file proved unusable after findings or runs were
 * handed over; drop them, as if none had been.
 */
struct state_reader {
	int (*finding)(void *data, json_object *head, json_object *f,
		       struct sbuf *err);
	int (*run)(void *data, json_object *head, json_object *run,
		   struct sbuf *err);
	int (*run_seen)(void *data, json_object *run, json_object *entry,
			struct sbuf *err);
	void (*abandon)(void *data);
};

/*
 * Read the state document at path.  A file that is not valid JSON, not
 * an object, has the wrong version or is too large is renamed to
 * "<path>.corrupt-<UTC time>" so nothing is silently lost.  Leftover
 * temporary files of an interrupted write are removed.  On
 * STATE_LOADED, *head holds every member but "findings" ("version",
 * "written", "runs" unless rd takes them: an array if present, ...);
 * the caller puts it.
 */
enum state_load_result state_load(const char *path,
				  const struct state_reader *rd, void *data,
				  json_object **head, struct sbuf *err);

/*
 * Debounced persistence (statesave.c): state_dirty() schedules a write
 * a short while later, by a child process, so a burst of changes costs
 * one write and the loop never waits for it; state_flush() writes now,
 * in the caller, after any child.  dump() builds the document to write.
 */
typedef json_object *(*state_dump_fn)(void *data);
struct state;

struct state *state_new(struct loop *loop, const char *path,
			state_dump_fn dump, void *data);
void state_free(struct state *st);
int state_set_path(struct state *st, const char *path);
void state_dirty(struct state *st);
/*
 * A change that may wait longer (30 s: counts, times and last values
 * moved, a client's thousandth connection), written with the next
 * change or then: each write forks, and each fork makes every page the
 * daemon writes next a copy-on-write fault.  A crash loses at most
 * that long of counts, never a finding nor news of one.
 */
void state_dirty_later(struct state *st);
/* Returns 0, or -1 after logging why the write failed. */
int state_flush(struct state *st);
unsigned long state_writes(const struct state *st);

#endif
