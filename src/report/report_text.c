// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reports as plain text, for a terminal or a ticket.  Host strings are
 * already in the text form (valid UTF-8, no control character), so
 * they are printed as they are.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static void field(json_object *f, const char *key, json_object *val,
		  struct sbuf *out)
{
	sbuf_printf(out, "      %-18s ", key);
	report_evidence_value(f, key, val, out);
	sbuf_addc(out, '\n');
}

/*
 * The evidence of a finding, one "key: value" per line: the fields that
 * explain it; the others with full, else only named.
 */
static void evidence(json_object *f, bool full, struct sbuf *out)
{
	json_object *a = report_get(f, "attributes"), *v;
	const char *rule = report_str(f, "rule");
	const char *const *k;
	size_t other = 0;

	if (!a || !json_object_is_type(a, json_type_object))
		return;
	for (k = report_key_fields(rule); *k; k++)
		if ((v = report_get(a, *k)))
			field(f, *k, v, out);
	json_object_object_foreach(a, key, val) {
		if (report_is_key_field(rule, key))
			continue;
		if (full) {
			field(f, key, val, out);
			continue;
		}
		sbuf_adds(out, other++ ? ", " : "      (also ");
		sbuf_adds(out, key);
	}
	if (other)
		sbuf_adds(out, ": --full shows them)\n");
}

static void finding(json_object *f, bool full, struct sbuf *out)
{
	json_object *in = report_get(f, "in_run");
	json_object *acc = report_get(f, "acceptance");
	struct sbuf asset;

	sbuf_init(&asset);
	report_asset(f, &asset);
	sbuf_printf(out, "  * %s  %s\n", report_str(f, "id"), sbuf_str(&asset));
	sbuf_free(&asset);
	if (report_get(f, "no_longer_kept")) {
		sbuf_adds(out, "      (no longer kept: given way to newer findings)\n");
		return;
	}
	sbuf_printf(out, "      first seen %s, last seen %s, %d sighting%s in all, status %s\n",
		    report_str(f, "first_seen"), report_str(f, "last_seen"),
		    report_int(f, "count"),
		    report_int(f, "count") == 1 ? "" : "s",
		    report_str(f, "status"));
	if (report_int(in, "count"))
		sbuf_printf(out, "      in this run: %d sighting%s, %s to %s\n",
			    report_int(in, "count"),
			    report_int(in, "count") == 1 ? "" : "s",
			    report_str(in, "first_seen"),
			    report_str(in, "last_seen"));
	if (acc)
		sbuf_printf(out, "      accepted by %s%s%s: %s\n",
			    report_str(acc, "by"),
			    *report_str(acc, "until") ? " until " : "",
			    report_str(acc, "until"),
			    report_str(acc, "reason"));
	sbuf_init(&asset);
	report_tags(report_get(f, "tags"), &asset);
	if (asset.len)
		sbuf_printf(out, "      %-18s %s\n", "tags", sbuf_str(&asset));
	sbuf_free(&asset);
	evidence(f, full, out);
}

/*
 * Findings grouped under their rule, with its recommendation once, and
 * under what several of them share (a directory, a package).
 */
static void findings(json_object **v, size_t n, bool full,
		     struct sbuf *out)
{
	const char *rule = NULL;
	size_t i, k, left = 0;
	struct sbuf key;

	sbuf_init(&key);
	for (i = 0; i < n; i++) {
		if (!rule || strcmp(rule, report_str(v[i], "rule"))) {
			rule = report_str(v[i], "rule");
			for (k = i; k < n && !strcmp(rule,
					report_str(v[k], "rule")); k++)
				;
			sbuf_printf(out, "\n[%s] %s (%s): %zu finding%s\n",
				    report_str(v[i], "severity"),
				    report_str(v[i], "title"), rule, k - i,
				    k - i == 1 ? "" : "s");
			if (*report_str(v[i], "recommendation"))
				sbuf_printf(out, "  Recommendation: %s\n",
					    report_str(v[i], "recommendation"));
			left = 0;
		}
		if (!left) {
			left = report_same_group(v, n, i, &key);
			if (left > 1 && key.len)
				sbuf_printf(out, "  %zu findings, %s:\n", left,
					    sbuf_str(&key));
		}
		left--;
		finding(v[i], full, out);
	}
	sbuf_free(&key);
}

