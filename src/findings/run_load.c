// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs back from a state file (assess.h).  As vigild reads it, each run
 * comes as its summary, and the findings its record names come one by
 * one before it (state_reader.run_seen): twenty thousand of them never
 * stand as one json-c tree.  What depends on the findings (a run a
 * killed vigild left collecting, a record an older vigil did not
 * write) is worked out once they are all loaded.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/assess_priv.h"
#include "findings/state.h"
#include "lib/jsonutil.h"
#include "lib/utc.h"

/* What is left to work out once every finding is in (run.to_finish). */
enum {
	FINISH_INTERRUPTED = 1,	/* close it as canceled, count its findings */
	FINISH_RECORD = 2,	/* its record from the findings */
};

static unsigned int get_count(json_object *o, const char *k)
{
	json_object *c, *v;

	if (!json_object_object_get_ex(o, "counts", &c) ||
	    !json_object_object_get_ex(c, k, &v))
		return 0;
	return (unsigned int)json_object_get_int(v);
}

static void load_observed(struct run *r, json_object *o)
{
	json_object *ob, *rules, *v;
	size_t i, n;

	if (!json_object_object_get_ex(o, "observed", &ob) ||
	    !json_object_is_type(ob, json_type_object))
		return;
#define GET(f) if (json_object_object_get_ex(ob, #f, &v) && \
		   json_object_is_type(v, json_type_int) && \
		   json_object_get_int64(v) >= 0) \
		r->observed.f = (uint64_t)json_object_get_int64(v);
	RUN_OBSERVED(GET)
#undef GET
	r->observed_known = true;
	if (!json_object_object_get_ex(o, "rules", &rules) ||
	    !json_object_is_type(rules, json_type_array))
		return;
	n = json_object_array_length(rules);
	for (i = 0; i < n; i++) {
		const struct rule_meta *m = rule_meta_by_name(
			json_object_get_string(json_object_array_get_idx(rules,
									 i)));

		if (m)
			r->rules |= 1u << m->idx;
	}
}

/* One entry of a run's record into *e; false when it names no finding. */
static bool seen_entry(json_object *x, struct run_finding *e)
{
	const char *id = json_get_str(x, "id");
	const char *rule = json_get_str(x, "rule");
	const char *t1 = json_get_str(x, "first_seen");
	const char *t2 = json_get_str(x, "last_seen");
	const struct rule_meta *m = rule ? rule_meta_by_name(rule) : NULL;
	int64_t first, last;
	json_object *v;

	memset(e, 0, sizeof(*e));
	if (!id || !m || run_finding_set_id(e, id) < 0)
		return false;
	e->rule = (uint8_t)m->idx;
	if (json_object_object_get_ex(x, "accepted", &v))
		e->accepted = json_object_get_boolean(v);
	if (json_object_object_get_ex(x, "count", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) > 0 && t1 && t2 &&
	    !parse_utc(t1, &first) && !parse_utc(t2, &last))
		run_finding_set_seen(e,
				     (uint64_t)json_object_get_int64(v),
				     first, last);
	return true;
}

/* The entries of a run's record as they come, at most ASSESS_MAX_SEEN. */
static void seen_add(struct assess_loading *l, json_object *x)
{
	struct run_finding e, *grown;
	size_t cap;

	if (l->seen_failed || l->nseen == ASSESS_MAX_SEEN ||
	    !seen_entry(x, &e))
		return;
	if (l->nseen == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		if (cap > ASSESS_MAX_SEEN)
			cap = ASSESS_MAX_SEEN;
		grown = realloc(l->seen, cap * sizeof(*grown));
		if (!grown) {
			/* the record gives way, as a dropped one does */
			l->seen_failed = true;
			return;
		}
		l->seen = grown;
		l->cap = cap;
	}
	l->seen[l->nseen++] = e;
}

static void seen_reset(struct assess_loading *l)
{
	free(l->seen);
	l->seen = NULL;
	l->nseen = l->cap = 0;
	l->seen_failed = false;
}

/*
 * r's record: dropped, what l gathered (o's "findings" streamed), the
 * entries of o's own array (l NULL), or none (FINISH_RECORD).
 */
static void load_seen(struct run *r, json_object *o,
		      struct assess_loading *l)
{
	json_object *arr, *v;
	size_t i, n;

	if (json_object_object_get_ex(o, "findings_dropped", &v) &&
	    json_object_get_boolean(v)) {
		r->seen_dropped = true;
		return;
	}
	if (!json_object_object_get_ex(o, "findings", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		r->to_finish |= FINISH_RECORD;
		return;
	}
	if (l) {
		r->seen_dropped = l->seen_failed;
		if (l->seen_failed || !l->nseen)
			return;
		/* r's now, no larger than it needs */
		r->seen = realloc(l->seen, l->nseen * sizeof(*r->seen));
		if (!r->seen)
			r->seen = l->seen;
		r->nseen = l->nseen;
		l->seen = NULL;
		l->nseen = l->cap = 0;
		return;
	}
	n = json_object_array_length(arr);
	if (n > ASSESS_MAX_SEEN)
		n = ASSESS_MAX_SEEN;
	r->seen = calloc(n ? n : 1, sizeof(*r->seen));
	if (!r->seen) {
		r->seen_dropped = true;
		return;
	}
	for (i = 0; i < n; i++)
		if (seen_entry(json_object_array_get_idx(arr, i),
			       &r->seen[r->nseen]))
			r->nseen++;
}

/* A run's summary o into a new slot; false when o is no run. */
static bool load_run(struct assess *a, json_object *o,
		     struct assess_loading *l)
{
	const char *id = json_get_str(o, "id"), *st = json_get_str(o, "state");
	const char *start = json_get_str(o, "start"), *end;
	const char *reason = json_get_str(o, "reason");
	json_object *v;
	struct run r;
	int s;

