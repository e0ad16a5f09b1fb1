// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The findings store's table: findings by id (lib/hash.h) and in
 * first-seen order, the runs each was seen in, and the two ways the
 * store tells its owner of a change.  The bottom of the store: its other
 * files (findings.c, accept.c, evict.c, tags.c ...) call it, never the
 * other way round.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/evidence.h"
#include "findings/findings.h"
#include "findings/store.h"
#include "lib/utf8.h"

void finding_free(struct finding *f)
{
	if (!f)
		return;
	free(f->asset_key);
	if (f->accepted)
		acceptance_free(f->accepted);
	free(f->accepted);
	json_object_put(f->attrs);
	free(f->frozen);
	json_object_put(f->last_sighting);
	json_object_put(f->host);
	json_object_put(f->tags);
	while (f->nruns)
		run_names_drop(f->run_names, f->runs[--f->nruns]);
	free(f);
}

const struct finding *findings_get(const struct findings *fs, const char *id)
{
	const struct finding *f;

	if (strlen(id) != FINDING_ID_LEN ||
	    strspn(id, "0123456789abcdef") != FINDING_ID_LEN)
		return NULL;
	HASH_FIND(hh, fs->by_id, id, FINDING_ID_LEN, f);
	return f;
}

struct finding *findings_find(const struct findings *fs,
			      const struct rule_meta *rule,
			      const char *asset_key, const char *id)
{
	struct finding *f;

	HASH_FIND(hh, fs->by_id, id, FINDING_ID_LEN, f);
	/* Match on the full key: an id collision never merges findings. */
	if (f && (f->rule != rule || strcmp(f->asset_key, asset_key)))
		return NULL;
	return f;
}

const struct finding *findings_lookup(const struct findings *fs,
				      enum rule_id rule,
				      const char *asset_key)
{
	const struct rule_meta *m = rule_meta(rule);
	char id[FINDING_ID_LEN + 1];
	const struct finding *f = NULL;
	struct sbuf key;

	if (!m || !asset_key)
		return NULL;
	sbuf_init(&key);
	utf8_escape(&key, asset_key, strlen(asset_key));
	if (!sbuf_failed(&key)) {
		finding_make_id(fs->machine_id, m->id, sbuf_str(&key), id);
		f = findings_find(fs, m, sbuf_str(&key), id);
	}
	sbuf_free(&key);
	return f;
}

size_t findings_count(const struct findings *fs)
{
	return fs->n;
}

size_t findings_count_quiet(const struct findings *fs)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->all[i]->quiet != NULL;
	return n;
}

const struct finding *findings_at(const struct findings *fs, size_t i)
{
	return i < fs->n ? fs->all[i] : NULL;
}

size_t findings_after(const struct findings *fs, uint64_t seq)
{
	size_t lo = 0, hi = fs->n, mid;

	/* all[] keeps insertion order: seq rises along it */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fs->all[mid]->seq <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t findings_evicted(const struct findings *fs)
{
	return fs->evicted;
}

uint64_t findings_dropped(const struct findings *fs)
{
	return fs->dropped;
}

const char *finding_run(const struct finding *f, unsigned int i)
{
	return run_names_text(f->run_names, f->runs[i]);
}

json_object *finding_run_json(const struct finding *f, unsigned int i)
{
	return run_names_json(f->run_names, f->runs[i]);
}

int finding_seen_in(const struct finding *f, const char *run_id)
{
	int num = run_names_find(f->run_names, run_id);
	unsigned int i;

	if (num < 0)
		return 0;
	for (i = 0; i < f->nruns; i++)
		if (f->runs[i] == num)
			return 1;
	return 0;
}

/* Returns whether run_id was new to f. */
bool finding_add_run(struct finding *f, const char *run_id)
{
	int num;

	if (!run_id || !*run_id || strlen(run_id) >= RUN_ID_MAX ||
	    finding_seen_in(f, run_id))
		return false;
	num = run_names_hold(f->run_names, run_id);
	if (num < 0)
		return false;
	if (f->nruns == FINDING_MAX_RUNS) {
		run_names_drop(f->run_names, f->runs[0]);
		memmove(&f->runs[0], &f->runs[1],
			sizeof(f->runs[0]) * (FINDING_MAX_RUNS - 1));
		f->nruns--;
	}
	f->runs[f->nruns++] = (uint16_t)num;
	return true;
}

/* Takes ownership of f: frees it on failure. */
int findings_insert(struct findings *fs, struct finding *f)
{
	struct finding *other;

	HASH_FIND(hh, fs->by_id, f->id, FINDING_ID_LEN, other);
	if (other) {
		/* Two keys, one 64-bit id: keep the first, never merge. */
		finding_free(f);
		return -EEXIST;
	}
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct finding **p = realloc(fs->all, cap * sizeof(*p));

		if (!p) {
			finding_free(f);
			return -ENOMEM;
		}
		fs->all = p;
		fs->cap = cap;
	}
	f->seq = ++fs->seq;
	fs->gen++;
	HASH_ADD(hh, fs->by_id, id, FINDING_ID_LEN, f);
	if (!hash_added(f, hh)) {
		finding_free(f);
		return -ENOMEM;
	}
	fs->all[fs->n++] = f;
	return 0;
}

void findings_remove_at(struct findings *fs, size_t i)
{
	struct finding *f = fs->all[i];

	HASH_DELETE(hh, fs->by_id, f);
	memmove(&fs->all[i], &fs->all[i + 1],
		(fs->n - i - 1) * sizeof(fs->all[0]));
	fs->n--;
	fs->gen++;
	finding_free(f);
}

struct finding *finding_alloc(struct findings *fs,
			      const struct rule_meta *m, const char *asset_key,
			      bool frozen)
{
	struct finding *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->run_names = &fs->run_names;
	f->rule = m;
	f->asset_key = strdup(asset_key);
	if (!frozen)
		f->attrs = json_object_new_object();
	if (!f->asset_key || (!frozen && !f->attrs)) {
		finding_free(f);
		return NULL;
	}
	finding_make_id(fs->machine_id, m->id, asset_key, f->id);
	return f;
}

void findings_tell(struct findings *fs, struct finding *f,
		   enum finding_event ev)
{
	if (f->quiet && ev != FEV_ACCEPTED)
		return;
	f->announced = true;
	if (fs->ops && fs->ops->on_event)
		fs->ops->on_event(fs->data, f, ev);
}

void findings_changed(struct findings *fs, const struct finding *f)
{
	if (fs->ops && fs->ops->on_change)
		fs->ops->on_change(fs->data, f, false);
}
