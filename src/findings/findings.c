// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The findings store: one finding per (rule, asset), kept in a hash
 * table and in first-seen order.  A sighting creates or updates one;
 * runs resolve what they no longer see; acceptances (vigilctl's, or the
 * configured exceptions) keep one quiet (accept.c).  The table itself
 * is in table.c, the JSON form in finding_json.c, who gives way when the
 * store is full in evict.c, tags in tags.c.
 */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/evict.h"
#include "findings/evidence.h"
#include "findings/findings.h"
#include "findings/store.h"
#include "lib/jsonutil.h"
#include "lib/log.h"
#include "lib/utf8.h"

struct findings *findings_new(size_t max, const struct findings_ops *ops,
			      void *data)
{
	struct findings *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->evict = evict_new();
	if (!fs->evict) {
		free(fs);
		return NULL;
	}
	fs->max = max;
	fs->ops = ops;
	fs->data = data;
	return fs;
}

void findings_free(struct findings *fs)
{
	size_t i;

	if (!fs)
		return;
	HASH_CLEAR(hh, fs->by_id);
	for (i = 0; i < fs->n; i++)
		finding_free(fs->all[i]);
	free(fs->all);
	json_object_put(fs->host);
	json_object_put(fs->kept);
	json_object_put(fs->loaded_host);
	run_names_free(&fs->run_names);
	evict_free(fs->evict);
	free(fs);
}

void findings_set_max(struct findings *fs, size_t max)
{
	fs->max = max;
}

void findings_set_host(struct findings *fs, json_object *host)
{
	const char *mid = host ? json_get_str(host, "machine_id") : NULL;
	json_object *old = fs->host;
	size_t i;

	fs->host = json_object_get(host);
	snprintf(fs->machine_id, sizeof(fs->machine_id), "%s",
		 mid ? mid : "");
	findings_sync_host_tags(fs);
	/*
	 * A reload makes the host anew: findings seen on the same one (its
	 * tags now the configuration's) share the new object, so the state
	 * file need not name it for each.
	 */
	if (old && host && old != host && json_object_equal(old, host))
		for (i = 0; i < fs->n; i++)
			if (fs->all[i]->host == old) {
				json_object_put(old);
				fs->all[i]->host = json_object_get(host);
			}
	json_object_put(old);
}

json_object *findings_evict_stats(const struct findings *fs)
{
	return evict_stats_json(fs);
}

/* One sighting in run_id, counted for that run's record. */
/* Returns true when f joins a run it was not seen in yet. */
static bool count_in_run(struct findings *fs, struct finding *f,
			 const char *run_id, int64_t now)
{
	bool joined = finding_add_run(f, run_id);

	if (joined) {
		f->run_count = 0;
		f->run_first = now;
	}
	if (!f->nruns || strcmp(finding_run(f, f->nruns - 1),
				run_id ? run_id : ""))
		return joined;
	f->run_count++;
	f->run_last = now;
	return joined;
}

/*
 * Only f's counts, times and last sighting's values moved: no news,
 * and no hurry to save.
 */
static void counted(struct findings *fs, const struct finding *f)
{
	if (fs->ops && fs->ops->on_change)
		fs->ops->on_change(fs->data, f, true);
}

static int report(struct findings *fs, enum rule_id rule,
		  const char *raw_key, json_object *attrs, int64_t now,
		  const char *run_id, bool escaped);

int findings_report(struct findings *fs, enum rule_id rule,
		    const char *raw_key, json_object *attrs, int64_t now,
		    const char *run_id)
{
	return report(fs, rule, raw_key, attrs, now, run_id, false);
}

int findings_report_again(struct findings *fs, enum rule_id rule,
			  const char *raw_key, json_object *attrs,
			  int64_t now, const char *run_id)
{
	return report(fs, rule, raw_key, attrs, now, run_id, true);
}

/*
 * A sighting's evidence into f's.  The same sighting again, handed in
 * as it was taken (findings_report_again()), only adds its counts: a
 * client connecting thousands of times a second costs no more.
 */
