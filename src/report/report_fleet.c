// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fleet report document, from the newest state of each finding
 * fleet_read.c kept: hosts, rules, problems (the same rule and asset on
 * several hosts), ranked for whoever must act on them.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "findings/findings.h"
#include "lib/jsonutil.h"
#include "report/fleet.h"
#include "report/report.h"
#include "core/rulemeta.h"

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

static int nhosts(json_object *o)
{
	return (int)json_object_array_length(json_object_object_get(o,
								    "hosts"));
}

/* A High on one host comes before Mediums on many: severity, spread. */
static int by_severity_then_hosts(const void *a, const void *b)
{
	json_object *pa = *(json_object *const *)a;
	json_object *pb = *(json_object *const *)b;
	const struct rule_meta *ma = rule_meta_by_name(json_get_str(pa, "rule"));
	const struct rule_meta *mb = rule_meta_by_name(json_get_str(pb, "rule"));
	int d = (int)mb->severity - (int)ma->severity;

	if (d)
		return d;
	d = nhosts(pb) - nhosts(pa);
	if (d)
		return d;
	d = strcmp(json_get_str(pa, "asset"), json_get_str(pb, "asset"));
	return d ? d : strcmp(json_get_str(pa, "image") ?: "",
			      json_get_str(pb, "image") ?: "");
}

/* Images: the worst off first (High counts, then Medium...), spread. */
static int by_counts_then_hosts(const void *a, const void *b)
{
	json_object *ia = *(json_object *const *)a;
	json_object *ib = *(json_object *const *)b;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = report_int(report_get(ib, "open"), report_severities[i]) -
		    report_int(report_get(ia, "open"), report_severities[i]);
		if (d)
			return d;
	}
	d = nhosts(ib) - nhosts(ia);
	return d ? d : strcmp(json_get_str(ia, "image"),
			      json_get_str(ib, "image"));
}

/*
 * Count an open finding of state st in its image's entry: findings by
 * severity, the hosts, and each container once (by host and id).
 * 0, or -1 on ENOMEM.
 */
static int count_image(json_object *images, json_object *st,
		       const struct rule_meta *m)
{
	json_object *a = json_object_object_get(st, "attributes");
	const char *cid = json_get_str(a, "container_id");
	const char *img = json_get_str(a, "container_image");
	json_object *e, *open, *seen;
	char key[1200];
	int i;

	if (!cid)
		return 0;	/* the host's own */
	if (!img || !*img)
		img = "(image not known)";
	if (!json_object_object_get_ex(images, img, &e)) {
		e = json_object_new_object();
		open = json_object_new_object();
		if (!e || !open) {
			json_object_put(e);
			json_object_put(open);
			return -1;
		}
		json_add_str(e, "image", img);
		for (i = 0; i < 4; i++)
			json_object_object_add(open, report_severities[i],
					       json_object_new_int(0));
		json_object_object_add(e, "open", open);
		json_object_object_add(e, "hosts", json_object_new_array());
		json_object_object_add(e, "containers", json_object_new_int(0));
		json_object_object_add(e, "seen", json_object_new_object());
		json_object_object_add(images, img, e);
	}
	bump(json_object_object_get(e, "open"), severity_name(m->severity));
	add_name(json_object_object_get(e, "hosts"),
		 json_get_str(st, "hostname"));
	snprintf(key, sizeof(key), "%s %s", json_get_str(st, "machine_id"),
		 cid);
	seen = json_object_object_get(e, "seen");
	if (!json_object_object_get_ex(seen, key, NULL)) {
		json_object_object_add(seen, key, NULL);
		bump(e, "containers");
	}
	return 0;
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
	json_object *images = json_object_new_object();
	json_object *rules = json_object_new_array(), *arr;
	json_object *rule_hosts[RULE_COUNT] = { NULL };
	static const enum vigil_severity sev_order[4] = {
		SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFORMATIONAL,
	};
	int rule_findings[RULE_COUNT] = { 0 }, i, k;
	char t[32];

	if (!doc || !hosts || !problems || !images || !rules)
		goto err;
	for (i = 0; i < RULE_COUNT; i++)
		if (!(rule_hosts[i] = json_object_new_array()))
			goto err;
	json_object_object_foreach(fl->findings, id, st) {
		const struct rule_meta *m = rule_meta_by_name(json_get_str(st,
								"rule"));
		const char *ev = json_get_str(st, "event");
		json_object *h = host_entry(hosts, st), *p, *tv;
		const char *img = json_get_str(json_object_object_get(st,
						"attributes"), "container_image");
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
		if (count_image(images, st, m) < 0)
			goto err;
		sbuf_init(&asset);
		report_asset(st, &asset);
		/* the same file in two images is two problems */
		snprintf(pkey, sizeof(pkey), "%s %s\n%s", m->id,
			 sbuf_str(&asset), img ? img : "");
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
			if (img && *img)
				json_add_str(p, "image", img);
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
	arr = sorted_values(problems, by_severity_then_hosts);
	if (!arr)
		goto err;
	json_object_object_add(doc, "problems", arr);
	arr = sorted_values(images, by_counts_then_hosts);
	if (!arr)
		goto err;
	for (i = 0; i < (int)json_object_array_length(arr); i++)
		json_object_object_del(json_object_array_get_idx(arr, i),
				       "seen");
	json_object_object_add(doc, "images", arr);
	json_object_put(hosts);
	json_object_put(problems);
	json_object_put(images);
	return doc;
err:
	for (i = 0; i < RULE_COUNT; i++)
		json_object_put(rule_hosts[i]);
	json_object_put(rules);
	json_object_put(hosts);
	json_object_put(problems);
	json_object_put(images);
	json_object_put(doc);
	return NULL;
}
