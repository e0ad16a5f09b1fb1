// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reports as one self-contained HTML file: no script, no external
 * asset, the severity summary drawn inline as SVG, and print styles so
 * a browser's "print to PDF" gives a clean document.  Every value from
 * the host is escaped: a file name holding "<script>" stays text.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/report.h"

static void ev_row(json_object *f, const char *key, json_object *val,
		   struct sbuf *out)
{
	struct sbuf v;

	sbuf_init(&v);
	report_evidence_value(f, key, val, &v);
	html_tag(out, "<tr><th>", key, "</th><td class=\"mono\">");
	html_tag(out, "", sbuf_str(&v), "</td></tr>");
	sbuf_free(&v);
}

/* The fields that explain the finding; the rest one click away. */
static void evidence(json_object *f, struct sbuf *out)
{
	json_object *a = report_get(f, "attributes"), *v;
	const char *rule = report_str(f, "rule");
	const char *const *k;
	int other = 0;

	if (!a || !json_object_is_type(a, json_type_object))
		return;
	sbuf_adds(out, "<table class=\"ev\">");
	for (k = report_key_fields(rule); *k; k++)
		if ((v = report_get(a, *k)))
			ev_row(f, *k, v, out);
	sbuf_adds(out, "</table>");
	json_object_object_foreach(a, key, val) {
		(void)val;
		if (!report_is_key_field(rule, key))
			other++;
	}
	if (!other)
		return;
	sbuf_printf(out, "<details><summary>%d more</summary><table class=\"ev\">",
		    other);
	json_object_object_foreach(a, k2, v2)
		if (!report_is_key_field(rule, k2))
			ev_row(f, k2, v2, out);
	sbuf_adds(out, "</table></details>");
}

static void finding_row(json_object *f, struct sbuf *out)
{
	json_object *in = report_get(f, "in_run");
	json_object *acc = report_get(f, "acceptance");
	struct sbuf asset;

	sbuf_init(&asset);
	report_asset(f, &asset);
	html_tag(out, "<tr class=\"finding\" id=\"f-", report_str(f, "id"), "\">");
	html_tag(out, "<td class=\"mono\">", report_str(f, "id"), "</td>");
	html_tag(out, "<td class=\"asset mono\">", sbuf_str(&asset), "");
	sbuf_free(&asset);
	if (report_get(f, "no_longer_kept")) {
		sbuf_adds(out, "<br><em>no longer kept: given way to newer findings</em></td><td></td><td></td></tr>\n");
		return;
	}
	if (acc) {
		sbuf_adds(out, "<p class=\"accepted\">Accepted by ");
		html_esc(out, report_str(acc, "by"));
		if (*report_str(acc, "until"))
			html_tag(out, " until ", report_str(acc, "until"), "");
		html_tag(out, ": ", report_str(acc, "reason"), "</p>");
	}
	sbuf_init(&asset);
	report_tags(report_get(f, "tags"), &asset);
	if (asset.len)
		html_tag(out, "<p class=\"tags\">Tags: ", sbuf_str(&asset), "</p>");
	sbuf_free(&asset);
	evidence(f, out);
	sbuf_adds(out, "</td>");
	html_tag(out, "<td>", report_str(f, "first_seen"), "<br>");
	html_tag(out, "", report_str(f, "last_seen"), "</td>");
	sbuf_printf(out, "<td class=\"n\">%d", report_int(in, "count"));
	sbuf_printf(out, " <span class=\"accepted\">(%d in all)</span></td></tr>\n",
		    report_int(f, "count"));
}

