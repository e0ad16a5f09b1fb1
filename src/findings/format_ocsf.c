// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OCSF events, one per line (LINE_OCSF_VERSION of the schema).  Each
 * rule maps to the finding class that fits it (README, "OCSF"):
 *   insecure client and server protocols  Detection Finding (2004):
 *       behaviour seen on the wire, with the process and peer as evidence
 *   unused listening ports                Compliance Finding (2003):
 *       a hardening check that fails (passes once resolved)
 *   software without DEP / stack cookies  Vulnerability Finding (2002):
 *       a weakness of a binary, CWE-693 (protection mechanism failure)
 *   root process with insecure permissions  Vulnerability Finding,
 *       CWE-732 (incorrect permission assignment for critical resource)
 * Runs are Scan Activity (6007).  What has no OCSF attribute is kept,
 * whole, under unmapped.vigil.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/line.h"
#include "findings/ocsf_priv.h"
#include "lib/jsonutil.h"

enum { CLS_VULN = 2002, CLS_COMPLIANCE = 2003, CLS_DETECTION = 2004,
       CLS_SCAN = 6007 };

static int cls_of(enum rule_id r)
{
	switch (r) {
	case RULE_CLIENT_LOGIN:
	case RULE_CLIENT_GENERAL:
	case RULE_SERVER_PROTOCOLS:
		return CLS_DETECTION;
	case RULE_UNUSED_PORTS:
		return CLS_COMPLIANCE;
	default:
		return CLS_VULN;
	}
}

static const char *cls_name(int cls)
{
	switch (cls) {
	case CLS_VULN:
		return "Vulnerability Finding";
	case CLS_COMPLIANCE:
		return "Compliance Finding";
	case CLS_DETECTION:
		return "Detection Finding";
	default:
		return "Scan Activity";
	}
}

static void classify(json_object *o, int cls, int activity,
		     const char *activity_name)
{
	char type[64];

	ocsf_int(o, "category_uid", cls / 1000);
	json_add_str(o, "category_name", cls / 1000 == 2 ? "Findings" :
		"Application Activity");
	ocsf_int(o, "class_uid", cls);
	json_add_str(o, "class_name", cls_name(cls));
	ocsf_int(o, "activity_id", activity);
	json_add_str(o, "activity_name", activity_name);
	ocsf_int(o, "type_uid", (int64_t)cls * 100 + activity);
	snprintf(type, sizeof(type), "%s: %s", cls_name(cls), activity_name);
	json_add_str(o, "type_name", type);
}

/* The admin's tags, as OCSF's key/value objects. */
static void add_tags(json_object *m, const struct line_event *e)
{
	json_object *tags, *t = line_tags(e);

	if (!t)
		return;
	tags = json_object_new_array();
	if (!tags) {
		json_object_put(t);
		return;
	}
	json_object_object_foreach(t, key, val) {
		json_object *kv = json_object_new_object();

		if (!kv || json_object_array_add(tags, kv) < 0) {
			json_object_put(kv);
			break;
		}
		json_add_str(kv, "name", key);
		json_add_str(kv, "value", json_object_get_string(val));
	}
	json_object_object_add(m, "tags", tags);
	json_object_put(t);
}

/* Returns the metadata object, for what only some events add to it. */
static json_object *add_metadata(json_object *o, const struct line_event *e,
				 const char *uid)
{
	json_object *m = ocsf_obj(o, "metadata"), *p;

	json_add_str(m, "version", LINE_OCSF_VERSION);
	json_add_str(m, "uid", uid);
	json_add_str(m, "log_name", "vigild");
	p = ocsf_obj(m, "product");
	json_add_str(p, "name", "vigil");
	json_add_str(p, "vendor_name", "vigil");
	json_add_str(p, "version", VERSION);
	if (e->f)
		json_add_str(m, "correlation_uid",
			     finding_fingerprint(e->f).s);
	if (e->trimmed)
		json_object_object_add(m, "is_truncated",
				       json_object_new_boolean(1));
	add_tags(m, e);
	return m;
}

