// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fleet report: what many hosts forwarded, read back from the
 * files a collector wrote (kv, json or ocsf lines, maybe after a syslog
 * header).  The newest event of each finding (by its id, unique per
 * host) says where it stands: open, accepted or resolved.  Lines are
 * untrusted: bounded, parsed with json-c, strings kept in the text form.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/findings.h"
#include "lib/jsonutil.h"
#include "lib/utf8.h"
#include "report/report.h"
#include "rules/rulemeta.h"

#define FLEET_LINE_MAX (1024 * 1024)
/* Findings and hosts kept; past these, lines are counted as skipped. */
#define FLEET_MAX_FINDINGS 1000000

struct fleet {
	json_object *findings;	/* id -> newest state (an lh_table) */
	json_object *sources;	/* ["file: N lines"] */
	size_t nfindings;
	unsigned long lines, finding_events, run_events, skipped;
};

struct fleet *fleet_new(void)
{
	struct fleet *fl = calloc(1, sizeof(*fl));

	if (!fl)
		return NULL;
	fl->findings = json_object_new_object();
	fl->sources = json_object_new_array();
	if (!fl->findings || !fl->sources) {
		fleet_free(fl);
		return NULL;
	}
	return fl;
}

void fleet_free(struct fleet *fl)
{
	if (!fl)
		return;
	json_object_put(fl->findings);
	json_object_put(fl->sources);
	free(fl);
}

/* A string member in the text form ("" when absent or not a string). */
static void text_of(json_object *o, const char *key, struct sbuf *out)
{
	const char *s = json_get_str(o, key);

	if (s)
		utf8_escape_once(out, s, strlen(s));
}

