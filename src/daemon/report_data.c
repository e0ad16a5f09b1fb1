// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The document a run's report is drawn from (vigilctl renders it as
 * text, HTML or JSON): the host, the run and what it looked at, every
 * rule, and each finding seen in the run with its sightings there (made
 * one by one, as the reply streams: control/replies.c).
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jsonutil.h"
#include "daemon/vigil.h"

/* A finding as the report shows it: the store's view and the run's. */
json_object *vigil_report_finding(struct vigil *v,
				  const struct run_finding *e)
{
	char t[32], id[FINDING_ID_LEN + 1];
	const struct finding *f;
	json_object *o, *in;

	run_finding_id(e, id);
	f = findings_get(v->findings, id);

	if (f) {
		o = finding_to_json(f);
	} else {
		/* given up for newer ones since: the run still names it */
		const struct rule_meta *m = rule_meta(e->rule);

		o = json_object_new_object();
		if (o && (json_add_str(o, "id", id) ||
			  json_add_str(o, "rule", m->id) ||
			  json_add_str(o, "title", m->title) ||
			  json_add_str(o, "severity",
				       severity_name(m->severity)) ||
			  json_add_str(o, "recommendation",
				       m->recommendation)))
			goto err;
		if (o)
			json_object_object_add(o, "no_longer_kept",
					       json_object_new_boolean(1));
	}
	in = json_object_new_object();
	if (!o || !in)
		goto err;
	json_object_object_add(o, "in_run", in);
	json_object_object_add(in, "accepted",
			       json_object_new_boolean(e->accepted));
	if (e->count) {
		json_object_object_add(in, "count",
				json_object_new_int64((int64_t)e->count));
		format_utc(e->first, t, sizeof(t));
		json_add_str(in, "first_seen", t);
		format_utc(e->last, t, sizeof(t));
		json_add_str(in, "last_seen", t);
	}
	return o;
err:
	json_object_put(o);
	return NULL;
}

json_object *vigil_coverage_json(uint64_t limits)
{
	json_object *arr = json_object_new_array(), *o;
	unsigned int i;

	for (i = 0; arr && i < RUN_LIMIT_COUNT; i++) {
		if (!(limits & (1ull << i)))
			continue;
		o = json_object_new_object();
		if (!o)
			break;
		json_add_str(o, "limit", run_limit_name(i));
		json_add_str(o, "what", run_limit_text(i));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *rules_json(const uint32_t enabled,
			       const unsigned int *found,
			       const unsigned int *accepted)
{
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; arr && i < RULE_COUNT; i++) {
		const struct rule_meta *m = rule_meta((enum rule_id)i);
		json_object *o = json_object_new_object();

		if (!o || json_object_array_add(arr, o) < 0) {
			json_object_put(o);
			json_object_put(arr);
			return NULL;
		}
		json_add_str(o, "id", m->id);
		json_add_str(o, "title", m->title);
		json_add_str(o, "severity", severity_name(m->severity));
		json_object_object_add(o, "enabled", json_object_new_boolean(
					enabled & (1u << i)));
		json_object_object_add(o, "findings",
				       json_object_new_int((int)found[i]));
		json_object_object_add(o, "accepted",
				       json_object_new_int((int)accepted[i]));
		json_add_str(o, "description", m->description);
		json_add_str(o, "recommendation", m->recommendation);
	}
	return arr;
}

json_object *vigil_report_head(struct vigil *v, const struct run *r,
			       struct run_finding **seen_out, size_t *n_out)
{
	unsigned int found[RULE_COUNT] = { 0 }, acc[RULE_COUNT] = { 0 };
	json_object *doc = json_object_new_object(), *run, *ob, *p;
	struct run_finding *live = NULL, *copy;
	const struct run_finding *seen = r->seen;
	struct run_observed o = r->observed;
	uint32_t enabled = r->rules;
	size_t i, n = r->nseen;
	char t[32];
	int k;

	*seen_out = NULL;
	*n_out = 0;
	if (!doc)
		return NULL;
	if (r->state == RUN_COLLECTING || r->state == RUN_EVALUATING) {
		/* no record yet: what the store knows of it */
		live = assess_gather_seen(v->assess, r, &n);
		if (!live)
			goto err;
		seen = live;
		assess_observe_current(v->assess, &o, &enabled);
	} else if (!r->observed_known) {
		/* recorded by an older vigil: the rules enabled now */
		enabled = 0;
		for (k = 0; k < RULE_COUNT; k++)
			if (v->cfg->rules[k].enabled)
				enabled |= 1u << k;
	}
	format_utc((int64_t)time(NULL), t, sizeof(t));
	json_add_str(doc, "report", "run");
	json_object_object_add(doc, "format_version", json_object_new_int(1));
	json_add_str(doc, "generated", t);
	json_object_object_add(doc, "host", json_object_get(v->host));
	p = json_object_new_object();
	json_object_object_add(doc, "product", p);
	json_add_str(p, "name", "vigil");
	json_add_str(p, "version", VERSION);
	run = run_to_json(r);
	if (!run)
		goto err;
	json_object_object_del(run, "observed");
	json_object_object_del(run, "rules");
	json_object_object_add(doc, "run", run);
	if (r->seen_dropped)
		json_object_object_add(doc, "findings_dropped",
				       json_object_new_boolean(1));
	ob = json_object_new_object();
	json_object_object_add(doc, "observed", ob);
	json_object_object_add(ob, "known", json_object_new_boolean(
		r->observed_known || live));
#define ADD(f) json_object_object_add(ob, #f, \
		json_object_new_int64((int64_t)o.f));
	ADD(flows) ADD(listeners) ADD(processes) ADD(execs)
	ADD(binaries_judged) ADD(binaries_packaged) ADD(root_checks)
	ADD(events_lost)
#undef ADD
	if (r->observed_known || live)
		json_object_object_add(doc, "coverage",
				       vigil_coverage_json(o.limits));
	for (i = 0; i < n; i++) {
		found[seen[i].rule]++;
		acc[seen[i].rule] += seen[i].accepted;
	}
	json_object_object_add(doc, "rules", rules_json(enabled, found, acc));
	/* the findings are made one by one: a run stays its own */
	if (live) {
		copy = live;
		live = NULL;
	} else {
		copy = malloc((n ? n : 1) * sizeof(*copy));
		if (!copy)
			goto err;
		if (n)
			memcpy(copy, seen, n * sizeof(*copy));
	}
	*seen_out = copy;
	*n_out = n;
	return doc;
err:
	free(live);
	json_object_put(doc);
	return NULL;
}
