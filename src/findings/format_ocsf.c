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
#include "lib/jsonutil.h"

enum { CLS_VULN = 2002, CLS_COMPLIANCE = 2003, CLS_DETECTION = 2004,
       CLS_SCAN = 6007 };

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static json_object *obj(json_object *parent, const char *k)
{
	json_object *o = json_object_new_object();

	json_object_object_add(parent, k, o);
	return o;
}

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

	add_int(o, "category_uid", cls / 1000);
	json_add_str(o, "category_name", cls / 1000 == 2 ? "Findings" :
		"Application Activity");
	add_int(o, "class_uid", cls);
	json_add_str(o, "class_name", cls_name(cls));
	add_int(o, "activity_id", activity);
	json_add_str(o, "activity_name", activity_name);
	add_int(o, "type_uid", (int64_t)cls * 100 + activity);
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
	json_object *m = obj(o, "metadata"), *p;

	json_add_str(m, "version", LINE_OCSF_VERSION);
	json_add_str(m, "uid", uid);
	json_add_str(m, "log_name", "vigild");
	p = obj(m, "product");
	json_add_str(p, "name", "vigil");
	json_add_str(p, "vendor_name", "vigil");
	json_add_str(p, "version", VERSION);
	if (e->f)
		json_add_str(m, "correlation_uid", e->f->fingerprint);
	if (e->trimmed)
		json_object_object_add(m, "is_truncated",
				       json_object_new_boolean(1));
	add_tags(m, e);
	return m;
}

static const char *attr_str(const struct line_event *e, const char *k);

/*
 * Its pod, as labels (OCSF's pod_uuid wants a UUID, and podman's and
 * the CRI runtimes' sandbox ids are not); a Kubernetes namespace says
 * who orchestrates it.
 */
static void add_pod(json_object *c, const struct line_event *e)
{
	static const char *const keys[] = { "pod_name", "pod_namespace",
					    "pod_id" };
	json_object *labels = NULL;
	char *label;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!attr_str(e, keys[i]) ||
		    asprintf(&label, "%s=%s", keys[i],
			     attr_str(e, keys[i])) < 0)
			continue;
		if (!labels) {
			labels = json_object_new_array();
			json_object_object_add(c, "labels", labels);
		}
		json_object_array_add(labels, json_object_new_string(label));
		free(label);
	}
	if (attr_str(e, "pod_namespace"))
		json_add_str(c, "orchestrator", "Kubernetes");
}

/*
 * The container a finding happened in (the container profile, which
 * the device has as an endpoint): its id, name, runtime and image.
 * Returns whether there was one.
 */
static bool add_container(json_object *d, const struct line_event *e)
{
	const char *id = attr_str(e, "container_id");
	const char *img = attr_str(e, "container_image_id");
	json_object *c, *i;

	if (!id)
		return false;
	c = obj(d, "container");
	json_add_str(c, "uid", id);
	if (attr_str(e, "container_name"))
		json_add_str(c, "name", attr_str(e, "container_name"));
	if (attr_str(e, "container_runtime"))
		json_add_str(c, "runtime", attr_str(e, "container_runtime"));
	if (img) {
		i = obj(c, "image");
		json_add_str(i, "uid", img);
		if (attr_str(e, "container_image"))
			json_add_str(i, "name", attr_str(e, "container_image"));
	}
	add_pod(c, e);
	return true;
}

static void add_device(json_object *o, const struct line_event *e)
{
	json_object *d = obj(o, "device");

	if (e->host->hostname[0])
		json_add_str(d, "hostname", e->host->hostname);
	if (e->host->machine_id[0])
		json_add_str(d, "uid", e->host->machine_id);
	if (!e->host->hostname[0] && !e->host->machine_id[0])
		json_add_str(d, "name", "unknown");
	add_int(d, "type_id", 0);
	json_add_str(d, "type", "Unknown");
	if (e->f && add_container(d, e)) {
		json_object *m, *profiles;

		if (!json_object_object_get_ex(o, "metadata", &m))
			m = obj(o, "metadata");
		if (!json_object_object_get_ex(m, "profiles", &profiles)) {
			profiles = json_object_new_array();
			json_object_object_add(m, "profiles", profiles);
		}
		json_object_array_add(profiles,
				      json_object_new_string("container"));
	}
}

