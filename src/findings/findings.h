/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FINDINGS_H
#define VIGIL_FINDINGS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/exceptions.h"
#include "core/rulemeta.h"
#include "core/run.h"
#include "lib/hash.h"
#include "lib/sbuf.h"
#include "lib/utc.h"

/* A finding remembers the ids of at most this many recent runs. */
#define FINDING_MAX_RUNS 16
#define FINDING_ID_LEN 16

enum finding_status {
	FINDING_OPEN,
	FINDING_RESOLVED,	/* not seen for a whole completed run */
};

/* What the store tells about a finding; see findings_ops.on_event. */
enum finding_event {
	FEV_NEW,		/* first sighting */
	FEV_UPDATED,		/* its evidence grew during a run (at run end) */
	FEV_RESOLVED,		/* a whole completed run went by without it */
	FEV_REOPENED,		/* seen again after it was resolved */
	FEV_REMIND,		/* still seen: a periodic repeat */
	FEV_ACCEPTED,		/* an announced finding is now accepted */
	FEV_UNACCEPTED,		/* its acceptance ended, it is open */
};

/* Whose processes a finding's sightings came from (evict.h). */
enum finding_cause_kind {
	CAUSE_UNKNOWN,		/* no sighting told a uid */
	CAUSE_USER,		/* one non-root uid: uid */
	CAUSE_USERS,		/* two non-root uids or more */
	CAUSE_ROOT,		/* root among them */
};

struct run_names;

struct finding_cause {
	enum finding_cause_kind kind;
	uid_t uid;		/* CAUSE_USER only */
};

struct finding {
	/* unique across hosts: machine-id, rule and asset */
	char id[FINDING_ID_LEN + 1];
	/* small fields beside the two ids: a full store holds 10,000 */
	bool changed;			/* evidence grew since last told */
	bool announced;			/* a line told of it */
	uint8_t nruns;			/* runs named (table.c) */
	/*
	 * The runs it was seen in, oldest first, at most FINDING_MAX_RUNS:
	 * numbers in its store's run_names (runnames.h), not pointers to
	 * an array of its own.
	 */
	uint16_t runs[FINDING_MAX_RUNS];
	struct run_names *run_names;
	enum finding_status status;
	struct finding_cause cause;
	const struct rule_meta *rule;
	char *asset_key;
	/*
	 * The attributes: a tree while the finding is hot (attrs), the
	 * same as JSON text once cold (frozen, attrs NULL: frozen.c).
	 * Read them with finding_attrs().
	 */
	json_object *attrs;
	char *frozen;
	/* the sighting merged into attrs last (a reference), or NULL */
	json_object *last_sighting;
	json_object *host;		/* shared reference */
	int64_t first_seen;		/* unix time */
	int64_t last_seen;
	uint64_t count;
	uint64_t seq;			/* order of insertion in this store */
	int64_t resolved_at;		/* when last resolved, 0 if never */
	/* sightings in the newest of runs, for that run's record */
	uint64_t run_count;
	int64_t run_first, run_last;
	/* accepted with vigilctl (kept in the state file), or NULL */
	struct acceptance *accepted;
	/* tags given with vigilctl (lib/tag.h; in the state file), or NULL */
	json_object *tags;
	/*
	 * The acceptance in force (accepted, or a configured exception's):
	 * while set, nothing about the finding is announced.
	 */
	const struct acceptance *quiet;
	UT_hash_handle hh;		/* by id (table.c) */
};

/*
 * on_event: a finding's lifecycle, to announce (new, reopened at once;
 * updated and resolved from findings_end_run()).  Nothing is told of a
 * quiet (accepted) finding but that it became accepted; when its
 * acceptance ends while it is open, it is told as unaccepted, or as new
 * if it was never told.  on_change: anything
 * about a finding changed, to save.
 */
struct findings_ops {
	void (*on_event)(void *data, const struct finding *f,
			 enum finding_event ev);
	/*
	 * Something to save about f changed; counts_only: no news, only
	 * its counts, times and the last sighting's values (a sighting
	 * again), which may wait longer.
	 */
	void (*on_change)(void *data, const struct finding *f,
			  bool counts_only);
};

/* "new", "updated", "resolved", "reopened", "remind", "accepted",
 * "unaccepted". */
const char *finding_event_name(enum finding_event ev);
/* "open", "resolved". */
const char *finding_status_name(enum finding_status st);

struct findings;

/* NULL with errno set on allocation failure. */
struct findings *findings_new(size_t max, const struct findings_ops *ops,
			      void *data);