static json_object *obj(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

/* What one finding event says, in the fleet's own terms. */
struct event {
	json_object *host;	/* {hostname, machine_id} */
	json_object *own_host;	/* made from an OCSF device: put after */
	const char *event, *id, *fingerprint, *rule;
	json_object *attrs;
	int64_t time;
};

/* vigil's "json" line format. */
static int from_json(json_object *o, struct event *e)
{
	/* a kv line has no time of its own: its last sighting will do */
	const char *t = json_get_str(o, "time") ? json_get_str(o, "time") :
			json_get_str(o, "last_seen");

	e->event = json_get_str(o, "event");
	if (!e->event || !strncmp(e->event, "run_", 4))
		return e->event ? 1 : -1;
	e->host = obj(o, "host");
	e->id = json_get_str(o, "id");
	e->fingerprint = json_get_str(o, "fingerprint");
	e->rule = json_get_str(o, "rule");
	e->attrs = obj(o, "attributes");
	if (t && parse_utc(t, &e->time) < 0)
		e->time = 0;
	return 0;
}

/* The "ocsf" format: vigil's own fields are under unmapped.vigil. */
static int from_ocsf(json_object *o, struct event *e)
{
	json_object *fi = obj(o, "finding_info"), *v = obj(obj(o, "unmapped"),
							   "vigil");
	json_object *dev = obj(o, "device"), *t, *host;

	if (!json_object_object_get_ex(o, "class_uid", &t))
		return -1;
	if (json_object_get_int(t) == 6007)
		return 1;	/* a run */
	if (!fi || !v || !dev)
		return -1;
	e->event = json_get_str(v, "event");
	e->rule = json_get_str(v, "rule");
	e->attrs = obj(v, "attributes");
	e->id = json_get_str(fi, "uid");
	e->fingerprint = json_get_str(fi, "uid_alt");
	if (json_object_object_get_ex(o, "time", &t))
		e->time = json_object_get_int64(t) / 1000;
	/* the same names as the json format's host */
	host = json_object_new_object();
	if (!host)
		return -1;
	e->own_host = host;
	json_object_object_add(host, "hostname", json_object_get(
				       json_object_object_get(dev, "hostname")));
	json_object_object_add(host, "machine_id", json_object_get(
				       json_object_object_get(dev, "uid")));
	e->host = host;
	return 0;
}

static bool hex_id(const char *s)
{
	return s && strlen(s) == FINDING_ID_LEN &&
	       strspn(s, "0123456789abcdef") == FINDING_ID_LEN;
}

/* The evidence report_asset() names an asset by. */
static const char *const asset_keys[] = {
	"path", "module", "program", "exe", "protocol", "port", "remote_port",
};

/* Record one finding event; the newest (by time, then line order) wins. */
static int record(struct fleet *fl, const struct event *e)
{
	size_t k;
	const struct rule_meta *m = rule_meta_by_name(e->rule ? e->rule : "");
	json_object *old, *st;
	struct sbuf b;
	int64_t ot;

	if (!hex_id(e->id) || !m || !e->host || !e->event)
		return -1;
	if (json_object_object_get_ex(fl->findings, e->id, &old)) {
		json_object *tv = json_object_object_get(old, "time");

		ot = tv ? json_object_get_int64(tv) : 0;
		if (e->time && ot > e->time)
			return 0;	/* an older event, read later */
	} else if (fl->nfindings >= FLEET_MAX_FINDINGS) {
		return -1;
	} else {
		fl->nfindings++;
	}
	st = json_object_new_object();
	if (!st)
		return -ENOMEM;
	sbuf_init(&b);
	text_of(e->host, "hostname", &b);
	json_add_str(st, "hostname", b.len ? sbuf_str(&b) : "(unknown)");
	sbuf_reset(&b);
	text_of(e->host, "machine_id", &b);
	json_add_str(st, "machine_id", sbuf_str(&b));
	sbuf_reset(&b);
	json_add_str(st, "rule", m->id);
	json_add_str(st, "severity", severity_name(m->severity));
	if (hex_id(e->fingerprint))
		json_add_str(st, "fingerprint", e->fingerprint);
	sbuf_free(&b);
	/* what to show when a line has no evidence: the problem's id */
	json_add_str(st, "asset_key", hex_id(e->fingerprint) ?
		     e->fingerprint : e->id);
	json_add_str(st, "event", !strcmp(e->event, "resolved") ?
		     "resolved" : !strcmp(e->event, "accepted") ?
		     "accepted" : "open");
	json_object_object_add(st, "time", json_object_new_int64(e->time));
	if (e->attrs) {
		json_object *a = json_object_new_object();

		/* only what names the asset (report_asset()), escaped */
		for (k = 0; a && k < sizeof(asset_keys) / sizeof(*asset_keys);
		     k++) {
			json_object *v = json_object_object_get(e->attrs,
								asset_keys[k]);

			if (v && (json_object_is_type(v, json_type_string) ||
				  json_object_is_type(v, json_type_int)))
				json_object_object_add(a, asset_keys[k],
					json_object_is_type(v, json_type_int) ?
					json_object_new_int64(
						json_object_get_int64(v)) :
					json_object_new_string(
						json_object_get_string(v)));
		}
		if (a) {
			json_escape_strings(a, false);
			json_object_object_add(st, "attributes", a);
		}
	}
	json_object_object_add(fl->findings, e->id, st);
	return 0;
}

/*
 * One value of a kv line at *p (bare, or quoted with \" for a quote; a
 * backslash pair stays, as the text form has it).  Advances *p.
 */
static void kv_value(const char **p, struct sbuf *out)
{
	const char *s = *p;

	if (*s != '"') {
		while (*s && *s != ' ' && *s != '\n')
			sbuf_addc(out, *s++);
		*p = s;
		return;
	}
	for (s++; *s && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s[1] == '"') {
			sbuf_addc(out, '"');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			sbuf_adds(out, "\\\\");
			s++;
		} else {
			sbuf_addc(out, *s);
		}
	}
	*p = *s == '"' ? s + 1 : s;
}

/*
 * vigil's "kv" format, into the json format's object: event, host,
 * machine_id, id, fingerprint, rule and attr.* (repeated: a list).
 */
