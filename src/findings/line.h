/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LINE_H
#define VIGIL_LINE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "findings/assess.h"
#include "findings/findings.h"
#include "lib/sbuf.h"

/*
 * One announced event as a single line, in each syslog.format: the
 * lifecycle of a finding (new, updated, resolved, reopened, remind,
 * accepted, unaccepted) or
 * of a run (run_started, run_completed, run_canceled).  Every line
 * names the host (hostname and machine-id) and vigil with its version.
 * Host strings are in the text form of lib/utf8.h, so each line is
 * valid UTF-8 with no control character.
 */

/*
 * syslog.max_line bounds the whole line a collector receives; the
 * header a syslog daemon puts before vigil's message (RFC 5424: PRI,
 * timestamp, hostname, app-name, pid) is given this much of it.
 */
#define LINE_HEADER_ROOM 256

/* The OCSF schema version the "ocsf" format follows (tests check it). */
#define LINE_OCSF_VERSION "1.9.0-dev"

struct line_host {
	const char *hostname;	/* escaped; "" if unknown */
	const char *machine_id;	/* "" if unknown */
	/* the admin's tags (config "tags"): an object of strings, or NULL */
	json_object *tags;
	/* the host's addresses: an array of strings, or NULL */
	json_object *addresses;
	/* lib/host.h's device_type, or NULL */
	const char *device_type;
};

/* What a formatter is given. */
struct line_event {
	const char *event;
	int64_t time_ms;		/* when it was announced */
	const struct line_host *host;
	/* a finding event: */
	const struct finding *f;
	json_object *attrs;		/* what to show: f's, maybe trimmed */
	json_object *trimmed;		/* key -> values or bytes left out */
	bool terse;			/* leave the rule's long texts out */
	enum finding_event fev;
	/* a run event: */
	const struct run *run;
};

typedef void (*line_format_fn)(struct sbuf *out, const struct line_event *e);

/*
 * The acceptance in force on f, as JSON (NULL on ENOMEM), and its
 * reason: a line carries at most LINE_REASON_MAX bytes of it (cut at a
 * character and ending in "..."), and a terse line only where it comes
 * from (vigilctl or config), so it always fits; the state file and
 * reports keep it whole.
 */
#define LINE_REASON_MAX 256
json_object *line_acceptance_json(const struct finding *f, bool terse);
const char *line_accept_reason(const struct finding *f,
			       char buf[LINE_REASON_MAX + 1]);

/*
 * The tags a line carries: the host's (configuration) with a finding's
 * own over them; a new object, or NULL when none (or on ENOMEM).
 */
json_object *line_tags(const struct line_event *e);

void line_kv(struct sbuf *out, const struct line_event *e);
void line_json(struct sbuf *out, const struct line_event *e);
void line_ocsf(struct sbuf *out, const struct line_event *e);
void line_cef(struct sbuf *out, const struct line_event *e);

/*
 * A finding event as one line of at most max bytes.  When it does not
 * fit, evidence lists lose their oldest values first, then the longest
 * texts are cut (at a character boundary, ending in "..."), each named
 * with how many values or bytes were left out under "trimmed"; last,
 * the rule's description and recommendation (in the catalog and the
 * state file) are left out ("rule_texts" under "trimmed").  No line is
 * ever cut mid-value.  A terse line also leaves out who accepted a
 * finding and why (the state file and reports have it).  Returns 0, 1
 * if it was trimmed, -1 on ENOMEM or if even the untrimmable part does
 * not fit (out is then empty).
 */
int line_finding(struct sbuf *out, enum syslog_format fmt, size_t max,
		 const struct finding *f, enum finding_event ev,
		 const struct line_host *host, int64_t now_ms);

/* A run event ("run_started" while collecting, else by its end). */
int line_run(struct sbuf *out, enum syslog_format fmt,
	     const struct run *r, const struct line_host *host,
	     int64_t now_ms);

/*
 * The journal's MESSAGE (format_human.c): a sentence for people, the
 * title or the run first, then the finding's key fields, bounded.  Not
 * a format for machines: they read VIGIL_LINE.  0, or -1 on ENOMEM.
 */
int line_human_finding(struct sbuf *out, const struct finding *f,
		       enum finding_event ev);
int line_human_run(struct sbuf *out, const struct run *r);

/* "run_started", "run_completed" or "run_canceled". */
const char *line_run_event(const struct run *r);

#endif