void findings_free(struct findings *fs);
void findings_set_max(struct findings *fs, size_t max);
/*
 * Host description stamped on new findings; a reference is taken.  Its
 * machine_id goes into every finding id, so set it before loading or
 * reporting anything.
 */
void findings_set_host(struct findings *fs, json_object *host);

/*
 * Record one sighting of a problem.  asset_key and every string in attrs
 * are raw bytes from the host: the store keeps them in the text form of
 * lib/utf8.h.  The same (rule, asset_key) always maps to the same
 * finding: a repeat bumps count and last_seen, adds the
 * run id and merges attrs: the rule's evidence lists and counts
 * (rule_meta.evidence) accumulate, bounded; other keys are replaced.  attrs is consumed (its
 * reference is dropped) whatever the outcome; it may be NULL.
 *
 * The uid in the rule's cause attribute (rule_meta.cause) says whose
 * process the sighting came from.  When the store is full, a finding
 * gives way to a new one as evict.h says (counted in
 * findings_evicted()); pointers to findings are only valid until the
 * next call.  Returns 1 for a new finding, 0 for an update, -ENOSPC
 * when the new one is refused (counted in findings_dropped()), -EEXIST
 * when another key has its id (a 64-bit collision: never merged),
 * -EINVAL for a bad argument, -ENOMEM.
 */
int findings_report(struct findings *fs, enum rule_id rule,
		    const char *asset_key, json_object *attrs, int64_t now,
		    const char *run_id);

/*
 * findings_report() of attrs already in the store's text form: a
 * sighting the caller reported before (its attrs, which that call
 * escaped in place), the same again.  Nothing is escaped twice, and
 * the cost of building and escaping the evidence is saved.
 */
int findings_report_again(struct findings *fs, enum rule_id rule,
			  const char *raw_key, json_object *attrs,
			  int64_t now, const char *run_id);

/* The count a finding's corrected uses go to (findings_correct()). */
#define FINDING_NAMED_LATER "named_later"

/*
 * n uses counted in count_key (a count of the rule's evidence) of the
 * finding of (rule, raw_key) were named later as another finding's:
 * they move out of it, into its FINDING_NAMED_LATER count (the rule
 * must declare both).  Its evidence changed (told as updated at the
 * run's end); when none of count_key is left, none of its uses was its
 * own: it is resolved at once.  Returns 1 when resolved, 0 when
 * corrected, -ENOENT when there is no such finding or nothing of
 * count_key to move, -EINVAL, -ENOMEM.
 */
int findings_correct(struct findings *fs, enum rule_id rule,
		     const char *raw_key, const char *count_key, int64_t n,
		     int64_t now);

const struct finding *findings_lookup(const struct findings *fs,
				      enum rule_id rule,
				      const char *asset_key);
const struct finding *findings_get(const struct findings *fs,
				   const char *id);

/*
 * Tags of one finding (tags.c).  Set key to value, or take it away
 * (value NULL); the change is saved, and told with the finding's next
 * event.  Returns 0, or -EINVAL (a key or value lib/tag.h refuses),
 * -ENOENT (no such finding, or no such tag to take), -E2BIG (TAG_MAX
 * already), -ENOMEM.
 */
int findings_tag(struct findings *fs, const char *id, const char *key,
		 const char *value);
/* Keep from a state file's "tags" only what lib/tag.h allows. */
json_object *finding_tags_load(json_object *tags);
size_t findings_count(const struct findings *fs);
/* Findings not accepted (quiet). */
size_t findings_count_quiet(const struct findings *fs);
/* In the order they were first seen. */
const struct finding *findings_at(const struct findings *fs, size_t i);
/*
 * The index of the first finding put in after the one with seq (0: the
 * first of all), whatever was given up since: a cursor that a reply
 * made piece by piece keeps.  findings_count() when there is none.
 */
size_t findings_after(const struct findings *fs, uint64_t seq);
uint64_t findings_dropped(const struct findings *fs);
/* Findings given up for a new one. */
uint64_t findings_evicted(const struct findings *fs);
/* Evictions and refusals by cause: see evict_stats_json(). */
json_object *findings_evict_stats(const struct findings *fs);
int finding_seen_in(const struct finding *f, const char *run_id);
/*
 * f's attributes, hot or cold: a reference the caller puts (a tree of
 * its own when f is cold: changing it changes nothing), or NULL on
 * ENOMEM.
 */
json_object *finding_attrs(const struct finding *f);
/* Seconds without a sighting after which a finding's attributes are
 * kept as text (findings_end_run; a loaded finding is cold at once). */
