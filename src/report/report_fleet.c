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

/*
 * Add name to the array list unless seen (the same names, as keys: a
 * problem on a thousand hosts is not a walk of a thousand) has it.
 */
static void add_name(json_object *list, json_object *seen, const char *name)
{
	if (json_object_object_get_ex(seen, name, NULL))
		return;
	json_object_object_add(seen, name, NULL);
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
		json_object_object_add(e, "seen_hosts",
				       json_object_new_object());
		json_object_object_add(images, img, e);
	}
	bump(json_object_object_get(e, "open"), severity_name(m->severity));
	add_name(json_object_object_get(e, "hosts"),
		 json_object_object_get(e, "seen_hosts"),
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

/* What the report counts, as states come (a state need not be kept). */
struct fleet_agg {
	json_object *hosts, *problems, *images;
	json_object *rule_hosts[RULE_COUNT], *rule_seen[RULE_COUNT];
	int rule_findings[RULE_COUNT];
};

void fleet_agg_free(struct fleet_agg *g)
{
	int i;

	if (!g)
		return;
	for (i = 0; i < RULE_COUNT; i++) {
		json_object_put(g->rule_hosts[i]);
		json_object_put(g->rule_seen[i]);
	}
	json_object_put(g->hosts);
	json_object_put(g->problems);
	json_object_put(g->images);
	free(g);
}

static struct fleet_agg *agg_new(void)
{
	struct fleet_agg *g = calloc(1, sizeof(*g));
	int i;

	if (!g)
		return NULL;
	g->hosts = json_object_new_object();
	g->problems = json_object_new_object();
	g->images = json_object_new_object();
	if (!g->hosts || !g->problems || !g->images)
		goto err;
	for (i = 0; i < RULE_COUNT; i++)
		if (!(g->rule_hosts[i] = json_object_new_array()) ||
		    !(g->rule_seen[i] = json_object_new_object()))
			goto err;
	return g;
err:
	fleet_agg_free(g);
	return NULL;
}

/* The problem's entry: the same rule and asset, in the same image. */
static json_object *problem_entry(struct fleet_agg *g, json_object *st,
				  const struct rule_meta *m)
{
	const char *img = json_get_str(json_object_object_get(st,
					"attributes"), "container_image");
	struct sbuf asset;
	char pkey[2048];
	json_object *p;

	sbuf_init(&asset);
	report_asset(st, &asset);
	/* the same file in two images is two problems */
	snprintf(pkey, sizeof(pkey), "%s %s\n%s", m->id, sbuf_str(&asset),
		 img ? img : "");
	if (!json_object_object_get_ex(g->problems, pkey, &p)) {
		p = json_object_new_object();
		if (!p)
			goto out;
		json_add_str(p, "rule", m->id);
		json_add_str(p, "severity", severity_name(m->severity));
		json_add_str(p, "asset", sbuf_str(&asset));
		if (img && *img)
			json_add_str(p, "image", img);
		json_add_str(p, "fingerprint",
			     json_get_str(st, "fingerprint") ?
			     json_get_str(st, "fingerprint") : "");
		json_object_object_add(p, "hosts", json_object_new_array());
		json_object_object_add(p, "seen", json_object_new_object());
		json_object_object_add(g->problems, pkey, p);
	}
out:
	sbuf_free(&asset);
	return p;
}

/* Count one finding's state.  0, or -1 on ENOMEM. */
static int agg_add(struct fleet_agg *g, json_object *st)
{
	const struct rule_meta *m = rule_meta_by_name(json_get_str(st,
								   "rule"));
	const char *ev = json_get_str(st, "event");
	json_object *h = host_entry(g->hosts, st), *p, *tv;

	if (!h || !m || !ev)
		return h ? 0 : -1;
	tv = json_object_object_get(st, "time");
	if (tv && json_object_get_int64(tv) >
		  json_object_get_int64(json_object_object_get(h, "last")))
		json_object_object_add(h, "last", json_object_new_int64(
					       json_object_get_int64(tv)));
	if (!strcmp(ev, "resolved")) {
		bump(h, "resolved");
		return 0;
	}
	if (!strcmp(ev, "accepted")) {
		bump(h, "accepted");
		return 0;
	}
	bump(json_object_object_get(h, "open"), severity_name(m->severity));
	g->rule_findings[m->idx]++;
	add_name(g->rule_hosts[m->idx], g->rule_seen[m->idx],
		 json_get_str(st, "hostname"));
	if (count_image(g->images, st, m) < 0)
		return -1;
	p = problem_entry(g, st, m);
	if (!p)
		return -1;
	add_name(json_object_object_get(p, "hosts"),
		 json_object_object_get(p, "seen"),
		 json_get_str(st, "hostname"));
	return 0;
}

int fleet_add_final(struct fleet *fl, json_object *st)
{
	const char *id = json_get_str(st, "id");
	int r = -1;

	if (!fl->agg && !(fl->agg = agg_new()))
		goto out;
	if (!id || json_object_object_get_ex(fl->final_ids, id, NULL)) {
		r = 1;
		goto out;
	}
	/* a line of a file for it, read before: the store has it all */
	if (json_object_object_get_ex(fl->findings, id, NULL)) {
		json_object_object_del(fl->findings, id);
		fl->nfindings--;
	}
	json_object_object_add(fl->final_ids, id, NULL);
	fl->finding_events++;
	r = agg_add(fl->agg, st);
out:
	json_object_put(st);
	return r;
}

/* The hosts, with their newest event as a date. */
static json_object *hosts_doc(json_object *hosts)
{
	json_object *arr = sorted_values(hosts, by_name);
	char t[32];
	int i;

	for (i = 0; arr && i < (int)json_object_array_length(arr); i++) {
		json_object *h = json_object_array_get_idx(arr, i);
		int64_t last = json_object_get_int64(json_object_object_get(h,
								"last"));

		format_utc(last, t, sizeof(t));
		json_add_str(h, "last_event", last ? t : "");
		json_object_object_del(h, "last");
	}
	return arr;
}

/* Each rule, most severe first, then in catalog order. */
static json_object *rules_doc(struct fleet_agg *g)
{
	static const enum vigil_severity sev_order[4] = {
		SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFORMATIONAL,
	};
	json_object *rules = json_object_new_array();
	int i, k;

	for (k = 0; rules && k < RULE_COUNT * 4; k++) {
		const struct rule_meta *m = rule_meta((enum rule_id)(k %
							RULE_COUNT));
		json_object *r;

		i = (int)m->idx;
		if (m->severity != sev_order[k / RULE_COUNT])
			continue;
		r = json_object_new_object();
		if (!r || json_object_array_add(rules, r) < 0) {
			json_object_put(r);
			json_object_put(rules);
			return NULL;
		}
		json_add_str(r, "id", m->id);
		json_add_str(r, "severity", severity_name(m->severity));
		json_object_object_add(r, "findings",
				       json_object_new_int(g->rule_findings[i]));
		json_object_object_add(r, "hosts",
				       json_object_get(g->rule_hosts[i]));
	}
	return rules;
}

/* The values of map sorted by cmp, without their keys named drop. */
static json_object *sorted_without(json_object *map,
				   int (*cmp)(const void *, const void *),
				   const char *drop1, const char *drop2)
{
	json_object *arr = sorted_values(map, cmp);
	int i;

	for (i = 0; arr && i < (int)json_object_array_length(arr); i++) {
		json_object_object_del(json_object_array_get_idx(arr, i),
				       drop1);
		if (drop2)
			json_object_object_del(json_object_array_get_idx(arr,
									 i),
					       drop2);
	}
	return arr;
}

json_object *fleet_report(struct fleet *fl)
{
	json_object *doc = json_object_new_object(), *arr;
	struct fleet_agg *g = fl->agg ? fl->agg : agg_new();
	char t[32];

	fl->agg = NULL;
	if (!doc || !g)
		goto err;
	json_object_object_foreach(fl->findings, id, st) {
		(void)id;
		if (agg_add(g, st) < 0)
			goto err;
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
	if (!(arr = hosts_doc(g->hosts)))
		goto err;
	json_object_object_add(doc, "hosts", arr);
	if (!(arr = rules_doc(g)))
		goto err;
	json_object_object_add(doc, "rules", arr);
	arr = sorted_without(g->problems, by_severity_then_hosts, "seen", NULL);
	if (!arr)
		goto err;
	json_object_object_add(doc, "problems", arr);
	arr = sorted_without(g->images, by_counts_then_hosts, "seen",
			     "seen_hosts");
	if (!arr)
		goto err;
	json_object_object_add(doc, "images", arr);
	fleet_agg_free(g);
	return doc;
err:
	fleet_agg_free(g);
	json_object_put(doc);
	return NULL;
}
