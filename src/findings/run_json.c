// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs in their JSON form (assess.h): for the state file, the control
 * socket and reports, and back from a state file, where a run a killed
 * vigild left collecting is closed as interrupted.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/assess_priv.h"
#include "lib/jsonutil.h"

static int add_seen_json(json_object *o, const struct run *r)
{
	json_object *arr = json_object_new_array();
	char t[32];
	size_t i;

	if (!arr)
		return -1;
	json_object_object_add(o, "findings", arr);
	for (i = 0; i < r->nseen; i++) {
		const struct run_finding *e = &r->seen[i];
		json_object *x = json_object_new_object();

		if (!x || json_object_array_add(arr, x) < 0) {
			json_object_put(x);
			return -1;
		}
		json_add_str(x, "id", e->id);
		json_add_str(x, "rule", rule_meta(e->rule)->id);
		if (e->count) {
			json_object_object_add(x, "count",
				json_object_new_int64((int64_t)e->count));
			format_utc(e->first, t, sizeof(t));
			json_add_str(x, "first_seen", t);
			format_utc(e->last, t, sizeof(t));
			json_add_str(x, "last_seen", t);
		}
		if (e->accepted)
			json_object_object_add(x, "accepted",
					       json_object_new_boolean(1));
	}
	return 0;
}

#define OBSERVED(X) X(flows) X(listeners) X(processes) X(execs) \
	X(binaries_judged) X(binaries_packaged) X(root_checks) X(events_lost) \
	X(limits)

static int add_observed_json(json_object *o, const struct run *r)
{
	json_object *ob = json_object_new_object();
	json_object *rules = json_object_new_array(), *cov;
	int i;

	if (!ob || !rules) {
		json_object_put(ob);
		json_object_put(rules);
		return -1;
	}
	json_object_object_add(o, "observed", ob);
	json_object_object_add(o, "rules", rules);
#define ADD(f) json_object_object_add(ob, #f, \
		json_object_new_int64((int64_t)r->observed.f));
	OBSERVED(ADD)
#undef ADD
	/* what it could not assess, by name (limits is the bits) */
	cov = json_object_new_array();
	for (i = 0; cov && i < RUN_LIMIT_COUNT; i++)
		if (r->observed.limits & (1ull << i))
			json_object_array_add(cov, json_object_new_string(
					run_limit_name((unsigned int)i)));
	json_object_object_add(o, "coverage", cov);
	for (i = 0; i < RULE_COUNT; i++)
		if (r->rules & (1u << i))
			json_object_array_add(rules, json_object_new_string(
					rule_meta((enum rule_id)i)->id));
	return 0;
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
	OBSERVED(GET)
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

/*
 * The findings a run's record names.  Returns 0, or -1 when the file
 * has no list (older vigil) and it must be worked out from the
 * findings.
 */