	memset(&r, 0, sizeof(r));
	if (!id || !st || !start || strlen(id) >= RUN_ID_MAX ||
	    parse_utc(start, &r.start))
		return false;
	for (s = RUN_COLLECTING; s <= RUN_CANCELED; s++)
		if (!strcmp(st, run_state_name((enum run_state)s)))
			break;
	if (s > RUN_CANCELED)
		return false;
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.state = (enum run_state)s;
	end = json_get_str(o, "end");
	if (end)
		parse_utc(end, &r.end);
	if (json_object_object_get_ex(o, "duration", &v))
		r.duration = (uint64_t)json_object_get_int64(v);
	snprintf(r.reason, sizeof(r.reason), "%s", reason ? reason : "");
	r.high = get_count(o, "High");
	r.medium = get_count(o, "Medium");
	r.low = get_count(o, "Low");
	r.info = get_count(o, "Informational");
	if (json_object_object_get_ex(o, "resolved", &v))
		r.resolved = (unsigned int)json_object_get_int(v);
	if (json_object_object_get_ex(o, "accepted", &v))
		r.accepted = (unsigned int)json_object_get_int(v);
	load_observed(&r, o);
	if (r.state == RUN_COLLECTING || r.state == RUN_EVALUATING)
		r.to_finish = FINISH_INTERRUPTED;
	else
		load_seen(&r, o, l);
	*assess_new_slot(a) = r;
	return true;
}

/*
 * A run the last vigild did not finish (killed, or the machine went
 * down): it is closed as canceled with what it had gathered, the
 * findings seen in it counted, ending when vigild was last known alive.
 */
static void close_interrupted(struct assess *a, struct run *r, int64_t alive)
{
	size_t i;

	r->state = RUN_CANCELED;
	snprintf(r->reason, sizeof(r->reason), "interrupted: vigild stopped");
	assess_count_findings(a, r);
	if (!r->end)
		r->end = alive > r->start ? alive : r->start;
	for (i = 0; i < findings_count(a->fs); i++) {
		const struct finding *f = findings_at(a->fs, i);

		if (finding_seen_in(f, r->id) && f->last_seen > r->end)
			r->end = f->last_seen;
	}
	assess_record_seen(a, r);
}

/* What waited for the findings, oldest run first. */
static void finish(struct assess *a, int64_t written)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		struct run *r = (struct run *)assess_at(a, i);

		if (r->to_finish & FINISH_INTERRUPTED)
			close_interrupted(a, r, written);
		else if (r->to_finish & FINISH_RECORD)
			assess_record_seen(a, r);
		r->to_finish = 0;
	}
}

int assess_load_json(struct assess *a, json_object *arr, int64_t written,
		     struct sbuf *err)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array)) {
		sbuf_printf(err, "runs is not an array");
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		load_run(a, json_object_array_get_idx(arr, i), NULL);
	finish(a, written);
	return 0;
}

static int reader_finding(void *data, json_object *head, json_object *f,
			  struct sbuf *err)
{
	struct assess_loading *l = data;

	return findings_state_reader.finding(&l->findings, head, f, err);
}

static int reader_run_seen(void *data, json_object *run, json_object *entry,
			   struct sbuf *err)
{
	(void)run;
	(void)err;
	seen_add(data, entry);
	return 0;
}

static int reader_run(void *data, json_object *head, json_object *run,
		      struct sbuf *err)
{
	struct assess_loading *l = data;

	(void)head;
	(void)err;
	if (!load_run(l->a, run, l))
		l->runs_skipped++;
	seen_reset(l);	/* the next run's record starts empty */
	return 0;
}

/* Every run loaded so far goes: the file proved unusable. */
static void reader_abandon(void *data)
{
	struct assess_loading *l = data;
	struct assess *a = l->a;

	findings_state_reader.abandon(&l->findings);
	seen_reset(l);
	while (a->n) {
		struct run *r = &a->runs[a->first];

		free(r->seen);
		memset(r, 0, sizeof(*r));
		a->first = (a->first + 1) % ASSESS_MAX_RUNS;
		a->n--;
	}
	l->runs_skipped = 0;
}

const struct state_reader assess_state_reader = {
	.finding = reader_finding,
	.run = reader_run,
	.run_seen = reader_run_seen,
	.abandon = reader_abandon,
};

void assess_loading_finish(struct assess_loading *l, int64_t written)
{
	seen_reset(l);
	finish(l->a, written);
}

void assess_loading_free(struct assess_loading *l)
{
	seen_reset(l);
}
