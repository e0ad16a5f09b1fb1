/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ASSESS_H
#define VIGIL_ASSESS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "findings/findings.h"
#include "lib/loop.h"
#include "lib/sbuf.h"

/* Summaries of at most this many runs are kept. */
#define ASSESS_MAX_RUNS 100
/*
 * The runs' records name at most this many findings in all; past it the
 * oldest runs keep only their counts (run.findings_dropped).
 */
#define ASSESS_MAX_SEEN 20000

enum run_state {
	RUN_COLLECTING,
	RUN_EVALUATING,
	RUN_COMPLETED,
	RUN_CANCELED,
};

/*
 * One finding seen in a run, as the run's record keeps it: 24 bytes,
 * as up to ASSESS_MAX_SEEN are held.  id is the finding's hex digits
 * as a number (run_finding_id() gives the text back); the times are
 * seconds since 1970 in 32 bits unsigned, as every time of a run is.
 */
struct run_finding {
	uint64_t id;
	uint32_t count;		/* sightings in the run; 0 if unknown */
	uint32_t first, last;	/* in the run; 0 if unknown */
	uint8_t rule;		/* enum rule_id */
	bool accepted;		/* quiet when the run ended */
};

/* e's id as text, FINDING_ID_LEN hex digits (run_entry.c). */
void run_finding_id(const struct run_finding *e,
		    char out[FINDING_ID_LEN + 1]);
/* e's id from FINDING_ID_LEN lowercase hex digits.  0, or -1: not so. */
int run_finding_set_id(struct run_finding *e, const char *id);
/*
 * e's sightings in the run: count of them, from first to last.  All
 * unknown (0) when count is 0 or a time does not fit; a count past
 * 2^32 - 1 is kept as that.
 */
void run_finding_set_seen(struct run_finding *e, uint64_t count,
			  int64_t first, int64_t last);

/*
 * What a run looked at: counts over the run, except listeners and
 * processes, which are what there was at its end.
 */
/*
 * What a run could not assess, and why: a source unavailable or off
 * (bits of run_observed.limits, seen at the run's start or end).
 */
enum run_limit {
	RUN_LIMIT_AUDIT_OFF = 1 << 0,
	RUN_LIMIT_AUDIT_UNAVAILABLE = 1 << 1,
	RUN_LIMIT_AUDIT_CONNECTOR = 1 << 2,
	RUN_LIMIT_CT_UNAVAILABLE = 1 << 3,
	RUN_LIMIT_CT_TABLE_MISSING = 1 << 4,
	RUN_LIMIT_TRACEPOINTS_OFF = 1 << 5,
	RUN_LIMIT_TRACEPOINTS_UNAVAILABLE = 1 << 6,
	RUN_LIMIT_PAYLOAD_OFF = 1 << 7,
	RUN_LIMIT_PAYLOAD_UNAVAILABLE = 1 << 8,
};
#define RUN_LIMIT_COUNT 9

/* "audit-off", ... for bit i (0 .. RUN_LIMIT_COUNT - 1); what it costs. */
const char *run_limit_name(unsigned int i);
const char *run_limit_text(unsigned int i);

struct run_observed {
	uint64_t flows;		/* connections tracked */
	uint64_t listeners;
	uint64_t processes;
	uint64_t execs;
	uint64_t binaries_judged;	/* ELF files judged */
	uint64_t binaries_packaged;	/* from packages, not judged */
	uint64_t root_checks;	/* root processes' files checked */
	uint64_t events_lost;	/* kernel events lost or dropped */
	uint64_t limits;	/* enum run_limit bits */
};

/*
 * Fills what the sources have counted so far (lifetime totals, and the
 * listeners and processes there are now) and the rules enabled now (bit
 * 1 << rule_id).
 */
typedef void (*assess_observe_fn)(void *data, struct run_observed *now,
				  uint32_t *rules_enabled);

struct run {
	char id[RUN_ID_MAX];
	int64_t start;		/* unix time */
	int64_t end;		/* 0 while collecting */
	uint64_t duration;	/* seconds asked for */
	enum run_state state;
	char reason[64];	/* why canceled */
	/* findings seen in the run, by severity */
	unsigned int high, medium, low, info;
	unsigned int resolved;	/* findings it resolved (completed runs) */
	unsigned int accepted;	/* of the findings seen, how many quiet */
	/* its record, from when it ended: the findings seen in it */
	struct run_finding *seen;
	size_t nseen;
	bool seen_dropped;	/* the list gave way to newer runs' */
	bool observed_known;	/* observed and rules are set */
	struct run_observed observed, at_start;
	uint32_t rules;		/* enabled at its end, 1 << rule_id */
	/* loading: what waits for the findings (run_load.c) */
	uint8_t to_finish;
};