/* Severity: Informational 1, Low 2, Medium 3, High 4. */
static void add_severity(json_object *o, enum vigil_severity s)
{
	int id = s >= SEV_HIGH ? 4 : s >= SEV_MEDIUM ? 3 : s >= SEV_LOW ? 2 : 1;
	static const char *const names[] = { "", "Informational", "Low",
					     "Medium", "High" };

	add_int(o, "severity_id", id);
	json_add_str(o, "severity", names[id]);
}

static const char *attr_str(const struct line_event *e, const char *k)
{
	return json_get_str(e->attrs, k);
}

static int attr_int(const struct line_event *e, const char *k, int64_t *v)
{
	json_object *x;

	if (!json_object_object_get_ex(e->attrs, k, &x) ||
	    !json_object_is_type(x, json_type_int))
		return -1;
	*v = json_object_get_int64(x);
	return 0;
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
	add_int(f, "type_id", 1);
	json_add_str(f, "type", "Regular File");
	return f;
}

/* The process behind a finding, if it is known. */
static json_object *process_obj(const struct line_event *e,
				const char *exe_key)
{
	const char *exe = attr_str(e, exe_key), *comm = attr_str(e, "comm");
	json_object *p;
	int64_t pid, uid;

	if (attr_int(e, "pid", &pid) < 0)
		return NULL;
	p = json_object_new_object();
	add_int(p, "pid", pid);
	if (comm)
		json_add_str(p, "name", comm);
	if (exe && strcmp(exe, "unknown"))
		json_object_object_add(p, "file", file_obj(exe));
	if (attr_int(e, "uid", &uid) == 0) {
		json_object *u = obj(p, "user");
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
	const char *transport = attr_str(e, "transport");
	int64_t port;
	char name[96];

	json_object_object_add(o, "is_alert", json_object_new_boolean(1));
	if (proc)
		json_object_object_add(ev, "process", proc);
	ep = json_object_new_object();
	if (attr_int(e, f->rule->idx == RULE_SERVER_PROTOCOLS ? "port" :
		     "remote_port", &port) == 0)
		add_int(ep, "port", port);
	if (f->rule->idx == RULE_SERVER_PROTOCOLS)
		json_add_str(ep, "svc_name", attr_str(e, "protocol"));
	else
		json_add_str(ep, "name", attr_str(e, "remote"));
	/* OCSF wants a name or an address beside a bare port. */
	if (json_object_object_get_ex(ep, "name", NULL) ||
	    json_object_object_get_ex(ep, "svc_name", NULL))
		json_object_object_add(ev, "dst_endpoint", ep);
	else
		json_object_put(ep);
	ci = obj(ev, "connection_info");
	add_int(ci, "direction_id",
		f->rule->idx == RULE_SERVER_PROTOCOLS ? 1 : 2);
	json_add_str(ci, "direction", f->rule->idx == RULE_SERVER_PROTOCOLS ?
		"Inbound" : "Outbound");
	if (transport)
		json_add_str(ci, "protocol_name", transport);
	arr = json_object_new_array();
	json_object_array_add(arr, ev);
	json_object_object_add(o, "evidences", arr);
	if (f->rule->idx == RULE_SERVER_PROTOCOLS) {
		snprintf(name, sizeof(name), "%s on %s/%lld",
			 attr_str(e, "protocol") ? attr_str(e, "protocol") : "?",
			 transport ? transport : "?",
			 attr_int(e, "port", &port) ? -1LL : (long long)port);
		add_resource(o, "Service", name);
	} else {
		add_resource(o, "Program", attr_str(e, "program"));
	}
}

static void compliance(json_object *o, const struct line_event *e)
{
	const struct finding *f = e->f;
	json_object *c = obj(o, "compliance"), *std;
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
	add_int(c, "status_id", pass ? 1 : 3);
	json_add_str(c, "status", pass ? "Pass" : "Fail");
	if (attr_int(e, "port", &port) == 0) {
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
	const char *path = attr_str(e, perms ? "module" : "path");

	cwe = obj(v, "cwe");
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
		rem = obj(v, "remediation");
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
	add_int(o, "status_id", resolved ? 4 : accepted ? 3 : 1);
	json_add_str(o, "status", resolved ? "Resolved" :
		     accepted ? "Suppressed" : "New");
	json_add_str(o, "message", f->rule->title);
	add_int(o, "count", (int64_t)f->count);
	add_int(o, "start_time", f->first_seen * 1000);
	add_int(o, "end_time", f->last_seen * 1000);
	snprintf(uid, sizeof(uid), "%s-%s-%lld", f->id, e->event,
		 (long long)e->time_ms);
	add_metadata(o, e, uid);
	fi = obj(o, "finding_info");
	json_add_str(fi, "uid", f->id);
	json_add_str(fi, "uid_alt", f->fingerprint);
	json_add_str(fi, "title", f->rule->title);
	if (!e->terse)
		json_add_str(fi, "desc", f->rule->description);
	types = json_object_new_array();
	json_object_array_add(types, json_object_new_string(f->rule->id));
	json_object_object_add(fi, "types", types);
	add_int(fi, "first_seen_time", f->first_seen * 1000);
	add_int(fi, "last_seen_time", f->last_seen * 1000);
	add_int(fi, "created_time", f->first_seen * 1000);
	add_int(fi, "modified_time", f->last_seen * 1000);
	an = obj(fi, "analytic");
	json_add_str(an, "uid", f->rule->id);
	json_add_str(an, "name", f->rule->title);
	add_int(an, "type_id", 1);
	json_add_str(an, "type", "Rule");
	add_device(o, e);
	if (cls == CLS_DETECTION)
		detection(o, e);
	else if (cls == CLS_COMPLIANCE)
		compliance(o, e);
	else
		vulnerability(o, e);
	if (cls != CLS_VULN && !e->terse) {
		rem = obj(o, "remediation");
		json_add_str(rem, "desc", f->rule->recommendation);
	}
	/* an accepted finding is no alert (where the class has is_alert) */
	if (accepted && json_object_object_get_ex(o, "is_alert", NULL))
		json_object_object_add(o, "is_alert",
				       json_object_new_boolean(0));
	u = obj(obj(o, "unmapped"), "vigil");
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
	scan = obj(o, "scan");
	json_add_str(scan, "uid", r->id);
	json_add_str(scan, "name", "vigil assessment run");
	add_int(scan, "type_id", 99);
	json_add_str(scan, "type", "Assessment run");
	add_int(o, "start_time", r->start * 1000);
	if (r->end) {
		add_int(o, "end_time", r->end * 1000);
		add_int(o, "duration", (r->end - r->start) * 1000);
	}
	if (activity == 1) {
		snprintf(msg, sizeof(msg), "run %s started", r->id);
	} else {
		add_int(o, "num_detections",
			(int64_t)r->high + r->medium + r->low + r->info);
		snprintf(msg, sizeof(msg),
			 "run %s %s: %u high, %u medium, %u low, %u informational",
			 r->id, run_state_name(r->state), r->high, r->medium,
			 r->low, r->info);
		add_int(o, "status_id", activity == 2 ? 1 : 2);
		json_add_str(o, "status", activity == 2 ? "Success" : "Failure");
		if (r->reason[0])
			json_add_str(o, "status_detail", r->reason);
	}
	json_add_str(o, "message", msg);
	add_device(o, e);
	u = obj(obj(o, "unmapped"), "vigil");
	json_add_str(u, "event", e->event);
	add_int(u, "duration_asked", (int64_t)r->duration);
	c = obj(u, "counts");
	add_int(c, "High", r->high);
	add_int(c, "Medium", r->medium);
	add_int(c, "Low", r->low);
	add_int(c, "Informational", r->info);
	add_int(u, "resolved", r->resolved);
}

void line_ocsf(struct sbuf *sb, const struct line_event *e)
{
	json_object *o = json_object_new_object();

	if (!o) {
		sb->failed = 1;
		return;
	}
	add_int(o, "time", e->time_ms);
	if (e->run)
		run_event(o, e);
	else
		finding_event(o, e);
	json_dump(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		  sb);
	json_object_put(o);
}