static json_object *kv_line(const char *line)
{
	json_object *o = json_object_new_object(), *host, *attrs;
	const char *p = strstr(line, "event=");
	struct sbuf k, v;

	host = json_object_new_object();
	attrs = json_object_new_object();
	if (!o || !host || !attrs || !p) {
		json_object_put(o);
		json_object_put(host);
		json_object_put(attrs);
		return NULL;
	}
	json_object_object_add(o, "host", host);
	json_object_object_add(o, "attributes", attrs);
	sbuf_init(&k);
	sbuf_init(&v);
	while (*p && *p != '\n') {
		const char *eq = strchr(p, '=');
		json_object *old;

		if (!eq)
			break;
		sbuf_reset(&k);
		sbuf_reset(&v);
		sbuf_addn(&k, p, (size_t)(eq - p));
		p = eq + 1;
		kv_value(&p, &v);
		while (*p == ' ')
			p++;
		if (!strncmp(sbuf_str(&k), "attr.", 5)) {
			const char *ak = sbuf_str(&k) + 5;
			json_object *nv = json_object_new_string(sbuf_str(&v));

			if (!json_object_object_get_ex(attrs, ak, &old)) {
				json_object_object_add(attrs, ak, nv);
			} else if (json_object_is_type(old, json_type_array)) {
				json_object_array_add(old, nv);
			} else {
				json_object *arr = json_object_new_array();

				json_object_array_add(arr,
						      json_object_get(old));
				json_object_array_add(arr, nv);
				json_object_object_add(attrs, ak, arr);
			}
		} else if (!strcmp(sbuf_str(&k), "host")) {
			json_add_str(host, "hostname", sbuf_str(&v));
		} else if (!strcmp(sbuf_str(&k), "machine_id")) {
			json_add_str(host, "machine_id", sbuf_str(&v));
		} else if (!strchr(sbuf_str(&k), '.')) {
			json_add_str(o, sbuf_str(&k), sbuf_str(&v));
		}
	}
	sbuf_free(&k);
	sbuf_free(&v);
	return o;
}

static int read_line(struct fleet *fl, const char *line)
{
	const char *brace = strchr(line, '{');
	const char *kv = strstr(line, "event=");
	struct event e = { 0 };
	json_object *o;
	int r;

	/* a kv line may hold braces in a value: whichever comes first */
	if (kv && (!brace || kv < brace))
		o = kv_line(kv);
	else if (brace)
		o = json_tokener_parse(brace);
	else
		return -1;
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -1;
	}
	r = json_object_object_get_ex(o, "class_uid", NULL) ?
	    from_ocsf(o, &e) : from_json(o, &e);
	if (r == 1)
		fl->run_events++;
	else if (r == 0 && (r = record(fl, &e)) == 0)
		fl->finding_events++;
	json_object_put(e.own_host);
	json_object_put(o);
	return r == -ENOMEM ? -ENOMEM : r < 0 ? -1 : 0;
}

int fleet_read(struct fleet *fl, FILE *in, const char *name,
	       struct sbuf *err)
{
	unsigned long lines = 0, skipped = 0;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	char what[64];
	struct sbuf nm;

	while ((n = getline(&buf, &cap, in)) >= 0) {
		int r;

		lines++;
		if (n > FLEET_LINE_MAX || memchr(buf, '\0', (size_t)n)) {
			skipped++;
			continue;
		}
		r = read_line(fl, buf);
		if (r == -ENOMEM) {
			sbuf_printf(err, "%s: out of memory", name);
			free(buf);
			return -1;
		}
		skipped += r < 0;
	}
	free(buf);
	if (ferror(in)) {
		sbuf_printf(err, "%s: read error", name);
		return -1;
	}
	fl->lines += lines;
	fl->skipped += skipped;
	sbuf_init(&nm);
	utf8_escape(&nm, name, strlen(name));
	snprintf(what, sizeof(what), ": %lu lines, %lu not understood", lines,
		 skipped);
	sbuf_adds(&nm, what);
	json_object_array_add(fl->sources, json_object_new_string(
				      sbuf_str(&nm)));
	sbuf_free(&nm);
	return 0;
}

