// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs in their JSON form (assess.h): for the state file, the control
 * socket and reports.  Back from a state file: run_load.c.
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
	RUN_OBSERVED(ADD)
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