/* The few groups of findings to act on first, with what to do. */
static void first(json_object *doc, struct sbuf *out)
{
	json_object *l = report_get(doc, "fix_first");
	size_t i;

	if (!l || !json_object_array_length(l))
		return;
	sbuf_adds(out, "\nFix these first:\n");
	for (i = 0; i < json_object_array_length(l); i++) {
		json_object *e = json_object_array_get_idx(l, i);

		sbuf_printf(out, "  %zu. [%s] %s: %d finding%s%s%s (e.g. %s)\n",
			    i + 1, report_str(e, "severity"),
			    report_str(e, "title"), report_int(e, "findings"),
			    report_int(e, "findings") == 1 ? "" : "s",
			    *report_str(e, "group") ? ", " : "",
			    report_str(e, "group"), report_str(e, "example"));
		if (*report_str(e, "recommendation"))
			sbuf_printf(out, "     %s\n",
				    report_str(e, "recommendation"));
	}
}

static void counts(json_object *doc, struct sbuf *out)
{
	json_object *c = report_get(report_get(doc, "run"), "counts");
	int i;

	sbuf_adds(out, "Findings:  ");
	for (i = 0; i < 4; i++)
		sbuf_printf(out, "%s%s %d", i ? ", " : "",
			    report_severities[i],
			    report_int(c, report_severities[i]));
	if (report_int(report_get(doc, "run"), "accepted"))
		sbuf_printf(out, " (%d accepted)",
			    report_int(report_get(doc, "run"), "accepted"));
	if (report_int(report_get(doc, "run"), "resolved"))
		sbuf_printf(out, "; %d resolved by this run",
			    report_int(report_get(doc, "run"), "resolved"));
	sbuf_addc(out, '\n');
}

/* Open findings by place, when anything happened off the host. */
static void places(json_object *doc, struct sbuf *out)
{
	json_object *pl = report_get(doc, "places");
	struct sbuf name;
	size_t i;

	if (!report_places_worth_showing(doc))
		return;
	sbuf_init(&name);
	sbuf_adds(out, "\nBy place (open findings):\n"
		  "  HIGH  MED  LOW INFO  PLACE\n");
	for (i = 0; i < json_object_array_length(pl); i++) {
		json_object *g = json_object_array_get_idx(pl, i);
		json_object *c = report_get(g, "counts");

		sbuf_reset(&name);
		report_place_name(g, &name);
		sbuf_printf(out, "  %4d %4d %4d %4d  %s", report_int(c,
			    report_severities[0]), report_int(c,
			    report_severities[1]), report_int(c,
			    report_severities[2]), report_int(c,
			    report_severities[3]), sbuf_str(&name));
		if (*report_str(g, "image"))
			sbuf_printf(out, ", image %s", report_str(g, "image"));
		sbuf_addc(out, '\n');
	}
	sbuf_free(&name);
}

/* The run's coverage: complete, or each thing it could not assess. */
static void coverage(json_object *doc, struct sbuf *out)
{
	size_t i, n;
	json_object *cov = report_coverage(doc, &n);

	if (!cov)
		return;
	if (!n) {
		sbuf_adds(out, "Coverage:  " REPORT_COVERAGE_COMPLETE "\n");
		return;
	}
	sbuf_adds(out, "Coverage:  not complete:\n");
	for (i = 0; i < n; i++)
		sbuf_printf(out, "           - %s\n",
			    report_str(json_object_array_get_idx(cov, i),
				       "what"));
}