/* The host's entry in hosts (keyed "hostname machine-id"). */
static json_object *host_entry(json_object *hosts, json_object *st)
{
	char key[1024];
	json_object *h, *open;
	int i;

	snprintf(key, sizeof(key), "%s %s", json_get_str(st, "hostname"),
		 json_get_str(st, "machine_id"));
	if (json_object_object_get_ex(hosts, key, &h))
		return h;
	h = json_object_new_object();
	open = json_object_new_object();
	if (!h || !open) {
		json_object_put(h);
		json_object_put(open);
		return NULL;
	}
	json_add_str(h, "hostname", json_get_str(st, "hostname"));
	json_add_str(h, "machine_id", json_get_str(st, "machine_id"));
	for (i = 0; i < 4; i++)
		json_object_object_add(open, report_severities[i],
				       json_object_new_int(0));
	json_object_object_add(h, "open", open);
	json_object_object_add(h, "accepted", json_object_new_int(0));
	json_object_object_add(h, "resolved", json_object_new_int(0));
	json_object_object_add(h, "last", json_object_new_int64(0));
	json_object_object_add(hosts, key, h);
	return h;
}

static void bump(json_object *o, const char *key)
{
	json_object *v = json_object_object_get(o, key);

	json_object_object_add(o, key, json_object_new_int(
				       (v ? json_object_get_int(v) : 0) + 1));
}

/* Add name to the array list unless it is there. */
static void add_name(json_object *list, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(list); i++)
		if (!strcmp(json_object_get_string(
				json_object_array_get_idx(list, i)), name))
			return;
	json_object_array_add(list, json_object_new_string(name));
}

static int by_hosts_then_severity(const void *a, const void *b)
{
	json_object *pa = *(json_object *const *)a;
	json_object *pb = *(json_object *const *)b;
	const struct rule_meta *ma = rule_meta_by_name(json_get_str(pa, "rule"));
	const struct rule_meta *mb = rule_meta_by_name(json_get_str(pb, "rule"));
	int d = (int)json_object_array_length(json_object_object_get(pb,
								"hosts")) -
		(int)json_object_array_length(json_object_object_get(pa,
								"hosts"));

	if (d)
		return d;
	d = (int)mb->severity - (int)ma->severity;
	if (d)
		return d;
	return strcmp(json_get_str(pa, "asset"), json_get_str(pb, "asset"));
}

static int by_name(const void *a, const void *b)
{
	json_object *ha = *(json_object *const *)a;
	json_object *hb = *(json_object *const *)b;
	int d = strcmp(json_get_str(ha, "hostname"),
		       json_get_str(hb, "hostname"));

	return d ? d : strcmp(json_get_str(ha, "machine_id"),
			      json_get_str(hb, "machine_id"));
}

/* The values of a map object as an array sorted by cmp. */
static json_object *sorted_values(json_object *map,
				  int (*cmp)(const void *, const void *))
{
	size_t n = (size_t)json_object_object_length(map), i = 0;
	json_object **v = calloc(n ? n : 1, sizeof(*v)), *arr;

	arr = json_object_new_array();
	if (!v || !arr) {
		free(v);
		json_object_put(arr);
		return NULL;
	}
	json_object_object_foreach(map, key, val) {
		(void)key;
		v[i++] = val;
	}
	qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_get(v[i]));
	free(v);
	return arr;
}

