// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs in their JSON form (assess.h): for the state file, the control
 * socket and reports.  Back from a state file: run_load.c.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/printbuf.h>

#include "findings/assess_priv.h"
#include "lib/jsonutil.h"

/* A run's record, copied for its text (seen_text()). */
struct seen_copy {
	size_t n;
	struct run_finding e[];
};

static int put(struct printbuf *pb, const char *s)
{
	return printbuf_memappend(pb, s, (int)strlen(s)) < 0 ? -1 : 0;
}

/*
 * The record as JSON text, written straight from its entries: a store's
 * twenty thousand entries never become json-c objects when the state
 * file is written.  Compact, as the findings' attributes are.
 */
static int seen_text(json_object *jso, struct printbuf *pb, int level,
		     int flags)
{
	const struct seen_copy *c = json_object_get_userdata(jso);
	char num[24], t[32], id[FINDING_ID_LEN + 1];
	size_t i;

	(void)level;
	(void)flags;
	if (put(pb, "[") < 0)
		return -1;
	for (i = 0; i < c->n; i++) {
		const struct run_finding *e = &c->e[i];

		run_finding_id(e, id);
		if (put(pb, i ? ",{\"id\":\"" : "{\"id\":\"") < 0 ||
		    put(pb, id) < 0 || put(pb, "\",\"rule\":\"") < 0 ||
		    put(pb, rule_meta(e->rule)->id) < 0 || put(pb, "\"") < 0)
			return -1;
		if (e->count) {
			snprintf(num, sizeof(num), "%lu",
				 (unsigned long)e->count);
			format_utc(e->first, t, sizeof(t));
			if (put(pb, ",\"count\":") < 0 || put(pb, num) < 0 ||
			    put(pb, ",\"first_seen\":\"") < 0 ||
			    put(pb, t) < 0)
				return -1;
			format_utc(e->last, t, sizeof(t));
			if (put(pb, "\",\"last_seen\":\"") < 0 ||
			    put(pb, t) < 0 || put(pb, "\"") < 0)
				return -1;
		}
		if (e->accepted && put(pb, ",\"accepted\":true") < 0)
			return -1;
		if (put(pb, "}") < 0)
			return -1;
	}
	return put(pb, "]");
}

static void seen_copy_free(json_object *jso, void *userdata)
{
	(void)jso;
	free(userdata);
}

/*
 * "findings": an array that is empty to json-c and writes r's record
 * as its text (a copy of it: the document may outlive the run's slot).
 */
static int add_seen_json(json_object *o, const struct run *r)
{
	json_object *arr = json_object_new_array();
	struct seen_copy *c;

	if (!arr)
		return -1;
	json_object_object_add(o, "findings", arr);
	c = malloc(sizeof(*c) + r->nseen * sizeof(c->e[0]));
	if (!c)
		return -1;
	c->n = r->nseen;
	if (r->nseen)
		memcpy(c->e, r->seen, r->nseen * sizeof(c->e[0]));
	json_object_set_serializer(arr, seen_text, c, seen_copy_free);
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
