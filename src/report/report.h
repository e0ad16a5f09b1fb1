/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/sbuf.h"

/*
 * Reports, drawn by vigilctl from a document: a run's (vigild's
 * "report" command, control/report_data.c) or a fleet's (the finding
 * lines collectors wrote, report_fleet.c).  Every string in a document
 * is host text in the form of lib/utf8.h; renderers escape it again
 * for their medium.
 */
enum report_format {
	REPORT_TEXT,
	REPORT_HTML,
	REPORT_JSON,
};

/* "text", "html", "json"; 0, or -1 if unknown. */
int report_format_parse(const char *s, enum report_format *fmt);

/*
 * Render doc into out.  full: a run's report also lists every rule
 * without a finding and what it looked at.  Returns 0, or -1 on ENOMEM
 * or a document that is neither kind (a message in out then).
 */
int report_render(json_object *doc, enum report_format fmt, bool full,
		  struct sbuf *out);

int report_run_text(json_object *doc, bool full, struct sbuf *out);
int report_run_html(json_object *doc, bool full, struct sbuf *out);
int report_fleet_text(json_object *doc, struct sbuf *out);
int report_fleet_html(json_object *doc, struct sbuf *out);

/* Shared by the renderers (report.c). */

/* The four severities, most severe first. */
extern const char *const report_severities[4];
/* The index of severity name s in report_severities; 4: none of them. */
int report_severity_rank(const char *s);

/*
 * The findings of a run's report in the order they are shown: rules by
 * severity (then catalog order), findings by what they share
 * (report_group_key()), then by last sighting, newest first.  accepted
 * selects the accepted or the other findings.  The array holds borrowed
 * references; NULL on ENOMEM.
 */
json_object **report_sorted_findings(json_object *doc, bool accepted,
				     size_t *n);
/* What a finding is about, in a few words: a path, program and port. */
void report_asset(json_object *finding, struct sbuf *out);
/* What a rule looked at in the run ("12 connections tracked"). */
void report_looked_at(json_object *doc, const char *rule, struct sbuf *out);
/* "4 of 7: a, b, c, d". */
void report_rules_enabled(json_object *doc, struct sbuf *out);
/* The run's length, e.g. "10s (of 10s asked)". */
void report_duration(json_object *run, struct sbuf *out);
int report_int(json_object *o, const char *key);
/* An evidence value as text: a string as it is, the rest as JSON. */
const char *report_value(json_object *val);
const char *report_str(json_object *o, const char *key);
json_object *report_get(json_object *o, const char *key);
/*
 * What the run could not assess (Inspector's exclusions): the texts
 * of its limits, in *n; NULL when the run did not record them.
 */
json_object *report_coverage(json_object *doc, size_t *n);
#define REPORT_COVERAGE_COMPLETE "complete: every source was available"

/*
 * A run's findings by where they happened (report_places.c): adds to
 * doc an array "places", one entry per place with open (not accepted)
 * findings: {kind: host|container|netns, name, id, runtime, image,
 * pod_name, pod_namespace, pod_id, counts: {High...}}, the host first,
 * then the worst off.  A doc that has it keeps it.  0, or -1 on ENOMEM.
 */
int report_add_places(json_object *doc);
/* A place of that array in a few words: "container web (podman 3f2a…)". */
void report_place_name(json_object *place, struct sbuf *out);
/* Did anything happen anywhere but the host itself? */
bool report_places_worth_showing(json_object *doc);

/*
 * What to look at first (report_focus.c).  The evidence fields that
 * explain a finding of rule, in the order to show them (NULL-ended);
 * the others are folded away.
 */
const char *const *report_key_fields(const char *rule);
bool report_is_key_field(const char *rule, const char *key);
/*
 * An evidence value of finding f for a person: a list as "a, b", a uid
 * or gid of a host finding with its name ("0 (root)"), the rest as
 * report_value().
 */
void report_evidence_value(json_object *f, const char *key,
			   json_object *val, struct sbuf *out);
/*
 * What near-identical findings of one rule share ("directory /ww",
 * "package foo", "program /usr/bin/telnet", ", container web"): ""
 * when nothing.
 */
void report_group_key(json_object *f, struct sbuf *out);
/*
 * Of the sorted findings v (n of them), how many from i on are of v[i]'s
 * rule and share its group key (put in *key).
 */
size_t report_same_group(json_object **v, size_t n, size_t i,
			 struct sbuf *key);
/*
 * Adds to a run's doc "fix_first": at most 5 groups of open findings
 * (same rule and group key), the most severe first, then the largest:
 * {severity, rule, title, group, findings, example (an id),
 * recommendation}.  A doc that has it keeps it.  0, or -1 on ENOMEM.
 */
int report_add_first(json_object *doc);
/* Tags as "k=v, k=v" (an object of strings; NULL or empty: nothing). */
void report_tags(json_object *tags, struct sbuf *out);

/*
 * The fleet: finding lines (json or ocsf format, one per line, maybe
 * after a syslog header) from many hosts, the newest event of each
 * finding kept.
 */
struct fleet;

struct fleet *fleet_new(void);
void fleet_free(struct fleet *fl);
/*
 * Read lines from in (name for messages): each line is a finding event,
 * a run event (counted, not used) or something else (counted as not
 * understood).  Lines longer than 1 MiB are skipped.  Returns 0, or -1
 * on a read error or ENOMEM (message in err).
 */
int fleet_read(struct fleet *fl, FILE *in, const char *name,
	       struct sbuf *err);
/*
 * One line (kv, json, ocsf or cef, maybe after a syslog header) in the
 * fleet's terms.  Returns 0 with *state (the caller's): the finding's
 * id, hostname, machine_id, rule, severity, fingerprint, asset_key,
 * event (open, accepted or resolved), event_name (as the line said it),
 * time (seconds) and the attributes that name its asset and place, in
 * the text form; 1 for a run event; -1 when the line is not vigil's;
 * -ENOMEM.
 */
int fleet_parse_line(const char *line, json_object **state);
/*
 * Keep st (taken, even on error) as its finding's state unless an
 * event newer than it was kept, and count it as a finding event.  0,
 * or -1: no id, or the table full.
 */
int fleet_add_state(struct fleet *fl, json_object *st);
/*
 * Count n records (what: "lines", "findings") read from name, skipped of
 * them not understood, in the report's sources.
 */
void fleet_source(struct fleet *fl, const char *name, const char *what,
		  unsigned long n, unsigned long skipped);
/*
 * Count st (taken, even on error), a finding's final state (from the
 * store, which keeps each finding's newest), at once: it is not kept.
 * A line of a file for the same finding, read before or after, is
 * left out: the store has every event.  0; 1 when its id was counted
 * before or it has none; -1 on ENOMEM.
 */
int fleet_add_final(struct fleet *fl, json_object *st);
/*
 * The fleet report document, of what was added; once per fleet (what
 * fleet_add_final counted goes into it).  NULL on ENOMEM.
 */
json_object *fleet_report(struct fleet *fl);

#endif
