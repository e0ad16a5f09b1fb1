// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a reader of a run's report looks at first (report.h): the few
 * evidence fields that explain a finding of each rule, what
 * near-identical findings share (a directory, a package, a program), and
 * the short list of what to fix first.  The rest of the evidence stays
 * one fold away.
 */
#include "build.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonutil.h"
#include "report/report.h"
#include "core/rulemeta.h"

/* Fix-first entries at most: a list to act on, not a second report. */
#define FIRST_MAX 5

const char *const *report_key_fields(const char *rule)
{
	static const char *const none[] = { NULL };
	const struct rule_meta *m = rule_meta_by_name(rule);

	return m && m->key_fields ? m->key_fields : none;
}

bool report_is_key_field(const char *rule, const char *key)
{
	const char *const *k;

	for (k = report_key_fields(rule); *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

/* A user or group id with its name, as ausearch -i shows it. */
static void id_named(json_object *val, bool group, struct sbuf *out)
{
	int64_t id = json_object_get_int64(val);
	struct passwd *pw;
	struct group *gr;
	const char *name = NULL;

	sbuf_printf(out, "%lld", (long long)id);
	if (id < 0 || id > UINT32_MAX)
		return;
	if (group) {
		gr = getgrgid((gid_t)id);
		name = gr ? gr->gr_name : NULL;
	} else {
		pw = getpwuid((uid_t)id);
		name = pw ? pw->pw_name : NULL;
	}
	if (name)
		sbuf_printf(out, " (%s)", name);
}

void report_evidence_value(json_object *f, const char *key, json_object *val,
			   struct sbuf *out)
{
	json_object *a = report_get(f, "attributes");
	size_t i;

	if (json_object_is_type(val, json_type_array)) {
		for (i = 0; i < json_object_array_length(val); i++) {
			if (i)
				sbuf_adds(out, ", ");
			sbuf_adds(out, report_value(
				json_object_array_get_idx(val, i)));
		}
		return;
	}
	/*
	 * Names from this host's user database, for a finding of this
	 * host: a container's uid 1000 is not the host's user 1000.
	 */
	if (json_object_is_type(val, json_type_int) &&
	    !report_get(a, "container_id") &&
	    (!strcmp(key, "uid") || !strcmp(key, "euid") ||
	     !strcmp(key, "owner") || !strcmp(key, "group"))) {
		id_named(val, !strcmp(key, "group"), out);
		return;
	}
	sbuf_adds(out, report_value(val));
}

void report_tags(json_object *tags, struct sbuf *out)
{
	size_t start = out->len;

	if (!tags || !json_object_is_type(tags, json_type_object))
		return;
	json_object_object_foreach(tags, k, v)
		sbuf_printf(out, "%s%s=%s", out->len > start ? ", " : "", k,
			    report_value(v));
}

size_t report_same_group(json_object **v, size_t n, size_t i,
			 struct sbuf *key)
{
	struct sbuf k;
	size_t j;

	sbuf_reset(key);
	report_group_key(v[i], key);
	sbuf_init(&k);
	for (j = i + 1; j < n && !strcmp(report_str(v[j], "rule"),
					 report_str(v[i], "rule")); j++) {
		sbuf_reset(&k);
		report_group_key(v[j], &k);
		if (strcmp(sbuf_str(&k), sbuf_str(key)))
			break;
	}
	sbuf_free(&k);
	return j - i;
}

struct first {
	json_object *f;		/* the newest finding of the group */
	char *group;
	int rank;		/* 0: High ... 3: Informational */
	int count;
};

static int by_rank_then_count(const void *pa, const void *pb)
{
	const struct first *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	if (a->count != b->count)
		return b->count - a->count;
	return strcmp(report_str(b->f, "last_seen"),
		      report_str(a->f, "last_seen"));
}

int report_add_first(json_object *doc)
{
	json_object *arr = report_get(doc, "findings"), *list = NULL;
	size_t i, j, n = 0, len;
	struct first *v = NULL;
	struct sbuf key;
	int r = -1;

	if (report_get(doc, "fix_first"))
		return 0;
	len = arr && json_object_is_type(arr, json_type_array) ?
	      json_object_array_length(arr) : 0;
	v = calloc(len + 1, sizeof(*v));
	list = json_object_new_array();
	sbuf_init(&key);
	if (!v || !list)
		goto out;
	for (i = 0; i < len; i++) {
		json_object *f = json_object_array_get_idx(arr, i);
		json_object *acc = report_get(report_get(f, "in_run"),
					      "accepted");

		if ((acc && json_object_get_boolean(acc)) ||
		    report_get(f, "no_longer_kept"))
			continue;
		sbuf_reset(&key);
		report_group_key(f, &key);
		if (sbuf_failed(&key))
			goto out;
		for (j = 0; j < n; j++)
			if (!strcmp(report_str(v[j].f, "rule"),
				    report_str(f, "rule")) &&
			    !strcmp(v[j].group, sbuf_str(&key)))
				break;
		if (j == n) {
			v[n].group = strdup(sbuf_str(&key));
			if (!v[n].group)
				goto out;
			v[n].f = f;
			v[n].rank = report_severity_rank(report_str(f, "severity"));
			n++;
		} else if (strcmp(report_str(f, "last_seen"),
				  report_str(v[j].f, "last_seen")) > 0) {
			v[j].f = f;
		}
		v[j].count++;
	}
	qsort(v, n, sizeof(*v), by_rank_then_count);
	for (i = 0; i < n && i < FIRST_MAX; i++) {
		json_object *e = json_object_new_object();

		if (!e || json_object_array_add(list, e) < 0) {
			json_object_put(e);
			goto out;
		}
		json_add_str(e, "severity", report_str(v[i].f, "severity"));
		json_add_str(e, "rule", report_str(v[i].f, "rule"));
		json_add_str(e, "title", report_str(v[i].f, "title"));
		json_add_str(e, "group", v[i].group);
		json_object_object_add(e, "findings",
				       json_object_new_int(v[i].count));
		json_add_str(e, "example", report_str(v[i].f, "id"));
		json_add_str(e, "recommendation",
			     report_str(v[i].f, "recommendation"));
	}
	json_object_object_add(doc, "fix_first", list);
	list = NULL;
	r = 0;
out:
	for (i = 0; v && i < n; i++)
		free(v[i].group);
	free(v);
	json_object_put(list);
	sbuf_free(&key);
	return r;
}