static void merge(struct finding *f, const struct rule_meta *m,
		  json_object *attrs, bool again)
{
	/* ENOMEM: the sighting is counted, its evidence not kept */
	if (finding_thaw(f) < 0)
		return;
	if (again && attrs == f->last_sighting) {
		evidence_merge_again(m, f->attrs, attrs);
		return;
	}
	if (evidence_merge(m, f->attrs, attrs))
		f->changed = true;
	/* kept only where sightings repeat: a full store stays small */
	json_object_put(f->last_sighting);
	f->last_sighting = again ? json_object_get(attrs) : NULL;
}

static int report(struct findings *fs, enum rule_id rule,
		  const char *raw_key, json_object *attrs, int64_t now,
		  const char *run_id, bool escaped)
{
	const struct rule_meta *m = rule_meta(rule);
	char id[FINDING_ID_LEN + 1];
	struct finding_cause cause;
	const char *asset_key;
	struct finding *f;
	struct sbuf key;
	int r;

	sbuf_init(&key);
	if (!m || !raw_key ||
	    (attrs && !json_object_is_type(attrs, json_type_object))) {
		r = -EINVAL;
		goto out;
	}
	/* From here on host strings are valid UTF-8, in every output. */
	utf8_escape(&key, raw_key, strlen(raw_key));
	if (attrs && !escaped)
		json_escape_strings(attrs, true);
	if (sbuf_failed(&key)) {
		r = -ENOMEM;
		goto out;
	}
	asset_key = sbuf_str(&key);
	cause = evict_sighting_cause(m, attrs);
	finding_make_id(fs->machine_id, m->id, asset_key, id);
	f = findings_find(fs, m, asset_key, id);
	if (f) {
		const struct acceptance *quiet = f->quiet;
		bool was_changed = f->changed, news = false;

		if (evict_note(f, cause)) {
			fs->gen++;
			news = true;
		}
		f->count++;
		if (now > f->last_seen)
			f->last_seen = now;
		if (count_in_run(fs, f, run_id, now))
			news = true;
		if (attrs)
			merge(f, m, attrs, escaped);
		if (f->status == FINDING_RESOLVED) {
			f->status = FINDING_OPEN;
			f->changed = false;
			f->quiet = findings_acceptance_now(fs, f, now);
			findings_tell(fs, f, f->announced ? FEV_REOPENED :
							     FEV_NEW);
			news = true;
		} else {
			findings_update_quiet(fs, f, now);
		}
		if (news || f->quiet != quiet || (f->changed && !was_changed))
			findings_changed(fs, f);
		else
			counted(fs, f);
		r = 0;
		goto out;
	}
	while (fs->n >= fs->max) {
		r = evict_make_room(fs, m, cause);
		if (r < 0)
			goto out;
	}
	f = finding_alloc(fs, m, asset_key, false);
	if (!f) {
		r = -ENOMEM;
		goto out;
	}
	f->host = json_object_get(fs->host);
	f->first_seen = now;
	f->last_seen = now;
	f->count = 1;
	f->cause = cause;
	count_in_run(fs, f, run_id, now);
	if (attrs)
		merge(f, m, attrs, escaped);
	f->changed = false;
	r = findings_insert(fs, f);
	if (r < 0)
		goto out;
	f->quiet = findings_acceptance_now(fs, f, now);
	findings_tell(fs, f, FEV_NEW);
	findings_changed(fs, f);
	r = 1;
out:
	sbuf_free(&key);
	json_object_put(attrs);
	return r;
}

unsigned int findings_end_run(struct findings *fs, const char *run_id,
			      int64_t now)
{
	unsigned int resolved = 0;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = fs->all[i];

		if (f->status != FINDING_OPEN)
			continue;
		if (finding_seen_in(f, run_id)) {
			if (!f->changed)
				continue;
			f->changed = false;
			findings_tell(fs, f, FEV_UPDATED);
		} else {
			f->status = FINDING_RESOLVED;
			f->resolved_at = now;
			f->changed = false;
			resolved++;
			findings_tell(fs, f, FEV_RESOLVED);
		}
		findings_changed(fs, f);
	}
	findings_freeze(fs, now - FINDING_HOT_SECONDS);
	return resolved;
}