/* End-of-run rules: called while the run is evaluating. */
typedef void (*assess_end_fn)(void *data, const char *run_id);
/* Told whenever a run starts, ends or its summary changes. */
typedef void (*assess_changed_fn)(void *data);
/* Told once when a run starts and once when it ends (any end state). */
typedef void (*assess_run_fn)(void *data, const struct run *run);

struct assess;

struct assess *assess_new(struct loop *loop, struct findings *fs,
			  assess_changed_fn changed, void *data);
void assess_free(struct assess *a);
void assess_configure(struct assess *a, uint64_t duration, bool repeat);

/* Who announces runs; at most one, NULL for none. */
void assess_set_run_hook(struct assess *a, assess_run_fn fn, void *data);

/* What runs record of the sources; NULL for nothing. */
void assess_set_observer(struct assess *a, assess_observe_fn fn, void *data);

/* Returns 0, or -1 with errno set (ENOMEM, ENOSPC: too many hooks). */
int assess_add_end_hook(struct assess *a, assess_end_fn fn, void *data);

/*
 * What the engine records into (model/engine.h): a's findings store,
 * stamped with a's current run (assess_store.c).
 */
struct engine_store;
void assess_engine_store(struct assess *a, struct engine_store *out);

/*
 * Start a run of duration seconds (0: the configured one).  A run that
 * is still collecting is canceled first.  Returns 0, or -1 with errno.
 */
int assess_start(struct assess *a, uint64_t duration);
/* Cancel the collecting run; no new run starts by itself.  -1/ENOENT
 * when no run is collecting. */
int assess_stop(struct assess *a, const char *reason);

/*
 * Complete the collecting run now, as its timer would: evaluate (end
 * hooks), end it in the findings store (findings_end_run: updated and
 * resolved findings), record, and start the next if repeating.  -1/ENOENT when no
 * run is collecting.
 */
int assess_complete(struct assess *a);

/*
 * The findings of the store seen in run r, as a record lists them (with
 * their sightings in r when r is their newest run): a new array of *n,
 * NULL on ENOMEM.  For a run still collecting, what its record will be.
 */
struct run_finding *assess_gather_seen(const struct assess *a,
				       const struct run *r, size_t *n);

/*
 * What the collecting run has looked at so far, in its record's terms
 * (nothing when no observer is set).
 */
/*
 * The sources are up (or were reloaded): what limits the current run
 * now.  Its limits seen at start, before the sources started, are
 * replaced (first) or added to (reload).
 */
void assess_note_limits(struct assess *a, bool replace);
void assess_observe_current(struct assess *a, struct run_observed *out,
			    uint32_t *rules);

/* The collecting run, or NULL. */
const struct run *assess_current(const struct assess *a);
/* The run that completed last, or NULL. */
const struct run *assess_last_completed(const struct assess *a);
size_t assess_count(const struct assess *a);
/* The run with that id, or NULL. */
const struct run *assess_find(const struct assess *a, const char *id);
/* Oldest first. */
const struct run *assess_at(const struct assess *a, size_t i);
const char *run_state_name(enum run_state s);

/*
 * A run's summary: state, times, counts, what it looked at and the
 * rules enabled; small enough for a syslog line.  NULL on ENOMEM.
 */
json_object *run_to_json(const struct run *r);
/* The summary and the record's list of findings (the state file). */
json_object *run_record_to_json(const struct run *r);
/* Every run kept, oldest first: records when records, else summaries. */
json_object *assess_to_json(const struct assess *a, bool records);
/*
 * Restore run summaries from a state file (load the findings first).
 * A run that was collecting when vigild stopped is recorded as canceled
 * ("interrupted") with the findings seen in it counted, ending when
 * vigild was last known alive: written (the file's time) or the last
 * sighting in that run, whichever is later.  Returns 0 or -1 with err.
 */
int assess_load_json(struct assess *a, json_object *arr, int64_t written,
		     struct sbuf *err);

/*
 * How vigild reads its state file (state_load()): findings as the
 * store's own reader takes them (findings_state_reader), and runs as
 * they come, each run's record entry by entry.  Set findings.fs and a
 * (a store and runs still empty: a file abandoned drops all they hold);
 * the rest starts zero.  After STATE_LOADED and findings_load_done(),
 * assess_loading_finish() works out what waited for the findings (as
 * assess_load_json() does, written the file's time).  Whatever the
 * result, assess_loading_free() after.
 */
struct assess_loading {
	struct findings_loading findings;
	struct assess *a;
	unsigned int runs_skipped;	/* not runs: left out */
	/* the record of the run being read, entry by entry */
	struct run_finding *seen;
	size_t nseen, cap;
	bool seen_failed;
};
extern const struct state_reader assess_state_reader;
void assess_loading_finish(struct assess_loading *l, int64_t written);
void assess_loading_free(struct assess_loading *l);

#endif