/* Severity: Informational 1, Low 2, Medium 3, High 4. */
static void add_severity(json_object *o, enum vigil_severity s)
{
	int id = s >= SEV_HIGH ? 4 : s >= SEV_MEDIUM ? 3 : s >= SEV_LOW ? 2 : 1;
	static const char *const names[] = { "", "Informational", "Low",
					     "Medium", "High" };

	ocsf_int(o, "severity_id", id);
	json_add_str(o, "severity", names[id]);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static json_object *file_obj(const char *path)
{
	json_object *f = json_object_new_object();

	json_add_str(f, "name", base_name(path));
	json_add_str(f, "path", path);
	ocsf_int(f, "type_id", 1);
	json_add_str(f, "type", "Regular File");
	return f;
}

/* The process behind a finding, if it is known. */
static json_object *process_obj(const struct line_event *e,
				const char *exe_key)
{
	const char *exe = ocsf_attr_str(e, exe_key), *comm = ocsf_attr_str(e, "comm");
	json_object *p;
	int64_t pid, uid;

	if (ocsf_attr_int(e, "pid", &pid) < 0)
		return NULL;
	p = json_object_new_object();
	ocsf_int(p, "pid", pid);
	if (comm)
		json_add_str(p, "name", comm);
	if (exe && strcmp(exe, "unknown"))
		json_object_object_add(p, "file", file_obj(exe));
	if (ocsf_attr_int(e, "uid", &uid) == 0) {
		json_object *u = ocsf_obj(p, "user");
		char num[24];

		snprintf(num, sizeof(num), "%lld", (long long)uid);
		json_add_str(u, "uid", num);
	}
	return p;
}

static void add_resource(json_object *o, const char *type, const char *name)
{
	json_object *arr = json_object_new_array(), *r;

	if (!name)
		return;
	r = json_object_new_object();
	json_add_str(r, "name", name);
	json_add_str(r, "type", type);
	json_object_array_add(arr, r);
	json_object_object_add(o, "resources", arr);
}

static void detection(json_object *o, const struct line_event *e)
{
	const struct finding *f = e->f;
	json_object *ev = json_object_new_object(), *arr, *ep, *ci;
	json_object *proc = process_obj(e, "program");
	const char *transport = ocsf_attr_str(e, "transport");
	int64_t port;
	char name[96];

	json_object_object_add(o, "is_alert", json_object_new_boolean(1));
	if (proc)
		json_object_object_add(ev, "process", proc);
	ep = ocsf_endpoint(e, f->rule->idx == RULE_SERVER_PROTOCOLS);
	if (ep)
		json_object_object_add(ev, "dst_endpoint", ep);
	ci = ocsf_obj(ev, "connection_info");
	ocsf_int(ci, "direction_id",
		f->rule->idx == RULE_SERVER_PROTOCOLS ? 1 : 2);
	json_add_str(ci, "direction", f->rule->idx == RULE_SERVER_PROTOCOLS ?
		"Inbound" : "Outbound");
	if (transport)
		json_add_str(ci, "protocol_name", transport);
	arr = json_object_new_array();
	json_object_array_add(arr, ev);
	json_object_object_add(o, "evidences", arr);
	if (f->rule->idx == RULE_SERVER_PROTOCOLS) {
		const char *proto = ocsf_attr_str(e, "protocol");

		snprintf(name, sizeof(name), "%s on %s/%lld",
			 proto ? proto : "?", transport ? transport : "?",
			 ocsf_attr_int(e, "port", &port) ? -1LL : (long long)port);
		add_resource(o, "Service", name);
	} else {
		add_resource(o, "Program", ocsf_attr_str(e, "program"));
	}
}

static void compliance(json_object *o, const struct line_event *e)
{
	const struct finding *f = e->f;
	json_object *c = ocsf_obj(o, "compliance"), *std;
	bool pass = f->status == FINDING_RESOLVED;
	int64_t port;
	char name[64];

	json_add_str(c, "control", f->rule->id);
	if (!e->terse)
		json_add_str(c, "desc", f->rule->description);
	std = json_object_new_array();
	json_object_array_add(std, json_object_new_string(
		"Amazon Inspector Classic Runtime Behavior Analysis"));
	json_object_object_add(c, "standards", std);
	ocsf_int(c, "status_id", pass ? 1 : 3);
	json_add_str(c, "status", pass ? "Pass" : "Fail");
	if (ocsf_attr_int(e, "port", &port) == 0) {
		snprintf(name, sizeof(name), "tcp/%lld", (long long)port);
		add_resource(o, "Listening port", name);
	}
}

static void vulnerability(json_object *o, const struct line_event *e)
{
	const struct finding *f = e->f;
	bool perms = f->rule->idx == RULE_ROOT_PERMS;
	json_object *arr = json_object_new_array();
	json_object *v = json_object_new_object(), *cwe, *rem;
	const char *path = ocsf_attr_str(e, perms ? "module" : "path");

	cwe = ocsf_obj(v, "cwe");
	json_add_str(cwe, "uid", perms ? "732" : "693");
	json_add_str(cwe, "caption", perms ?
		"Incorrect Permission Assignment for Critical Resource" :
		"Protection Mechanism Failure");
	json_add_str(cwe, "src_url", perms ?
		"https://cwe.mitre.org/data/definitions/732.html" :
		"https://cwe.mitre.org/data/definitions/693.html");
	json_add_str(v, "title", f->rule->title);
	json_add_str(v, "severity", severity_name(f->rule->severity));
	if (!e->terse) {
		json_add_str(v, "desc", f->rule->description);
		rem = ocsf_obj(v, "remediation");
		json_add_str(rem, "desc", f->rule->recommendation);
	}
	json_object_array_add(arr, v);
	json_object_object_add(o, "vulnerabilities", arr);
	add_resource(o, "File", path);
}

static void finding_event(json_object *o, const struct line_event *e)
{
	const struct finding *f = e->f;
	int cls = cls_of(f->rule->idx);
	bool resolved = e->fev == FEV_RESOLVED;
	bool accepted = e->fev == FEV_ACCEPTED && f->quiet;
	int activity = e->fev == FEV_NEW ? 1 : resolved ? 3 : 2;
	json_object *fi, *an, *types, *u, *rem;
	char uid[96];

	classify(o, cls, activity,
		 activity == 1 ? "Create" : activity == 3 ? "Close" : "Update");
	add_severity(o, f->rule->severity);
	ocsf_int(o, "status_id", resolved ? 4 : accepted ? 3 : 1);
	json_add_str(o, "status", resolved ? "Resolved" :
		     accepted ? "Suppressed" : "New");
	json_add_str(o, "message", f->rule->title);
	ocsf_int(o, "count", (int64_t)f->count);
	ocsf_int(o, "start_time", f->first_seen * 1000);
	ocsf_int(o, "end_time", f->last_seen * 1000);
	snprintf(uid, sizeof(uid), "%s-%s-%lld", f->id, e->event,
		 (long long)e->time_ms);
	add_metadata(o, e, uid);
	fi = ocsf_obj(o, "finding_info");
	json_add_str(fi, "uid", f->id);
	json_add_str(fi, "uid_alt", finding_fingerprint(f).s);
	json_add_str(fi, "title", f->rule->title);
	if (!e->terse)
		json_add_str(fi, "desc", f->rule->description);
	types = json_object_new_array();
	json_object_array_add(types, json_object_new_string(f->rule->id));
	json_object_object_add(fi, "types", types);
	ocsf_int(fi, "first_seen_time", f->first_seen * 1000);
	ocsf_int(fi, "last_seen_time", f->last_seen * 1000);
	ocsf_int(fi, "created_time", f->first_seen * 1000);
	ocsf_int(fi, "modified_time", f->last_seen * 1000);
	an = ocsf_obj(fi, "analytic");
	json_add_str(an, "uid", f->rule->id);
	json_add_str(an, "name", f->rule->title);
	ocsf_int(an, "type_id", 1);
	json_add_str(an, "type", "Rule");
	ocsf_device(o, e);
	if (cls == CLS_DETECTION)
		detection(o, e);
	else if (cls == CLS_COMPLIANCE)
		compliance(o, e);
	else
		vulnerability(o, e);
	if (cls != CLS_VULN && !e->terse) {
		rem = ocsf_obj(o, "remediation");
		json_add_str(rem, "desc", f->rule->recommendation);
	}
	/* an accepted finding is no alert (where the class has is_alert) */
	if (accepted && json_object_object_get_ex(o, "is_alert", NULL))
		json_object_object_add(o, "is_alert",
				       json_object_new_boolean(0));
	u = ocsf_obj(ocsf_obj(o, "unmapped"), "vigil");
	json_add_str(u, "event", e->event);
	json_add_str(u, "rule", f->rule->id);
	json_add_str(u, "status", finding_status_name(f->status));
	/* terse: status Suppressed says it; the state file has the rest */
	if (accepted && !e->terse)
		json_object_object_add(u, "acceptance",
				       line_acceptance_json(f, false));
	json_object_object_add(u, "attributes", json_object_get(e->attrs));
	if (e->trimmed)
		json_object_object_add(u, "trimmed",
				       json_object_get(e->trimmed));
}

static void run_event(json_object *o, const struct line_event *e)
{
	const struct run *r = e->run;
	int activity = r->state == RUN_COMPLETED ? 2 :
		       r->state == RUN_CANCELED ? 3 : 1;
	json_object *scan, *u, *c, *profiles;
	char uid[96], msg[160];

	classify(o, CLS_SCAN, activity, activity == 1 ? "Started" :
		 activity == 2 ? "Completed" : "Cancelled");
	add_severity(o, SEV_INFORMATIONAL);
	snprintf(uid, sizeof(uid), "%s-%s", r->id, e->event);
	profiles = json_object_new_array();
	json_object_array_add(profiles, json_object_new_string("host"));
	json_object_object_add(add_metadata(o, e, uid), "profiles", profiles);
	scan = ocsf_obj(o, "scan");
	json_add_str(scan, "uid", r->id);
	json_add_str(scan, "name", "vigil assessment run");
	ocsf_int(scan, "type_id", 99);
	json_add_str(scan, "type", "Assessment run");
	ocsf_int(o, "start_time", r->start * 1000);
	if (r->end) {
		ocsf_int(o, "end_time", r->end * 1000);
		ocsf_int(o, "duration", (r->end - r->start) * 1000);
	}
	if (activity == 1) {
		snprintf(msg, sizeof(msg), "run %s started", r->id);
	} else {
		ocsf_int(o, "num_detections",
			(int64_t)r->high + r->medium + r->low + r->info);
		snprintf(msg, sizeof(msg),
			 "run %s %s: %u high, %u medium, %u low, %u informational",
			 r->id, run_state_name(r->state), r->high, r->medium,
			 r->low, r->info);
		ocsf_int(o, "status_id", activity == 2 ? 1 : 2);
		json_add_str(o, "status", activity == 2 ? "Success" : "Failure");
		if (r->reason[0])
			json_add_str(o, "status_detail", r->reason);
	}
	json_add_str(o, "message", msg);
	ocsf_device(o, e);
	u = ocsf_obj(ocsf_obj(o, "unmapped"), "vigil");
	json_add_str(u, "event", e->event);
	ocsf_int(u, "duration_asked", (int64_t)r->duration);
	c = ocsf_obj(u, "counts");
	ocsf_int(c, "High", r->high);
	ocsf_int(c, "Medium", r->medium);
	ocsf_int(c, "Low", r->low);
	ocsf_int(c, "Informational", r->info);
	ocsf_int(u, "resolved", r->resolved);
}

void line_ocsf(struct sbuf *sb, const struct line_event *e)
{
	json_object *o = json_object_new_object();

	if (!o) {
		sb->failed = 1;
		return;
	}
	ocsf_int(o, "time", e->time_ms);
	if (e->run)
		run_event(o, e);
	else
		finding_event(o, e);
	json_dump(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		  sb);
	json_object_put(o);
}
