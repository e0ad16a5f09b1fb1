// SPDX-License-Identifier: GPL-2.0-or-later
/* The control socket's requests, answered from vigild's state (vigil.h). */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/caps.h"
#include "lib/duration.h"
#include "lib/log.h"
#include "lib/tag.h"
#include "daemon/replies.h"
#include "daemon/vigil.h"

typedef json_object *(*command_fn)(struct vigil *v, json_object *req,
				   const struct control_peer *peer,
				   struct control_stream *stream);

/* Longest reason an acceptance may give. */
#define ACCEPT_REASON_MAX 1000

static json_object *ok_reply(void)
{
	json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

/* A string member of the request, NULL if absent; *bad if mistyped. */
static const char *opt_str(json_object *req, const char *key, int *bad)
{
	json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

static json_object *cmd_status(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	json_object *o = ok_reply(), *f, *c, *misc;
	const struct run *cur = assess_current(v->assess);
	const struct run *last = assess_last_completed(v->assess);
	unsigned int n[4] = { 0 };
	struct sbuf caps;
	size_t i;

	if (!o)
		return NULL;
	json_object_object_add(o, "version", json_object_new_string(VERSION));
	json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(o, "uptime",
			       json_object_new_int64(time(NULL) - v->started));
	json_object_object_add(o, "config",
			       json_object_new_string(v->cfg->source));
	sbuf_init(&caps);
	caps_describe(&caps);
	json_object_object_add(o, "capabilities",
			       json_object_new_string(sbuf_str(&caps)));
	sbuf_free(&caps);
	json_object_object_add(o, "run", cur ? run_to_json(cur) : NULL);
	json_object_object_add(o, "last_completed_run",
			       last ? json_object_new_string(last->id) : NULL);
	for (i = 0; i < findings_count(v->findings); i++) {
		enum vigil_severity s = findings_at(v->findings, i)->rule->severity;

		n[s == SEV_HIGH ? 0 : s == SEV_MEDIUM ? 1 : s == SEV_LOW ? 2 : 3]++;
	}
	f = json_object_new_object();
	json_object_object_add(f, "total",
			       json_object_new_int64((int64_t)findings_count(v->findings)));
	json_object_object_add(f, "High", json_object_new_int((int)n[0]));
	json_object_object_add(f, "Medium", json_object_new_int((int)n[1]));
	json_object_object_add(f, "Low", json_object_new_int((int)n[2]));
	json_object_object_add(f, "Informational",
			       json_object_new_int((int)n[3]));
	/* who lost findings to a full store: {"65534": {...}} */
	json_object_object_add(f, "by_cause",
			       findings_evict_stats(v->findings));
	json_object_object_add(o, "findings", f);
	/* what this run cannot assess now, and why */
	if (cur) {
		struct run_observed ob;
		uint32_t rules;

		assess_observe_current(v->assess, &ob, &rules);
		json_object_object_add(o, "coverage",
				       vigil_coverage_json(ob.limits));
	}
	c = engine_counters_json(v->engine);
	if (c) {
		misc = json_object_new_object();
		json_object_object_add(misc, "state_writes",
			json_object_new_int64((int64_t)state_writes(v->state)));
		json_object_object_add(misc, "findings_emitted",
			json_object_new_int64((int64_t)output_emitted(v->output)));
		json_object_object_add(misc, "lines_trimmed",
			json_object_new_int64((int64_t)output_trimmed(v->output)));
		json_object_object_add(misc, "lines_failed",
			json_object_new_int64((int64_t)output_failed(v->output)));
		json_object_object_add(misc, "control_refused",
			json_object_new_int64((int64_t)control_refused(v->control)));
		json_object_object_add(misc, "control_busy",
			json_object_new_int64((int64_t)control_busy(v->control)));
		json_object_object_add(misc, "findings_evicted",
			json_object_new_int64(
				(int64_t)findings_evicted(v->findings)));
		json_object_object_add(misc, "findings_dropped",
			json_object_new_int64(
				(int64_t)findings_dropped(v->findings)));
		json_object_object_add(misc, "longest_turn_ms",
			json_object_new_int64(
				(int64_t)loop_longest_turn_ms(v->loop)));
		json_object_object_add(misc, "reloads",
			json_object_new_int64((int64_t)*v->reloads));
		json_object_object_add(c, "vigild", misc);
	}
	json_object_object_add(o, "counters", c);
	return o;
}

static json_object *cmd_findings(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	int bad = 0;
	const char *rule = opt_str(req, "rule", &bad);
	const char *sev = opt_str(req, "severity", &bad);
	const char *since = opt_str(req, "since", &bad);
	const char *until = opt_str(req, "until", &bad);
	struct findings_filter flt = {
		.program = opt_str(req, "program", &bad),
		.container = opt_str(req, "container", &bad),
	};

	if (bad)
		return control_error("rule, severity, since, until, program and container must be strings");
	if (rule && !(flt.rule = rule_meta_by_name(rule)))
		return control_error("unknown rule '%s'", rule);
	if (sev && severity_parse(sev, &flt.severity) < 0)
		return control_error("unknown severity '%s' (High, Medium, Low, Informational)",
				     sev);
	flt.by_severity = sev != NULL;
	if ((since && acceptance_parse_until(since, &flt.since) < 0) ||
	    (until && acceptance_parse_until(until, &flt.until) < 0))
		return control_error("since and until are dates: 2027-03-01 or 2027-03-01T12:00:00Z");
	if (flt.program && (!*flt.program || strlen(flt.program) > 4096))
		return control_error("program must be 1 to 4096 bytes");
	if (flt.container && (!*flt.container || strlen(flt.container) > 255))
		return control_error("container must be 1 to 255 bytes");
	/* streamed: made piece by piece as the peer reads */
	if (reply_findings(v, &flt, stream) < 0)
		return control_error("out of memory");
	return NULL;
}

static json_object *cmd_runs(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	json_object *o = ok_reply();

	if (o)
		json_object_object_add(o, "runs", assess_to_json(v->assess, false));
	return o;
}

static json_object *cmd_run_start(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	int bad = 0;
	const char *d = opt_str(req, "duration", &bad);
	const struct run *cur = assess_current(v->assess);
	json_object *o, *restart;
	uint64_t sec = 0;

	if (bad)
		return control_error("duration must be a string");
	if (d && (duration_parse(d, &sec) < 0 || sec < 10 || sec > 86400))
		return control_error("duration '%s' must be between 10s and 24h",
				     d);
	/* Never lose a collecting run by accident. */
	if (cur && !(json_object_object_get_ex(req, "restart", &restart) &&
		     json_object_get_boolean(restart)))
		return control_error("run %s is collecting; stop it first, or start with --restart to cancel it",
				     cur->id);
	if (assess_start(v->assess, sec) < 0)
		return control_error("cannot start a run: %s", strerror(errno));
	o = ok_reply();
	if (o)
		json_object_object_add(o, "run",
				       run_to_json(assess_current(v->assess)));
	return o;
}

static json_object *cmd_run_stop(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	const struct run *last;
	json_object *o;

	if (assess_stop(v->assess, "stopped by vigilctl") < 0)
		return control_error("no run is collecting");
	last = assess_at(v->assess, assess_count(v->assess) - 1);
	o = ok_reply();
	if (o)
		json_object_object_add(o, "run", run_to_json(last));
	return o;
}

static json_object *cmd_save(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	if (state_flush(v->state) < 0)
		return control_error("writing %s failed; see the log",
				     v->cfg->state_file);
	return ok_reply();
}

/* An audit daemon is about to start: vigild lets go of the registration. */
static json_object *cmd_audit_yield(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	engine_publish(v->engine, EV_AUDIT_YIELD, NULL);
	return ok_reply();
}

/*
 * The one finding whose id starts with prefix, or NULL with *err set to
 * the error reply.
 */
static const struct finding *finding_by_prefix(struct vigil *v,
					       const char *prefix,
					       json_object **err)
{
	const struct finding *found = NULL;
	size_t i, len = strlen(prefix), matches = 0;

	*err = NULL;
	if (!len || len > FINDING_ID_LEN ||
	    strspn(prefix, "0123456789abcdef") != len) {
		*err = control_error("'%.64s' is not a finding id (16 hex digits, or the start of one)",
				     prefix);
		return NULL;
	}
	for (i = 0; i < findings_count(v->findings); i++) {
		const struct finding *f = findings_at(v->findings, i);

		if (strncmp(f->id, prefix, len))
			continue;
		found = f;
		matches++;
	}
	if (matches != 1) {
		*err = control_error("%s finding has an id starting with '%s'",
				     matches ? "more than one" : "no", prefix);
		return NULL;
	}
	return found;
}

static json_object *cmd_accept(struct vigil *v, json_object *req,
			       const struct control_peer *peer,
				struct control_stream *stream)
{
	int bad = 0;
	const char *id = opt_str(req, "id", &bad);
	const char *reason = opt_str(req, "reason", &bad);
	const char *until = opt_str(req, "until", &bad);
	int64_t now = (int64_t)time(NULL), t = 0;
	const struct finding *f;
	json_object *o, *err;
	char by[64], fid[FINDING_ID_LEN + 1];
	int r;

	if (bad || !id || !reason)
		return control_error("findings-accept needs \"id\" and \"reason\" strings");
	if (!*reason || strlen(reason) > ACCEPT_REASON_MAX)
		return control_error("the reason must be 1 to %d bytes",
				     ACCEPT_REASON_MAX);
	if (until && acceptance_parse_until(until, &t) < 0)
		return control_error("until '%.64s' is not a date (2027-03-01 or 2027-03-01T12:00:00Z)",
				     until);
	if (t && t <= now)
		return control_error("until %.64s has already passed", until);
	f = finding_by_prefix(v, id, &err);
	if (!f)
		return err;
	memcpy(fid, f->id, sizeof(fid));
	snprintf(by, sizeof(by), "vigilctl (uid %u)", (unsigned int)peer->uid);
	r = findings_accept(v->findings, fid, reason, t, by, now);
	if (r < 0)
		return control_error("cannot accept %s: %s", fid, strerror(-r));
	expiry_check(v->expiry);
	log_notice("finding %s (%s) accepted by %s%s%s: %s", fid,
		   findings_get(v->findings, fid)->rule->id, by,
		   until ? " until " : "", until ? until : "",
		   findings_get(v->findings, fid)->accepted->reason);
	o = ok_reply();
	if (o)
		json_object_object_add(o, "finding", finding_to_json(
				findings_get(v->findings, fid)));
	return o;
}

/* {"id", "key", "value"}: set a tag of one finding; no value: take it. */
static json_object *cmd_tag(struct vigil *v, json_object *req,
			    const struct control_peer *peer,
			    struct control_stream *stream)
{
	int bad = 0;
	const char *id = opt_str(req, "id", &bad);
	const char *key = opt_str(req, "key", &bad);
	const char *value = opt_str(req, "value", &bad);
	const struct finding *f;
	json_object *o, *err;
	char fid[FINDING_ID_LEN + 1];
	int r;

	(void)stream;
	if (bad || !id || !key)
		return control_error("findings-tag needs \"id\" and \"key\" strings");
	f = finding_by_prefix(v, id, &err);
	if (!f)
		return err;
	memcpy(fid, f->id, sizeof(fid));
	r = findings_tag(v->findings, fid, key, value);
	if (r == -EINVAL)
		return control_error("a tag's key is a letter, then at most %d letters, digits, '-' or '_'; its value at most %d bytes of text with no control character or backslash",
				     TAG_KEY_MAX - 1, TAG_VALUE_MAX);
	if (r == -E2BIG)
		return control_error("finding %s has %d tags already", fid,
				     TAG_MAX);
	if (r == -ENOENT)
		return control_error("finding %s has no tag '%.32s'", fid, key);
	if (r < 0)
		return control_error("cannot tag %s: %s", fid, strerror(-r));
	log_info("finding %s: tag %s %s by vigilctl (uid %u)", fid, key,
		 value ? "set" : "taken away", (unsigned int)peer->uid);
	o = ok_reply();
	if (o)
		json_object_object_add(o, "finding", finding_to_json(
				findings_get(v->findings, fid)));
	return o;
}

static json_object *cmd_unaccept(struct vigil *v, json_object *req,
				 const struct control_peer *peer,
				struct control_stream *stream)
{
	int bad = 0;
	const char *id = opt_str(req, "id", &bad);
	const struct finding *f;
	json_object *o, *err;
	char fid[FINDING_ID_LEN + 1];
	int r;

	if (bad || !id)
		return control_error("findings-unaccept needs an \"id\" string");
	f = finding_by_prefix(v, id, &err);
	if (!f)
		return err;
	memcpy(fid, f->id, sizeof(fid));
	r = findings_unaccept(v->findings, fid, (int64_t)time(NULL));
	if (r == -EALREADY)
		return control_error("finding %s was not accepted with vigilctl",
				     fid);
	if (r < 0)
		return control_error("cannot take back %s: %s", fid,
				     strerror(-r));
	expiry_check(v->expiry);
	log_notice("finding %s: acceptance taken back by vigilctl (uid %u)",
		   fid, (unsigned int)peer->uid);
	o = ok_reply();
	if (o)
		json_object_object_add(o, "finding", finding_to_json(
				findings_get(v->findings, fid)));
	return o;
}

/* The report of one run: the last completed one unless "run" names it. */
static json_object *cmd_report(struct vigil *v, json_object *req,
			       const struct control_peer *peer,
				struct control_stream *stream)
{
	int bad = 0;
	const char *id = opt_str(req, "run", &bad);
	const struct run *r;

	if (bad)
		return control_error("run must be a string");
	if (id) {
		r = assess_find(v->assess, id);
		if (!r)
			return control_error("no run '%.64s' is kept (see vigilctl runs)",
					     id);
	} else {
		r = assess_last_completed(v->assess);
		if (!r)
			return control_error("no run has completed yet; name one (vigilctl runs) or wait for the current one to end");
	}
	reply_report(v, r, stream);
	return NULL;
}

static const struct {
	const char *name;
	command_fn fn;
	int writes;	/* changes something: root only */
} commands[] = {
	{ "status", cmd_status, 0 },
	{ "findings", cmd_findings, 0 },
	{ "runs", cmd_runs, 0 },
	{ "report", cmd_report, 0 },
	{ "findings-accept", cmd_accept, 1 },
	{ "findings-unaccept", cmd_unaccept, 1 },
	{ "findings-tag", cmd_tag, 1 },
	{ "run-start", cmd_run_start, 1 },
	{ "run-stop", cmd_run_stop, 1 },
	{ "save", cmd_save, 1 },
	{ "audit-yield", cmd_audit_yield, 1 },
};

json_object *commands_handle(void *data, json_object *req,
			     const struct control_peer *peer,
			     struct control_stream *stream)
{
	int bad = 0;
	const char *cmd = opt_str(req, "cmd", &bad);
	size_t i;

	if (!cmd)
		return control_error("request has no \"cmd\" string");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name))
			continue;
		if (commands[i].writes && !peer->may_write)
			return control_error("permission denied: '%s' needs root",
					     cmd);
		return commands[i].fn(data, req, peer, stream);
	}
	return control_error("unknown command '%.64s'", cmd);
}