static int load_seen(struct run *r, json_object *o)
{
	json_object *arr, *v;
	size_t i, n, k = 0;

	if (json_object_object_get_ex(o, "findings_dropped", &v) &&
	    json_object_get_boolean(v)) {
		r->seen_dropped = true;
		return 0;
	}
	if (!json_object_object_get_ex(o, "findings", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n > ASSESS_MAX_SEEN)
		n = ASSESS_MAX_SEEN;
	r->seen = calloc(n ? n : 1, sizeof(*r->seen));
	if (!r->seen) {
		r->seen_dropped = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(arr, i);
		const char *id = json_get_str(x, "id");
		const char *rule = json_get_str(x, "rule");
		const char *t1 = json_get_str(x, "first_seen");
		const char *t2 = json_get_str(x, "last_seen");
		const struct rule_meta *m = rule ? rule_meta_by_name(rule) :
						   NULL;
		struct run_finding *e = &r->seen[k];

		if (!id || !m || strlen(id) != FINDING_ID_LEN ||
		    strspn(id, "0123456789abcdef") != FINDING_ID_LEN)
			continue;
		memcpy(e->id, id, sizeof(e->id));
		e->rule = m->idx;
		if (json_object_object_get_ex(x, "accepted", &v))
			e->accepted = json_object_get_boolean(v);
		if (json_object_object_get_ex(x, "count", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0 && t1 && t2 &&
		    !parse_utc(t1, &e->first) && !parse_utc(t2, &e->last))
			e->count = (uint64_t)json_object_get_int64(v);
		else
			e->first = e->last = 0;
		k++;
	}
	r->nseen = k;
	return 0;
}

static json_object *run_json(const struct run *r, bool record);

json_object *run_to_json(const struct run *r)
{
	return run_json(r, false);
}

json_object *run_record_to_json(const struct run *r)
{
	return run_json(r, true);
}

static json_object *run_json(const struct run *r, bool record)
{
	json_object *o = json_object_new_object(), *c;
	char t[32];

	if (!o)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(r->id));
	json_object_object_add(o, "state",
			       json_object_new_string(run_state_name(r->state)));
	format_utc(r->start, t, sizeof(t));
	json_object_object_add(o, "start", json_object_new_string(t));
	if (r->end) {
		format_utc(r->end, t, sizeof(t));
		json_object_object_add(o, "end", json_object_new_string(t));
	}
	json_object_object_add(o, "duration",
			       json_object_new_int64((int64_t)r->duration));
	if (r->reason[0])
		json_object_object_add(o, "reason",
				       json_object_new_string(r->reason));
	c = json_object_new_object();
	json_object_object_add(c, "High", json_object_new_int((int)r->high));
	json_object_object_add(c, "Medium",
			       json_object_new_int((int)r->medium));
	json_object_object_add(c, "Low", json_object_new_int((int)r->low));
	json_object_object_add(c, "Informational",
			       json_object_new_int((int)r->info));
	json_object_object_add(o, "counts", c);
	if (r->resolved)
		json_object_object_add(o, "resolved",
				       json_object_new_int((int)r->resolved));
	if (r->accepted)
		json_object_object_add(o, "accepted",
				       json_object_new_int((int)r->accepted));
	if (record && (r->state == RUN_COMPLETED ||
		       r->state == RUN_CANCELED)) {
		if (r->seen_dropped)
			json_object_object_add(o, "findings_dropped",
					       json_object_new_boolean(1));
		else if (add_seen_json(o, r) < 0)
			goto err;
	}
	if (r->observed_known && add_observed_json(o, r) < 0)
		goto err;
	return o;
err:
	json_object_put(o);
	return NULL;
}

static json_object *run_item(const void *ctx, size_t i)
{
	return run_to_json(assess_at(ctx, i));
}

static json_object *record_item(const void *ctx, size_t i)
{
	return run_record_to_json(assess_at(ctx, i));
}

json_object *assess_to_json(const struct assess *a, bool records)
{
	return json_array_of(a->n, records ? record_item : run_item, a);
}

static unsigned int get_count(json_object *o, const char *k)
{
	json_object *c, *v;

	if (!json_object_object_get_ex(o, "counts", &c) ||
	    !json_object_object_get_ex(c, k, &v))
		return 0;
	return (unsigned int)json_object_get_int(v);
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

int assess_load_json(struct assess *a, json_object *arr, int64_t written,
		     struct sbuf *err)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array)) {
		sbuf_printf(err, "runs is not an array");
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;
		const char *id = json_get_str(o, "id"), *st = json_get_str(o, "state");
		const char *start = json_get_str(o, "start"), *end;
		const char *reason = json_get_str(o, "reason");
		struct run r;
		int s;

		memset(&r, 0, sizeof(r));
		if (!id || !st || !start || strlen(id) >= RUN_ID_MAX ||
		    parse_utc(start, &r.start))
			continue;
		for (s = RUN_COLLECTING; s <= RUN_CANCELED; s++)
			if (!strcmp(st, run_state_name((enum run_state)s)))
				break;
		if (s > RUN_CANCELED)
			continue;
		snprintf(r.id, sizeof(r.id), "%s", id);
		r.state = (enum run_state)s;
		end = json_get_str(o, "end");
		if (end)
			parse_utc(end, &r.end);
		if (json_object_object_get_ex(o, "duration", &v))
			r.duration = (uint64_t)json_object_get_int64(v);
		snprintf(r.reason, sizeof(r.reason), "%s",
			 reason ? reason : "");
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
			close_interrupted(a, &r, written);
		else if (load_seen(&r, o) < 0)
			assess_record_seen(a, &r);
		*assess_new_slot(a) = r;
	}
	return 0;
}