int report_run_text(json_object *doc, bool full, struct sbuf *out)
{
	json_object *run = report_get(doc, "run"), *host = report_get(doc,
								     "host");
	json_object *ob = report_get(doc, "observed"), **v;
	json_object *rules = report_get(doc, "rules");
	size_t n, i;
	struct sbuf t;

	sbuf_init(&t);
	sbuf_printf(out, "vigil assessment report%s\n\n",
		    full ? " (full)" : "");
	sbuf_printf(out, "Host:      %s (machine-id %s)\n",
		    report_str(host, "hostname"),
		    *report_str(host, "machine_id") ?
		    report_str(host, "machine_id") : "unknown");
	report_tags(report_get(host, "tags"), &t);
	if (t.len)
		sbuf_printf(out, "Tags:      %s\n", sbuf_str(&t));
	sbuf_reset(&t);
	sbuf_printf(out, "Run:       %s, %s%s%s%s\n", report_str(run, "id"),
		    report_str(run, "state"),
		    *report_str(run, "reason") ? " (" : "",
		    report_str(run, "reason"),
		    *report_str(run, "reason") ? ")" : "");
	report_duration(run, &t);
	sbuf_printf(out, "Time:      %s to %s, %s\n", report_str(run, "start"),
		    *report_str(run, "end") ? report_str(run, "end") : "now",
		    sbuf_str(&t));
	sbuf_reset(&t);
	report_rules_enabled(doc, &t);
	sbuf_printf(out, "Rules:     %s enabled\n", sbuf_str(&t));
	if (json_object_get_boolean(report_get(ob, "known")))
		sbuf_printf(out, "Observed:  %d connections, %d listening sockets, %d processes, %d programs started,\n"
			    "           %d binaries judged (%d from packages), %d root files checked, %d events lost\n",
			    report_int(ob, "flows"), report_int(ob, "listeners"),
			    report_int(ob, "processes"),
			    report_int(ob, "execs"),
			    report_int(ob, "binaries_judged"),
			    report_int(ob, "binaries_packaged"),
			    report_int(ob, "root_checks"),
			    report_int(ob, "events_lost"));
	else
		sbuf_adds(out, "Observed:  not recorded for this run\n");
	coverage(doc, out);
	counts(doc, out);
	if (report_get(doc, "findings_dropped"))
		sbuf_adds(out, "Note:      this run's list of findings gave way to newer runs'; only its counts are kept\n");
	sbuf_printf(out, "Generated: %s by vigil %s\n",
		    report_str(doc, "generated"),
		    report_str(report_get(doc, "product"), "version"));
	places(doc, out);
	first(doc, out);
	v = report_sorted_findings(doc, false, &n);
	if (!v)
		goto oom;
	if (!n)
		sbuf_adds(out, "\nNo finding in this run.\n");
	findings(v, n, full, out);
	free(v);
	v = report_sorted_findings(doc, true, &n);
	if (!v)
		goto oom;
	if (n) {
		sbuf_printf(out, "\nAccepted findings (known risks, not announced): %zu\n",
			    n);
		findings(v, n, full, out);
	}
	free(v);
	if (full) {
		sbuf_adds(out, "\nRules and what they looked at:\n");
		for (i = 0; rules && i < json_object_array_length(rules); i++) {
			json_object *r = json_object_array_get_idx(rules, i);

			sbuf_reset(&t);
			report_looked_at(doc, report_str(r, "id"), &t);
			sbuf_printf(out, "  %-36s %-13s %s, %d finding%s: %s\n",
				    report_str(r, "id"),
				    report_str(r, "severity"),
				    json_object_get_boolean(report_get(r,
					"enabled")) ? "enabled" : "disabled",
				    report_int(r, "findings"),
				    report_int(r, "findings") == 1 ? "" : "s",
				    sbuf_str(&t));
		}
	}
	sbuf_free(&t);
	return sbuf_failed(out) ? -1 : 0;
oom:
	sbuf_free(&t);
	return -1;
}

