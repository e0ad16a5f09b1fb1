// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fleet's lines read back: what many hosts forwarded, from the
 * files a collector wrote (kv, json, ocsf or cef lines: fleet_cef.c,
 * maybe after a syslog header).  The newest event of each finding (by its id, unique per
 * host) says where it stands: open, accepted or resolved.  Lines are
 * untrusted: bounded, parsed with json-c, strings kept in the text form.
 * report_fleet.c makes the report of what is kept here.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/findings.h"
#include "lib/jsonutil.h"
#include "lib/utf8.h"
#include "report/fleet.h"
#include "report/report.h"
#include "core/rulemeta.h"

#define FLEET_LINE_MAX (1024 * 1024)
/* Findings and hosts kept; past these, lines are counted as skipped. */
#define FLEET_MAX_FINDINGS 1000000

struct fleet *fleet_new(void)
{
	struct fleet *fl = calloc(1, sizeof(*fl));

	if (!fl)
		return NULL;
	fl->findings = json_object_new_object();
	fl->final_ids = json_object_new_object();
	fl->sources = json_object_new_array();
	if (!fl->findings || !fl->sources || !fl->final_ids) {
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
	json_object_put(fl->final_ids);
	json_object_put(fl->sources);
	fleet_agg_free(fl->agg);
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

/*
 * The evidence kept: what report_asset() names an asset by, and where
 * it happened (the fleet groups containers by image).
 */
static const char *const asset_keys[] = {
	"path", "module", "program", "exe", "protocol", "port", "remote_port",
	"container_image", "container_id", "container_name", "pod_name",
	"pod_namespace",
};

/*
 * The state one finding event leaves, in the fleet's terms (the keys
 * of struct fleet), or NULL: not a finding event vigil wrote, or
 * ENOMEM (*enomem set).
 */
static json_object *state_of(const struct event *e, bool *enomem)
{
	size_t k;
	const struct rule_meta *m = rule_meta_by_name(e->rule ? e->rule : "");
	json_object *st;
	struct sbuf b;

	if (!hex_id(e->id) || !m || !e->host || !e->event)
		return NULL;
	st = json_object_new_object();
	if (!st) {
		*enomem = true;
		return NULL;
	}
	sbuf_init(&b);
	text_of(e->host, "hostname", &b);
	json_add_str(st, "hostname", b.len ? sbuf_str(&b) : "(unknown)");
	sbuf_reset(&b);
	text_of(e->host, "machine_id", &b);
	json_add_str(st, "machine_id", sbuf_str(&b));
	sbuf_reset(&b);
	utf8_escape_once(&b, e->event, strnlen(e->event, 32));
	json_add_str(st, "event_name", sbuf_str(&b));
	sbuf_free(&b);
	json_add_str(st, "id", e->id);
	json_add_str(st, "rule", m->id);
	json_add_str(st, "severity", severity_name(m->severity));
	if (hex_id(e->fingerprint))
		json_add_str(st, "fingerprint", e->fingerprint);
	/* what to show when a line has no evidence: the problem's id */
	json_add_str(st, "asset_key", hex_id(e->fingerprint) ?
		     e->fingerprint : e->id);
	json_add_str(st, "event", !strcmp(e->event, "resolved") ?
		     "resolved" : !strcmp(e->event, "accepted") ?
		     "accepted" : "open");
	json_object_object_add(st, "time", json_object_new_int64(e->time));
	if (e->attrs) {
		json_object *a = json_object_new_object();

		/* only what names the asset and its place, escaped */
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
	return st;
}

int fleet_add_state(struct fleet *fl, json_object *st)
{
	const char *id = json_get_str(st, "id");
	json_object *old, *tv = json_object_object_get(st, "time");
	int64_t t = tv ? json_object_get_int64(tv) : 0;

	if (!hex_id(id)) {
		json_object_put(st);
		return -1;
	}
	if (json_object_object_get_ex(fl->final_ids, id, NULL)) {
		/* the store's state of it, counted already, has it all */
		json_object_put(st);
		fl->finding_events++;
		return 0;
	}
	if (json_object_object_get_ex(fl->findings, id, &old)) {
		tv = json_object_object_get(old, "time");
		if (t && tv && json_object_get_int64(tv) > t) {
			json_object_put(st);
			fl->finding_events++;
			return 0;	/* an older event, read later */
		}
	} else if (fl->nfindings >= FLEET_MAX_FINDINGS) {
		json_object_put(st);
		return -1;
	} else {
		fl->nfindings++;
	}
	/* id lives in st, which stays; a new key is copied */
	json_object_object_add(fl->findings, id, st);
	fl->finding_events++;
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

int fleet_parse_line(const char *line, json_object **state)
{
	const char *brace = strchr(line, '{');
	const char *kv = strstr(line, "event=");
	const char *cef = strstr(line, "CEF:0|");
	struct event e = { 0 };
	bool enomem = false;
	json_object *o;
	int r;

	*state = NULL;
	/* each may hold the others' marks in a value: the first one counts */
	if (cef && (!kv || cef < kv) && (!brace || cef < brace))
		o = fleet_cef_to_json(cef);
	else if (kv && (!brace || kv < brace))
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
	if (r == 0) {
		*state = state_of(&e, &enomem);
		r = *state ? 0 : enomem ? -ENOMEM : -1;
	}
	json_object_put(e.own_host);
	json_object_put(o);
	return r;
}

static int read_line(struct fleet *fl, const char *line)
{
	json_object *st;
	int r = fleet_parse_line(line, &st);

	if (r == 1)
		fl->run_events++;
	else if (r == 0)
		r = fleet_add_state(fl, st);
	return r == -ENOMEM ? -ENOMEM : r < 0 ? -1 : 0;
}

int fleet_read(struct fleet *fl, FILE *in, const char *name,
	       struct sbuf *err)
{
	unsigned long lines = 0, skipped = 0;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

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
	fleet_source(fl, name, "lines", lines, skipped);
	return 0;
}

void fleet_source(struct fleet *fl, const char *name, const char *what,
		  unsigned long n, unsigned long skipped)
{
	char tail[96];
	struct sbuf nm;

	fl->lines += n;
	fl->skipped += skipped;
	sbuf_init(&nm);
	utf8_escape(&nm, name, strlen(name));
	snprintf(tail, sizeof(tail), ": %lu %s, %lu not understood", n, what,
		 skipped);
	sbuf_adds(&nm, tail);
	json_object_array_add(fl->sources, json_object_new_string(
				      sbuf_str(&nm)));
	sbuf_free(&nm);
}

/* The host's entry in hosts (keyed "hostname machine-id"). */