json_object *fleet_report(const struct fleet *fl)
{
	json_object *doc = json_object_new_object();
	json_object *hosts = json_object_new_object();
	json_object *problems = json_object_new_object();
	json_object *rules = json_object_new_array(), *arr;
	json_object *rule_hosts[RULE_COUNT] = { NULL };
	static const enum vigil_severity sev_order[4] = {
		SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFORMATIONAL,
	};
	int rule_findings[RULE_COUNT] = { 0 }, i, k;
	char t[32];

	if (!doc || !hosts || !problems || !rules)
		goto err;
	for (i = 0; i < RULE_COUNT; i++)
		if (!(rule_hosts[i] = json_object_new_array()))
			goto err;
	json_object_object_foreach(fl->findings, id, st) {
		const struct rule_meta *m = rule_meta_by_name(json_get_str(st,
								"rule"));
		const char *ev = json_get_str(st, "event");
		json_object *h = host_entry(hosts, st), *p, *tv;
		struct sbuf asset;
		char pkey[2048];

		(void)id;
		if (!h)
			goto err;
		tv = json_object_object_get(st, "time");
		if (tv && json_object_get_int64(tv) >
			  json_object_get_int64(json_object_object_get(h,
								"last")))
			json_object_object_add(h, "last", json_object_get(tv));
		if (!strcmp(ev, "resolved")) {
			bump(h, "resolved");
			continue;
		}
		if (!strcmp(ev, "accepted")) {
			bump(h, "accepted");
			continue;
		}
		bump(json_object_object_get(h, "open"),
		     severity_name(m->severity));
		rule_findings[m->idx]++;
		add_name(rule_hosts[m->idx], json_get_str(st, "hostname"));
		sbuf_init(&asset);
		report_asset(st, &asset);
		snprintf(pkey, sizeof(pkey), "%s %s", m->id, sbuf_str(&asset));
		if (!json_object_object_get_ex(problems, pkey, &p)) {
			p = json_object_new_object();
			if (!p) {
				sbuf_free(&asset);
				goto err;
			}
			json_add_str(p, "rule", m->id);
			json_add_str(p, "severity",
				     severity_name(m->severity));
			json_add_str(p, "asset", sbuf_str(&asset));
			json_add_str(p, "fingerprint",
				     json_get_str(st, "fingerprint") ?
				     json_get_str(st, "fingerprint") : "");
			json_object_object_add(p, "hosts",
					       json_object_new_array());
			json_object_object_add(problems, pkey, p);
		}
		sbuf_free(&asset);
		add_name(json_object_object_get(p, "hosts"),
			 json_get_str(st, "hostname"));
	}
	format_utc((int64_t)time(NULL), t, sizeof(t));
	json_add_str(doc, "report", "fleet");
	json_object_object_add(doc, "format_version", json_object_new_int(1));
	json_add_str(doc, "generated", t);
	json_object_object_add(doc, "sources", json_object_get(fl->sources));
	json_object_object_add(doc, "lines",
			       json_object_new_int64((int64_t)fl->lines));
	json_object_object_add(doc, "finding_events",
			json_object_new_int64((int64_t)fl->finding_events));
	json_object_object_add(doc, "run_events",
			json_object_new_int64((int64_t)fl->run_events));
	json_object_object_add(doc, "skipped",
			       json_object_new_int64((int64_t)fl->skipped));
	arr = sorted_values(hosts, by_name);
	if (!arr)
		goto err;
	for (i = 0; i < (int)json_object_array_length(arr); i++) {
		json_object *h = json_object_array_get_idx(arr, i);
		int64_t last = json_object_get_int64(json_object_object_get(h,
								"last"));

		format_utc(last, t, sizeof(t));
		json_add_str(h, "last_event", last ? t : "");
		json_object_object_del(h, "last");
	}
	json_object_object_add(doc, "hosts", arr);
	for (k = 0; k < RULE_COUNT * 4; k++) {
		/* most severe first, then in catalog order */
		const struct rule_meta *m = rule_meta((enum rule_id)(k %
							RULE_COUNT));
		json_object *r;

		i = (int)m->idx;
		if (m->severity != sev_order[k / RULE_COUNT])
			continue;
		r = json_object_new_object();

		if (!r || json_object_array_add(rules, r) < 0) {
			json_object_put(r);
			goto err;
		}
		json_add_str(r, "id", m->id);
		json_add_str(r, "severity", severity_name(m->severity));
		json_object_object_add(r, "findings",
				       json_object_new_int(rule_findings[i]));
		json_object_object_add(r, "hosts", rule_hosts[i]);
		rule_hosts[i] = NULL;
	}
	json_object_object_add(doc, "rules", rules);
	rules = NULL;
	arr = sorted_values(problems, by_hosts_then_severity);
	if (!arr)
		goto err;
	json_object_object_add(doc, "problems", arr);
	json_object_put(hosts);
	json_object_put(problems);
	return doc;
err:
	for (i = 0; i < RULE_COUNT; i++)
		json_object_put(rule_hosts[i]);
	json_object_put(rules);
	json_object_put(hosts);
	json_object_put(problems);
	json_object_put(doc);
	return NULL;
}
