// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the report renderers share: reading the document, the order of
 * severities and findings, and the wording of assets, coverage and
 * durations.  Below the renderers; report.c dispatches to them.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findings/findings.h"
#include "lib/jsonutil.h"
#include "report/report.h"
#include "core/rulemeta.h"

const char *const report_severities[4] = {
	"High", "Medium", "Low", "Informational",
};

int report_severity_rank(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, report_severities[i]))
			return i;
	return 4;
}

const char *report_value(json_object *val)
{
	if (json_object_is_type(val, json_type_string))
		return json_object_get_string(val);
	return json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

json_object *report_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

json_object *report_coverage(json_object *doc, size_t *n)
{
	json_object *cov = report_get(doc, "coverage");

	*n = 0;
	if (!cov || !json_object_is_type(cov, json_type_array))
		return NULL;
	*n = json_object_array_length(cov);
	return cov;
}

const char *report_str(json_object *o, const char *key)
{
	json_object *v = report_get(o, key);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : "";
}

int report_int(json_object *o, const char *key)
{
	json_object *v = report_get(o, key);

	return v ? json_object_get_int(v) : 0;
}

/* Position of a rule in the shown order: severity, then catalog. */
static int rule_rank(const char *id)
{
	const struct rule_meta *m = rule_meta_by_name(id);

	if (!m)
		return 1000;
	return (SEV_HIGH - (int)m->severity) * RULE_COUNT + (int)m->idx;
}

/* The directory of a path: "/opt/app" of "/opt/app/bin/x"'s parent. */
static void dir_of(const char *path, struct sbuf *out)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return;
	sbuf_addn(out, path, slash == path ? 1 : (size_t)(slash - path));
}

void report_group_key(json_object *f, struct sbuf *out)
{
	json_object *a = report_get(f, "attributes");
	const char *rule = report_str(f, "rule");
	const char *pkg = report_str(a, "package");
	const char *ctr = report_str(a, "container_name");
	size_t start = out->len;

	if (!strcmp(rule, "root-process-insecure-permissions")) {
		if (*report_str(a, "directory"))
			sbuf_printf(out, "directory %s",
				    report_str(a, "directory"));
		else if (*report_str(a, "module")) {
			sbuf_adds(out, "directory ");
			dir_of(report_str(a, "module"), out);
		}
	} else if (!strncmp(rule, "software-without-", 17)) {
		if (*pkg && strcmp(pkg, "none") && strcmp(pkg, "unknown")) {
			sbuf_printf(out, "package %s", pkg);
		} else if (*report_str(a, "path")) {
			sbuf_adds(out, "directory ");
			dir_of(report_str(a, "path"), out);
		}
	} else if (*report_str(a, "program")) {
		sbuf_printf(out, "program %s", report_str(a, "program"));
	}
	if (*ctr)
		sbuf_printf(out, "%scontainer %s", out->len > start ? ", " : "",
			    ctr);
}

/* Rules in their order; in one, what findings share; the newest first. */
static int by_rule_then_recent(const void *a, const void *b)
{
	json_object *fa = *(json_object *const *)a;
	json_object *fb = *(json_object *const *)b;
	int d = rule_rank(report_str(fa, "rule")) -
		rule_rank(report_str(fb, "rule"));
	struct sbuf ga, gb;

	if (d)
		return d;
	sbuf_init(&ga);
	sbuf_init(&gb);
	report_group_key(fa, &ga);
	report_group_key(fb, &gb);
	d = strcmp(sbuf_str(&ga), sbuf_str(&gb));
	sbuf_free(&ga);
	sbuf_free(&gb);
	if (d)
		return d;
	d = strcmp(report_str(fb, "last_seen"), report_str(fa, "last_seen"));
	return d ? d : strcmp(report_str(fa, "id"), report_str(fb, "id"));
}

json_object **report_sorted_findings(json_object *doc, bool accepted,
				     size_t *n)
{
	json_object *arr = report_get(doc, "findings");
	size_t i, len = arr && json_object_is_type(arr, json_type_array) ?
			json_object_array_length(arr) : 0;
	json_object **v = calloc(len ? len : 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < len; i++) {
		json_object *f = json_object_array_get_idx(arr, i);
		json_object *in = report_get(f, "in_run");
		json_object *acc = report_get(in, "accepted");

		if ((acc && json_object_get_boolean(acc)) == accepted)
			v[(*n)++] = f;
	}
	qsort(v, *n, sizeof(*v), by_rule_then_recent);
	return v;
}

