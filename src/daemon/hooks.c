// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the store, the runs and the sources tell vigild, and what it
 * does then: findings and runs go out as lines, changes mark the state
 * file dirty, open findings are repeated on a timer, and each run
 * records what the sources counted and could not see.
 */
#include "build.h"

#include <time.h>

#include "daemon/sdstatus.h"
#include "daemon/vigil.h"
#include "lib/host.h"

void vigil_notify(struct vigil *v, const char *what)
{
	if (v->sd)
		sdstatus_notify(v->sd, what);
}

json_object *vigil_state_dump(void *data)
{
	struct vigil *v = data;
	json_object *doc = json_object_new_object(), *f, *r;
	char t[32];

	f = findings_to_json(v->findings);
	r = assess_to_json(v->assess, true);
	if (!doc || !f || !r || findings_append_kept(v->findings, f) < 0) {
		json_object_put(doc);
		json_object_put(f);
		json_object_put(r);
		return NULL;
	}
	format_utc((int64_t)time(NULL), t, sizeof(t));
	json_object_object_add(doc, "version", json_object_new_int(STATE_VERSION));
	json_object_object_add(doc, "generator",
			       json_object_new_string("vigild " VERSION));
	json_object_object_add(doc, "written", json_object_new_string(t));
	json_object_object_add(doc, "host", json_object_get(v->host));
	json_object_object_add(doc, "findings", f);
	json_object_object_add(doc, "runs", r);
	return doc;
}

static void on_finding_event(void *data, const struct finding *f,
			     enum finding_event ev)
{
	struct vigil *v = data;

	output_finding(v->output, f, ev);
}

/*
 * What every finding says of this host: its name, machine-id and
 * addresses, and the admin's tags (config "tags"), or NULL on ENOMEM.
 */
json_object *vigil_host_new(const struct vigil_config *cfg)
{
	json_object *h = host_info_new(), *t;
	size_t i;

	if (!h || !cfg->ntags)
		return h;
	t = json_object_new_object();
	if (!t) {
		json_object_put(h);
		return NULL;
	}
	for (i = 0; i < cfg->ntags; i++)
		json_object_object_add(t, cfg->tags[i].key,
			json_object_new_string(cfg->tags[i].value));
	json_object_object_add(h, "tags", t);
	return h;
}

void vigil_on_run(void *data, const struct run *r)
{
	struct vigil *v = data;

	output_run(v->output, r);
}

static void on_finding_change(void *data, const struct finding *f,
			      bool counts_only)
{
	struct vigil *v = data;

	(void)f;
	if (counts_only)
		state_dirty_later(v->state);
	else
		state_dirty(v->state);
}

const struct findings_ops vigil_finding_ops = {
	.on_event = on_finding_event,
	.on_change = on_finding_change,
};

void vigil_on_runs_changed(void *data)
{
	struct vigil *v = data;

	state_dirty(v->state);
}

/* Repeat findings seen in the current or the last completed run. */
void vigil_on_remind(struct loop *loop, struct loop_timer *t,
		     void *data)
{
	struct vigil *v = data;
	const struct run *cur = assess_current(v->assess);
	const struct run *last = assess_last_completed(v->assess);
	size_t i;

	for (i = 0; i < findings_count(v->findings); i++) {
		const struct finding *f = findings_at(v->findings, i);

		if (f->status != FINDING_OPEN || f->quiet)
			continue;
		if ((cur && finding_seen_in(f, cur->id)) ||
		    (last && finding_seen_in(f, last->id)))
			output_finding(v->output, f, FEV_REMIND);
	}
}

static uint64_t counter_value(struct engine *e, const char *src,
			      const char *name)
{
	uint64_t *c = engine_counter(e, src, name);

	return c ? *c : 0;
}

/* What runs record of the sources (assess_observe_fn). */
void vigil_observe(void *data, struct run_observed *o,
		   uint32_t *rules)
{
	static const char *const lost[][2] = {
		{ "audit", "kernel_lost" }, { "audit", "socket_overruns" },
		{ "connector", "socket_overruns" },
		{ "conntrack", "enobufs" }, { "addr", "socket_overruns" },
		{ "owner", "intents_lost" }, { "listen", "dropped" },
		{ "unused-ports", "dropped" }, { "proc", "table_full" },
		{ "payload", "overruns" },
	};
	struct vigil *v = data;
	struct engine *e = v->engine;
	size_t i;
	int r;

#define VAL(src, name) counter_value(e, src, name)
	o->flows = VAL("conntrack", "new") + VAL("conntrack", "dumped");
	o->listeners = VAL("listen", "listeners");
	o->processes = VAL("proc", "processes");
	o->execs = VAL("audit", "execs") + VAL("connector", "execs");
	o->binaries_judged = VAL("binaries", "checked");
	o->binaries_packaged = VAL("binaries", "packaged");
	o->root_checks = VAL("root-perms", "checks");
	o->events_lost = 0;
	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		o->events_lost += VAL(lost[i][0], lost[i][1]);
	/* what could not be assessed now, and why */
	o->limits = 0;
	if (v->cfg->audit_mode == AUDIT_MODE_OFF)
		o->limits |= RUN_LIMIT_AUDIT_OFF;
	else if (VAL("audit", "unavailable"))
		o->limits |= RUN_LIMIT_AUDIT_UNAVAILABLE;
	else if (!VAL("audit", "rules_active"))
		o->limits |= RUN_LIMIT_AUDIT_CONNECTOR;
	if (VAL("conntrack", "unavailable"))
		o->limits |= RUN_LIMIT_CT_UNAVAILABLE;
	else if (VAL("conntrack", "table_absent"))
		o->limits |= RUN_LIMIT_CT_TABLE_MISSING;
	if (!v->cfg->tracepoints)
		o->limits |= RUN_LIMIT_TRACEPOINTS_OFF;
	else if (!model_connect_trace(v->model))
		o->limits |= RUN_LIMIT_TRACEPOINTS_UNAVAILABLE;
	if (!v->cfg->payload)
		o->limits |= RUN_LIMIT_PAYLOAD_OFF;
	else if (!VAL("payload", "active") || VAL("payload", "silent"))
		o->limits |= RUN_LIMIT_PAYLOAD_UNAVAILABLE;
#undef VAL
	*rules = 0;
	for (r = 0; r < RULE_COUNT; r++)
		if (engine_rule_enabled(e, (enum rule_id)r))
			*rules |= 1u << r;
}

void vigil_arm_remind(struct vigil *v)
{
	uint64_t ms = v->cfg->syslog_remind * 1000;

	loop_timer_arm(v->remind, ms, ms);
}