/* Open findings in containers, by image: what to rebuild first. */
static void fleet_images_text(json_object *images, struct sbuf *out)
{
	size_t i, j;

	if (!images || !json_object_array_length(images))
		return;
	sbuf_adds(out, "\nImages: open findings in containers\n"
		  "  HIGH  MED  LOW INFO  CONTAINERS  IMAGE, HOSTS\n");
	for (i = 0; i < json_object_array_length(images); i++) {
		json_object *e = json_object_array_get_idx(images, i);
		json_object *c = report_get(e, "open");
		json_object *hl = report_get(e, "hosts");

		sbuf_printf(out, "  %4d %4d %4d %4d  %10d  %s",
			    report_int(c, report_severities[0]),
			    report_int(c, report_severities[1]),
			    report_int(c, report_severities[2]),
			    report_int(c, report_severities[3]),
			    report_int(e, "containers"),
			    report_str(e, "image"));
		for (j = 0; hl && j < json_object_array_length(hl); j++)
			sbuf_printf(out, "%s%s", j ? ", " : ", on ",
				    json_object_get_string(
					json_object_array_get_idx(hl, j)));
		sbuf_addc(out, '\n');
	}
}

int report_fleet_text(json_object *doc, struct sbuf *out)
{
	json_object *hosts = report_get(doc, "hosts");
	json_object *rules = report_get(doc, "rules");
	json_object *problems = report_get(doc, "problems");
	json_object *src = report_get(doc, "sources");
	size_t i, j;

	sbuf_printf(out, "vigil fleet report\n\nGenerated: %s from %d lines (%d finding events, %d run events, %d not understood)\n",
		    report_str(doc, "generated"), report_int(doc, "lines"),
		    report_int(doc, "finding_events"),
		    report_int(doc, "run_events"), report_int(doc, "skipped"));
	for (i = 0; src && i < json_object_array_length(src); i++)
		sbuf_printf(out, "  %s\n", json_object_get_string(
				json_object_array_get_idx(src, i)));
	sbuf_printf(out, "\nHosts: %zu\n",
		    hosts ? json_object_array_length(hosts) : 0);
	sbuf_printf(out, "  %-24s %-32s %5s %5s %5s %5s %8s %8s  %s\n", "HOST",
		    "MACHINE-ID", "HIGH", "MED", "LOW", "INFO", "ACCEPTED",
		    "RESOLVED", "LAST EVENT");
	for (i = 0; hosts && i < json_object_array_length(hosts); i++) {
		json_object *h = json_object_array_get_idx(hosts, i);
		json_object *c = report_get(h, "open");

		sbuf_printf(out, "  %-24s %-32s %5d %5d %5d %5d %8d %8d  %s\n",
			    report_str(h, "hostname"),
			    report_str(h, "machine_id"),
			    report_int(c, "High"), report_int(c, "Medium"),
			    report_int(c, "Low"),
			    report_int(c, "Informational"),
			    report_int(h, "accepted"),
			    report_int(h, "resolved"),
			    report_str(h, "last_event"));
	}
	sbuf_adds(out, "\nRules: open findings and the hosts that have them\n");
	for (i = 0; rules && i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i);
		json_object *hl = report_get(r, "hosts");

		sbuf_printf(out, "  [%s] %s: %d finding%s on %zu host%s",
			    report_str(r, "severity"), report_str(r, "id"),
			    report_int(r, "findings"),
			    report_int(r, "findings") == 1 ? "" : "s",
			    json_object_array_length(hl),
			    json_object_array_length(hl) == 1 ? "" : "s");
		for (j = 0; j < json_object_array_length(hl); j++)
			sbuf_printf(out, "%s%s", j ? ", " : ": ",
				    json_object_get_string(
					json_object_array_get_idx(hl, j)));
		sbuf_addc(out, '\n');
	}
	sbuf_adds(out, "\nProblems (same rule and asset) by severity, then number of hosts:\n");
	for (i = 0; problems && i < json_object_array_length(problems); i++) {
		json_object *p = json_object_array_get_idx(problems, i);
		json_object *hl = report_get(p, "hosts");

		sbuf_printf(out, "  %3zu host%s  %-8s %s  %s%s%s  [%s]\n",
			    json_object_array_length(hl),
			    json_object_array_length(hl) == 1 ? " " : "s",
			    report_str(p, "severity"), report_str(p, "rule"),
			    report_str(p, "asset"),
			    *report_str(p, "image") ? " in image " : "",
			    report_str(p, "image"),
			    report_str(p, "fingerprint"));
	}
	fleet_images_text(report_get(doc, "images"), out);
	return sbuf_failed(out) ? -1 : 0;
}