#define FINDING_HOT_SECONDS 600
/* The id of f's i-th remembered run (0: the oldest), i < f->nruns. */
const char *finding_run(const struct finding *f, unsigned int i);

/*
 * A run completed (its end hooks have reported): each open finding
 * whose evidence grew in it is told as updated, and each open finding
 * not seen in it (so seen only before it began) is resolved.  Returns
 * how many were resolved.
 */
unsigned int findings_end_run(struct findings *fs, const char *run_id,
			      int64_t now);

/*
 * Configured exceptions, or NULL: kept by reference (set again before
 * the old ones are freed).  Every finding's acceptance is worked out
 * again at now.
 */
void findings_set_exceptions(struct findings *fs,
			     const struct exceptions *ex, int64_t now);

/*
 * Accept one finding by id: reason (raw, bounded by the caller) and by
 * are kept in the text form; until 0 for no end.  A new acceptance
 * replaces an older one.  Returns 0, -ENOENT (no such finding),
 * -EINVAL (until not after now), -ENOMEM.
 */
int findings_accept(struct findings *fs, const char *id, const char *reason,
		    int64_t until, const char *by, int64_t now);
/* Take a vigilctl acceptance back.  0, -ENOENT, or -EALREADY (none). */
int findings_unaccept(struct findings *fs, const char *id, int64_t now);

/*
 * Work out every finding's acceptance at now: the ones whose time
 * passed are told again.  Returns the next time one ends (> now), or 0.
 */
int64_t findings_check_acceptance(struct findings *fs, int64_t now);

/*
 * Stable ids, 16 hex digits of a 64-bit FNV-1a: the fingerprint hashes
 * rule id, NUL, key; the id hashes the machine-id ("" if unknown), NUL,
 * and the same.  key is in the escaped form the store keeps.
 */
void finding_make_id(const char *machine_id, const char *rule_id,
		     const char *asset_key, char out[FINDING_ID_LEN + 1]);
void finding_make_fingerprint(const char *rule_id, const char *asset_key,
			      char out[FINDING_ID_LEN + 1]);
/*
 * h as an id's text, FINDING_ID_LEN hex digits ("%016llx" without
 * printf: every finding loaded makes two, every record entry saved one).
 */
void finding_id_text(uint64_t h, char out[FINDING_ID_LEN + 1]);

/*
 * f's fingerprint, the same on every host (rule and asset, to group a
 * problem): made again from them when asked, not kept in each of a
 * full store's findings.  finding_fingerprint(f).s is the text.
 */
struct finding_fp {
	char s[FINDING_ID_LEN + 1];
};
struct finding_fp finding_fingerprint(const struct finding *f);

/*
 * The public JSON form (control socket, reports).  The state file's
 * (findings_to_json) leaves out what loading derives again: the rule's
 * text and a host that is the document's.  Its array is to be written
 * only, while fs stands still: each finding in it is made when the
 * array is serialized (json-c's serializer), not before.  NULL on
 * ENOMEM.
 */
json_object *finding_to_json(const struct finding *f);
json_object *findings_to_json(const struct findings *fs);

/*
 * Restore findings from a state file, one entry at a time
 * (findings_load_one; doc_host, the document's "host" or NULL, for an
 * entry without its own), then findings_load_done().  Entries that are
 * malformed, name a rule this version does not know (a newer vigil's),
 * or do not fit under max are not loaded but kept as they are, and
 * written back by findings_append_kept(): nothing in a state file is
 * dropped for good.  Exact duplicates are dropped.  *skipped counts the
 * entries not loaded.
 */
void findings_load_one(struct findings *fs, json_object *o,
		       json_object *doc_host, unsigned int *skipped);
void findings_load_done(struct findings *fs);
/* The same over a whole array: 0, or -1 (err) when arr is not one. */
int findings_load_json(struct findings *fs, json_object *arr,
		       unsigned int *skipped, struct sbuf *err);
/* Drop every finding and kept entry: a state file proved unusable. */
void findings_forget_all(struct findings *fs);
/*
 * state_load()'s reader (state.h) that does the above: its data is a
 * struct findings_loading; findings_load_done() is the caller's once
 * the file is loaded.
 */
struct findings_loading {
	struct findings *fs;
	unsigned int skipped;
};
struct state_reader;
extern const struct state_reader findings_state_reader;
/*
 * Append the entries the loading kept without loading to arr (the
 * state file's findings).  Returns 0, or -1 on ENOMEM.
 */
int findings_append_kept(const struct findings *fs, json_object *arr);

#endif
