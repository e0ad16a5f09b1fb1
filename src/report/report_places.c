// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A run's findings by where they happened: the host itself, each
 * container, each other network namespace (report.h,
 * report_add_places()).  An admin of a container host asks "which
 * container" before "which rule".
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonutil.h"
#include "report/report.h"

/* The group of finding f in places (made on first use); NULL: ENOMEM. */
static json_object *group_of(json_object *places, json_object *f)
{
	json_object *a = report_get(f, "attributes"), *g, *c;
	const char *id = report_str(a, "container_id");
	const char *ns = report_str(a, "netns_name");
	char key[160];
	int i;

	if (!*ns)
		ns = report_str(a, "netns");
	if (*id)
		snprintf(key, sizeof(key), "c %s", id);
	else if (*ns)
		snprintf(key, sizeof(key), "n %s", ns);
	else
		snprintf(key, sizeof(key), "h");
	if (json_object_object_get_ex(places, key, &g))
		return g;
	g = json_object_new_object();
	c = json_object_new_object();
	if (!g || !c) {
		json_object_put(g);
		json_object_put(c);
		return NULL;
	}
	json_add_str(g, "kind", *id ? "container" : *ns ? "netns" : "host");
	if (*id) {
		json_add_str(g, "name", report_str(a, "container_name"));
		json_add_str(g, "id", id);
		json_add_str(g, "runtime", report_str(a, "container_runtime"));
		json_add_str(g, "image", report_str(a, "container_image"));
		json_add_str(g, "pod_name", report_str(a, "pod_name"));
		json_add_str(g, "pod_namespace",
			     report_str(a, "pod_namespace"));
		json_add_str(g, "pod_id", report_str(a, "pod_id"));
	} else if (*ns) {
		json_add_str(g, "name", ns);
	}
	for (i = 0; i < 4; i++)
		json_object_object_add(c, report_severities[i],
				       json_object_new_int(0));
	json_object_object_add(g, "counts", c);
	json_object_object_add(places, key, g);
	return g;
}

/* The host first; then the worst off (High first, then Medium...). */
static int by_kind_then_counts(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa;
	json_object *b = *(json_object *const *)pb;
	int ha = !strcmp(report_str(a, "kind"), "host");
	int hb = !strcmp(report_str(b, "kind"), "host");
	int i, d;

	if (ha != hb)
		return hb - ha;
	for (i = 0; i < 4; i++) {
		d = report_int(report_get(b, "counts"), report_severities[i]) -
		    report_int(report_get(a, "counts"), report_severities[i]);
		if (d)
			return d;
	}
	d = strcmp(report_str(a, "name"), report_str(b, "name"));
	return d ? d : strcmp(report_str(a, "id"), report_str(b, "id"));
}

int report_add_places(json_object *doc)
{
	json_object *arr = report_get(doc, "findings"), *places, *list;
	json_object **v = NULL, *c;
	size_t i, n = 0, len;
	int k;

	if (report_get(doc, "places"))
		return 0;
	len = arr && json_object_is_type(arr, json_type_array) ?
	      json_object_array_length(arr) : 0;
	places = json_object_new_object();
	list = json_object_new_array();
	if (!places || !list)
		goto oom;
	for (i = 0; i < len; i++) {
		json_object *f = json_object_array_get_idx(arr, i), *g;
		json_object *acc = report_get(report_get(f, "in_run"),
					      "accepted");

		if (acc && json_object_get_boolean(acc))
			continue;	/* known risks: not what to do first */
		g = group_of(places, f);
		if (!g)
			goto oom;
		c = report_get(g, "counts");
		k = report_severity_rank(report_str(f, "severity"));
		if (k > 3)
			k = 3;	/* a name no vigil writes: the lowest */
		json_object_object_add(c, report_severities[k],
			json_object_new_int(report_int(c,
						report_severities[k]) + 1));
	}
	v = calloc((size_t)json_object_object_length(places) + 1,
		   sizeof(*v));
	if (!v)
		goto oom;
	json_object_object_foreach(places, key, g) {
		(void)key;
		v[n++] = g;
	}
	qsort(v, n, sizeof(*v), by_kind_then_counts);
	for (i = 0; i < n; i++)
		if (json_object_array_add(list, json_object_get(v[i])) < 0)
			goto oom;
	free(v);
	json_object_put(places);
	json_object_object_add(doc, "places", list);
	return 0;
oom:
	free(v);
	json_object_put(places);
	json_object_put(list);
	return -1;
}

void report_place_name(json_object *g, struct sbuf *out)
{
	const char *kind = report_str(g, "kind");

	if (!strcmp(kind, "host")) {
		sbuf_adds(out, "this host");
		return;
	}
	if (!strcmp(kind, "netns")) {
		sbuf_printf(out, "network namespace %s",
			    report_str(g, "name"));
		return;
	}
	sbuf_printf(out, "container %s", *report_str(g, "name") ?
		    report_str(g, "name") : "(no name)");
	sbuf_printf(out, " (%s%s%.12s)", report_str(g, "runtime"),
		    *report_str(g, "runtime") ? " " : "",
		    report_str(g, "id"));
	if (*report_str(g, "pod_name"))
		sbuf_printf(out, ", pod %s%s%s",
			    report_str(g, "pod_namespace"),
			    *report_str(g, "pod_namespace") ? "/" : "",
			    report_str(g, "pod_name"));
	else if (*report_str(g, "pod_id"))
		sbuf_printf(out, ", pod %.12s", report_str(g, "pod_id"));
}

bool report_places_worth_showing(json_object *doc)
{
	json_object *places = report_get(doc, "places");
	size_t i;

	for (i = 0; places && i < json_object_array_length(places); i++)
		if (strcmp(report_str(json_object_array_get_idx(places, i),
				      "kind"), "host"))
			return true;
	return false;
}
