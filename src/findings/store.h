/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The store's insides, shared by the files that make it up (table.c:
 * findings by id and in order; findings.c: sightings and lifecycle; accept.c: acceptances; tags.c: tags;
 * correct.c: counts moved to another finding;
 * finding_json.c: the JSON form; evict.c: who gives way when it is
 * full).  Nothing outside src/findings includes it.
 */
#ifndef VIGIL_FINDINGS_STORE_H
#define VIGIL_FINDINGS_STORE_H

#include "findings/findings.h"
#include "findings/runnames.h"

struct evict;

struct findings {
	struct finding **all;		/* first-seen order */
	size_t n, cap, max;
	struct finding *by_id;		/* hash head (table.c) */
	uint64_t dropped;		/* refused: every kept one outranks it */
	uint64_t evicted;		/* old ones made room for a new one */
	uint64_t seq;			/* the last finding's */
	uint64_t gen;			/* changes with who holds what */
	struct evict *evict;		/* by cause: shares, counts */
	json_object *host;
	char machine_id[40];
	json_object *kept;		/* state entries not loaded */
	/* the run ids its findings name, each once */
	struct run_names run_names;
	/* the last host loaded: equal ones share it, not a copy each */
	json_object *loaded_host;
	const struct exceptions *exceptions;
	const struct findings_ops *ops;
	void *data;
};

/*
 * A new finding of rule m about asset_key (escaped), with empty
 * attributes as a tree, or with none (frozen: the caller sets its
 * text).  NULL on ENOMEM.
 */
struct finding *finding_alloc(struct findings *fs,
			      const struct rule_meta *m, const char *asset_key,
			      bool frozen);
void finding_free(struct finding *f);
/* Make f's attributes a tree again (frozen.c): 0, or -ENOMEM. */
int finding_thaw(struct finding *f);
/*
 * f's attributes for the state file: as finding_attrs(), but for a
 * frozen finding an empty object that serializes as the frozen text,
 * to be written, never read.  NULL on ENOMEM.
 */
json_object *finding_attrs_stored(const struct finding *f);
/* Keep f's attributes as text: 0, or -ENOMEM (f unchanged). */
int finding_freeze(struct finding *f);
/*
 * A frozen f's attributes: attrs as text (NULL: none), as
 * finding_freeze() writes them.  0, or -ENOMEM.
 */
int finding_freeze_from(struct finding *f, json_object *attrs);
/* Freeze every finding last seen before before; returns how many. */
size_t findings_freeze(struct findings *fs, int64_t before);
/* By its full key (an id collision never merges findings), or NULL. */
struct finding *findings_find(const struct findings *fs,
			      const struct rule_meta *rule,
			      const char *asset_key, const char *id);
/*
 * Takes f: frees it on failure.  Returns 0, -ENOMEM, or -EEXIST when
 * another key has f's id (two keys, one 64-bit hash: never merged).
 */
int findings_insert(struct findings *fs, struct finding *f);
/* Drop and free the finding at i (first-seen order). */
void findings_remove_at(struct findings *fs, size_t i);
/* Returns whether run_id was new to f (false too on ENOMEM). */
bool finding_add_run(struct finding *f, const char *run_id);
/* The json string of f's i-th run, i < f->nruns (a reference f holds). */
json_object *finding_run_json(const struct finding *f, unsigned int i);
/* Announce ev of f (nothing of a quiet finding but its acceptance). */
void findings_tell(struct findings *fs, struct finding *f,
		   enum finding_event ev);
/*
 * Give every finding's host the tags of the store's host (the
 * configuration's now): a finding keeps the host name it was made
 * under, but the admin's tags are those in force (tags.c).
 */
void findings_sync_host_tags(struct findings *fs);
/* Something to save about f changed. */
void findings_changed(struct findings *fs, const struct finding *f);
/*
 * Stands in for an acceptance that was in force (taken back, or read
 * from the state file) until the finding is judged again.
 */
const struct acceptance *findings_was_quiet(void);
/* The acceptance in force on f now (its own, else an exception's). */
const struct acceptance *findings_acceptance_now(const struct findings *fs,
						const struct finding *f,
						int64_t now);
/*
 * Work f's acceptance out again; becoming quiet or loud is told
 * (accept.c).
 */
void findings_update_quiet(struct findings *fs, struct finding *f,
			   int64_t now);

#endif