void report_asset(json_object *f, struct sbuf *out)
{
	json_object *a = report_get(f, "attributes");
	const char *path = report_str(a, "path"), *prog = report_str(a,
							"program");
	const char *proto = report_str(a, "protocol");
	int port = report_int(a, "port") ? report_int(a, "port") :
		   report_int(a, "remote_port");

	if (!*path)
		path = report_str(a, "module");
	if (!*prog)
		prog = report_str(a, "exe");
	if (*path)
		sbuf_adds(out, path);
	if (*prog && strcmp(prog, path)) {
		sbuf_adds(out, *path ? " (run by " : "");
		sbuf_adds(out, prog);
		sbuf_adds(out, *path ? ")" : "");
	}
	if (port)
		sbuf_printf(out, "%s%s%s%d", out->len ? " on " : "",
			    proto, *proto ? "/" : "port ", port);
	if (!out->len)
		sbuf_adds(out, *report_str(f, "asset_key") ?
			  report_str(f, "asset_key") : report_str(f, "id"));
}

static unsigned long long observed(json_object *doc, const char *key)
{
	json_object *v = report_get(report_get(doc, "observed"), key);

	return v ? (unsigned long long)json_object_get_int64(v) : 0;
}

void report_looked_at(json_object *doc, const char *rule, struct sbuf *out)
{
	const struct rule_meta *m = rule_meta_by_name(rule);
	json_object *known = report_get(report_get(doc, "observed"), "known");

	if (!known || !json_object_get_boolean(known)) {
		sbuf_adds(out, "not recorded for this run");
		return;
	}
	switch (m ? m->idx : RULE_COUNT) {
	case RULE_CLIENT_LOGIN:
	case RULE_CLIENT_GENERAL:
		sbuf_printf(out, "%llu connections tracked",
			    observed(doc, "flows"));
		break;
	case RULE_SERVER_PROTOCOLS:
		sbuf_printf(out, "%llu connections tracked to %llu listening sockets",
			    observed(doc, "flows"),
			    observed(doc, "listeners"));
		break;
	case RULE_UNUSED_PORTS:
		sbuf_printf(out, "%llu listening sockets, %llu connections tracked",
			    observed(doc, "listeners"),
			    observed(doc, "flows"));
		break;
	case RULE_NO_DEP:
	case RULE_NO_STACK_COOKIES:
		sbuf_printf(out, "%llu binaries judged (%llu from packages not judged), %llu programs started",
			    observed(doc, "binaries_judged"),
			    observed(doc, "binaries_packaged"),
			    observed(doc, "execs"));
		break;
	case RULE_ROOT_PERMS:
		sbuf_printf(out, "%llu files of root processes checked, %llu processes",
			    observed(doc, "root_checks"),
			    observed(doc, "processes"));
		break;
	default:
		sbuf_adds(out, "unknown rule");
	}
}

void report_rules_enabled(json_object *doc, struct sbuf *out)
{
	json_object *rules = report_get(doc, "rules");
	size_t i, n = rules ? json_object_array_length(rules) : 0;
	int on = 0;

	for (i = 0; i < n; i++)
		on += json_object_get_boolean(report_get(
			json_object_array_get_idx(rules, i), "enabled"));
	sbuf_printf(out, "%d of %zu", on, n);
	if (on == (int)n)
		return;
	sbuf_adds(out, "; off:");
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(rules, i);

		if (!json_object_get_boolean(report_get(r, "enabled")))
			sbuf_printf(out, " %s", report_str(r, "id"));
	}
}

void report_duration(json_object *run, struct sbuf *out)
{
	int64_t s, e;

	if (parse_utc(report_str(run, "start"), &s) == 0 &&
	    parse_utc(report_str(run, "end"), &e) == 0 && e >= s)
		sbuf_printf(out, "%llds", (long long)(e - s));
	else
		sbuf_adds(out, "still collecting");
	sbuf_printf(out, " (of %ds asked)", report_int(run, "duration"));
}