static void findings(json_object **v, size_t n, struct sbuf *out)
{
	const char *rule = NULL;
	size_t i, k, left = 0;
	struct sbuf key;

	sbuf_init(&key);
	for (i = 0; i < n; i++) {
		if (!rule || strcmp(rule, report_str(v[i], "rule"))) {
			if (rule)
				sbuf_adds(out, "</tbody></table>\n");
			rule = report_str(v[i], "rule");
			for (k = i; k < n && !strcmp(rule,
					report_str(v[k], "rule")); k++)
				;
			sbuf_printf(out, "<section class=\"rule\" id=\"rule-");
			html_esc(out, rule);
			sbuf_printf(out, "\">\n<h3><span class=\"sev %s\">",
				    html_sev(report_str(v[i], "severity")));
			html_esc(out, report_str(v[i], "severity"));
			html_tag(out, "</span> ", report_str(v[i], "title"), "");
			html_tag(out, " <code>", rule, "</code>");
			sbuf_printf(out, " &mdash; %zu finding%s</h3>\n", k - i,
				    k - i == 1 ? "" : "s");
			if (*report_str(v[i], "recommendation"))
				html_tag(out, "<p class=\"rec\"><strong>Recommendation:</strong> ",
				    report_str(v[i], "recommendation"),
				    "</p>\n");
			sbuf_adds(out, "<table><thead><tr><th>ID</th><th>Asset and evidence</th><th>First / last seen</th><th>Sightings in run</th></tr></thead><tbody>\n");
			left = 0;
		}
		if (!left) {
			left = report_same_group(v, n, i, &key);
			if (left > 1 && key.len) {
				sbuf_printf(out, "<tr class=\"group\"><td colspan=\"4\">%zu findings, ",
					    left);
				html_tag(out, "", sbuf_str(&key), "</td></tr>\n");
			}
		}
		left--;
		finding_row(v[i], out);
		if (i + 1 == n)
			sbuf_adds(out, "</tbody></table></section>\n");
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
	sbuf_adds(out, "<h2>Fix these first</h2>\n<ol class=\"first\">\n");
	for (i = 0; i < json_object_array_length(l); i++) {
		json_object *e = json_object_array_get_idx(l, i);

		sbuf_printf(out, "<li><span class=\"sev %s\">%s</span> ",
			    html_sev(report_str(e, "severity")),
			    html_sev(report_str(e, "severity")));
		html_tag(out, "<strong>", report_str(e, "title"), "</strong>");
		sbuf_printf(out, ": %d finding%s", report_int(e, "findings"),
			    report_int(e, "findings") == 1 ? "" : "s");
		if (*report_str(e, "group"))
			html_tag(out, ", ", report_str(e, "group"), "");
		html_tag(out, " (e.g. <a href=\"#f-", report_str(e, "example"),
		    "\">");
		html_tag(out, "", report_str(e, "example"), "</a>)");
		html_tag(out, "<br>", report_str(e, "recommendation"), "</li>\n");
	}
	sbuf_adds(out, "</ol>\n");
}

/* Open findings by place, when anything happened off the host. */
static void places(json_object *doc, struct sbuf *out)
{
	json_object *pl = report_get(doc, "places");
	struct sbuf name;
	size_t i;
	int k;

	if (!report_places_worth_showing(doc))
		return;
	sbuf_init(&name);
	sbuf_adds(out, "<h2>By place</h2>\n<table class=\"places\"><thead><tr><th>Place</th><th>Image</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th></tr></thead><tbody>\n");
	for (i = 0; i < json_object_array_length(pl); i++) {
		json_object *g = json_object_array_get_idx(pl, i);

		sbuf_reset(&name);
		report_place_name(g, &name);
		html_tag(out, "<tr class=\"place\"><td>", sbuf_str(&name), "</td>");
		html_tag(out, "<td class=\"mono\">", report_str(g, "image"),
		    "</td>");
		for (k = 0; k < 4; k++)
			sbuf_printf(out, "<td class=\"n\">%d</td>",
				    report_int(report_get(g, "counts"),
					       report_severities[k]));
		sbuf_adds(out, "</tr>\n");
	}
	sbuf_adds(out, "</tbody></table>\n");
	sbuf_free(&name);
}

static void meta(struct sbuf *out, const char *k, const char *v)
{
	html_tag(out, "<dt>", k, "</dt>");
	html_tag(out, "<dd>", v, "</dd>\n");
}

/* The run's coverage: complete, or each thing it could not assess. */
static void coverage(json_object *doc, struct sbuf *out)
{
	size_t i, n;
	json_object *cov = report_coverage(doc, &n);

	if (!cov)
		return;
	if (!n) {
		meta(out, "Coverage", REPORT_COVERAGE_COMPLETE);
		return;
	}
	sbuf_adds(out, "<dt>Coverage</dt><dd class=\"coverage\">not complete:<ul>\n");
	for (i = 0; i < n; i++)
		html_tag(out, "<li>", report_str(json_object_array_get_idx(cov, i),
					    "what"), "</li>\n");
	sbuf_adds(out, "</ul></dd>\n");
}

int report_run_html(json_object *doc, bool full, struct sbuf *out)
{
	json_object *run = report_get(doc, "run"), *host = report_get(doc,
								     "host");
	json_object *counts = report_get(run, "counts"), **v;
	json_object *rules = report_get(doc, "rules");
	json_object *ob = report_get(doc, "observed");
	int n4[4], i;
	size_t n, j;
	struct sbuf t;

	sbuf_init(&t);
	sbuf_printf(&t, "vigil report: %s, run %s",
		    report_str(host, "hostname"), report_str(run, "id"));
	html_head(out, sbuf_str(&t));
	html_tag(out, "<h1>", sbuf_str(&t), "</h1>\n");
	sbuf_adds(out, "<dl class=\"meta\">\n");
	meta(out, "Host", report_str(host, "hostname"));
	meta(out, "Machine-id", report_str(host, "machine_id"));
	sbuf_reset(&t);
	report_tags(report_get(host, "tags"), &t);
	if (t.len)
		meta(out, "Tags", sbuf_str(&t));
	meta(out, "Run", report_str(run, "id"));
	sbuf_reset(&t);
	sbuf_printf(&t, "%s%s%s%s", report_str(run, "state"),
		    *report_str(run, "reason") ? " (" : "",
		    report_str(run, "reason"),
		    *report_str(run, "reason") ? ")" : "");
	meta(out, "State", sbuf_str(&t));
	meta(out, "Start", report_str(run, "start"));
	meta(out, "End", *report_str(run, "end") ? report_str(run, "end") :
	     "still collecting");
	sbuf_reset(&t);
	report_duration(run, &t);
	meta(out, "Duration", sbuf_str(&t));
	sbuf_reset(&t);
	report_rules_enabled(doc, &t);
	meta(out, "Rules enabled", sbuf_str(&t));
	sbuf_reset(&t);
	if (json_object_get_boolean(report_get(ob, "known")))
		sbuf_printf(&t, "%d connections, %d listening sockets, %d processes, %d programs started, %d binaries judged (%d from packages), %d root files checked, %d events lost",
			    report_int(ob, "flows"), report_int(ob, "listeners"),
			    report_int(ob, "processes"),
			    report_int(ob, "execs"),
			    report_int(ob, "binaries_judged"),
			    report_int(ob, "binaries_packaged"),
			    report_int(ob, "root_checks"),
			    report_int(ob, "events_lost"));
	else
		sbuf_adds(&t, "not recorded for this run");
	meta(out, "Observed", sbuf_str(&t));
	coverage(doc, out);
	sbuf_adds(out, "</dl>\n");
	if (report_get(doc, "findings_dropped"))
		sbuf_adds(out, "<p><strong>Note:</strong> this run's list of findings gave way to newer runs'; only its counts are kept.</p>\n");
	/* the counts once: the chart writes each beside its bar */
	sbuf_adds(out, "<h2>Summary</h2>\n");
	for (i = 0; i < 4; i++)
		n4[i] = report_int(counts, report_severities[i]);
	html_svg_counts(out, n4, report_int(run, "accepted"));
	first(doc, out);
	places(doc, out);
	v = report_sorted_findings(doc, false, &n);
	if (!v)
		goto oom;
	sbuf_printf(out, "<h2>Findings (%zu)</h2>\n", n);
	if (!n)
		sbuf_adds(out, "<p>No finding in this run.</p>\n");
	findings(v, n, out);
	free(v);
	v = report_sorted_findings(doc, true, &n);
	if (!v)
		goto oom;
	if (n) {
		sbuf_printf(out, "<h2 id=\"accepted\">Accepted findings (%zu): known risks, not announced</h2>\n",
			    n);
		sbuf_adds(out, "<div class=\"accepted-findings\">\n");
		findings(v, n, out);
		sbuf_adds(out, "</div>\n");
	}
	free(v);
	if (full) {
		sbuf_adds(out, "<h2>Rules and what they looked at</h2>\n<table class=\"rules\"><thead><tr><th>Rule</th><th>Severity</th><th>Enabled</th><th>Findings</th><th>Looked at</th></tr></thead><tbody>\n");
		for (j = 0; rules && j < json_object_array_length(rules); j++) {
			json_object *r = json_object_array_get_idx(rules, j);

			sbuf_reset(&t);
			report_looked_at(doc, report_str(r, "id"), &t);
			html_tag(out, "<tr><td><code>", report_str(r, "id"),
			    "</code><br>");
			html_esc(out, report_str(r, "title"));
			html_tag(out, "</td><td>", report_str(r, "severity"),
			    "</td>");
			sbuf_printf(out, "<td>%s</td><td class=\"n\">%d</td>",
				    json_object_get_boolean(report_get(r,
					"enabled")) ? "yes" : "no",
				    report_int(r, "findings"));
			html_tag(out, "<td>", sbuf_str(&t), "</td></tr>\n");
		}
		sbuf_adds(out, "</tbody></table>\n");
	}
	html_tag(out, "<footer>Generated ", report_str(doc, "generated"), "");
	html_tag(out, " by vigil ", report_str(report_get(doc, "product"),
					 "version"), ".</footer>\n");
	sbuf_adds(out, "</body>\n</html>\n");
	sbuf_free(&t);
	return sbuf_failed(out) ? -1 : 0;
oom:
	sbuf_free(&t);
	return -1;
}

static void host_list(struct sbuf *out, json_object *hl)
{
	size_t j;

	for (j = 0; hl && j < json_object_array_length(hl); j++)
		html_tag(out, j ? ", " : "", json_object_get_string(
			json_object_array_get_idx(hl, j)), "");
}

/* Open findings in containers, by image: what to rebuild first. */
static void fleet_images(json_object *images, struct sbuf *out)
{
	size_t j;
	int i;

	if (!images || !json_object_array_length(images))
		return;
	sbuf_adds(out, "<h2>Images</h2>\n<table class=\"images\"><thead><tr><th>Image</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>Containers</th><th>Hosts</th></tr></thead><tbody>\n");
	for (j = 0; j < json_object_array_length(images); j++) {
		json_object *e = json_object_array_get_idx(images, j);

		html_tag(out, "<tr class=\"image\"><td class=\"mono\">",
		    report_str(e, "image"), "</td>");
		for (i = 0; i < 4; i++)
			sbuf_printf(out, "<td class=\"n\">%d</td>",
				    report_int(report_get(e, "open"),
					       report_severities[i]));
		sbuf_printf(out, "<td class=\"n\">%d</td><td>",
			    report_int(e, "containers"));
		host_list(out, report_get(e, "hosts"));
		sbuf_adds(out, "</td></tr>\n");
	}
	sbuf_adds(out, "</tbody></table>\n");
}

int report_fleet_html(json_object *doc, struct sbuf *out)
{
	json_object *hosts = report_get(doc, "hosts");
	json_object *rules = report_get(doc, "rules");
	json_object *problems = report_get(doc, "problems");
	int tot[4] = { 0 }, i;
	size_t j;

	html_head(out, "vigil fleet report");
	sbuf_adds(out, "<h1>vigil fleet report</h1>\n");
	sbuf_printf(out, "<p>%zu hosts, from %d lines: %d finding events, %d run events, %d not understood. Generated ",
		    hosts ? json_object_array_length(hosts) : 0,
		    report_int(doc, "lines"),
		    report_int(doc, "finding_events"),
		    report_int(doc, "run_events"), report_int(doc, "skipped"));
	html_esc(out, report_str(doc, "generated"));
	sbuf_adds(out, ".</p>\n");
	for (j = 0; hosts && j < json_object_array_length(hosts); j++)
		for (i = 0; i < 4; i++)
			tot[i] += report_int(report_get(
				json_object_array_get_idx(hosts, j), "open"),
				report_severities[i]);
	sbuf_adds(out, "<h2>Open findings by severity, all hosts</h2>\n");
	html_svg_counts(out, tot, 0);
	sbuf_adds(out, "<h2>Hosts</h2>\n<table class=\"hosts\"><thead><tr><th>Host</th><th>Machine-id</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>Accepted</th><th>Resolved</th><th>Last event</th></tr></thead><tbody>\n");
	for (j = 0; hosts && j < json_object_array_length(hosts); j++) {
		json_object *h = json_object_array_get_idx(hosts, j);
		json_object *c = report_get(h, "open");

		html_tag(out, "<tr class=\"host\"><td>", report_str(h, "hostname"),
		    "</td>");
		html_tag(out, "<td class=\"mono\">", report_str(h, "machine_id"),
		    "</td>");
		for (i = 0; i < 4; i++)
			sbuf_printf(out, "<td class=\"n\">%d</td>",
				    report_int(c, report_severities[i]));
		sbuf_printf(out, "<td class=\"n\">%d</td><td class=\"n\">%d</td>",
			    report_int(h, "accepted"),
			    report_int(h, "resolved"));
		html_tag(out, "<td>", report_str(h, "last_event"), "</td></tr>\n");
	}
	sbuf_adds(out, "</tbody></table>\n<h2>Rules</h2>\n<table class=\"rules\"><thead><tr><th>Rule</th><th>Severity</th><th>Open findings</th><th>Hosts</th></tr></thead><tbody>\n");
	for (j = 0; rules && j < json_object_array_length(rules); j++) {
		json_object *r = json_object_array_get_idx(rules, j);

		html_tag(out, "<tr><td><code>", report_str(r, "id"), "</code></td>");
		sbuf_printf(out, "<td><span class=\"sev %s\">%s</span></td><td class=\"n\">%d</td><td>",
			    html_sev(report_str(r, "severity")),
			    html_sev(report_str(r, "severity")),
			    report_int(r, "findings"));
		host_list(out, report_get(r, "hosts"));
		sbuf_adds(out, "</td></tr>\n");
	}
	sbuf_adds(out, "</tbody></table>\n<h2>Problems by severity, then number of hosts</h2>\n<table class=\"problems\"><thead><tr><th>Hosts</th><th>Severity</th><th>Rule</th><th>Asset</th><th>Image</th><th>Which hosts</th></tr></thead><tbody>\n");
	for (j = 0; problems && j < json_object_array_length(problems); j++) {
		json_object *p = json_object_array_get_idx(problems, j);

		sbuf_printf(out, "<tr class=\"problem\"><td class=\"n\">%zu</td><td><span class=\"sev %s\">%s</span></td>",
			    json_object_array_length(report_get(p, "hosts")),
			    html_sev(report_str(p, "severity")),
			    html_sev(report_str(p, "severity")));
		html_tag(out, "<td><code>", report_str(p, "rule"), "</code></td>");
		html_tag(out, "<td class=\"mono\">", report_str(p, "asset"),
		    "</td>");
		html_tag(out, "<td class=\"mono\">", report_str(p, "image"),
		    "</td><td>");
		host_list(out, report_get(p, "hosts"));
		sbuf_adds(out, "</td></tr>\n");
	}
	sbuf_adds(out, "</tbody></table>\n");
	fleet_images(report_get(doc, "images"), out);
	sbuf_adds(out, "</body>\n</html>\n");
	return sbuf_failed(out) ? -1 : 0;
}
