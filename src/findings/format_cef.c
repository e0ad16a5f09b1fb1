// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ArcSight Common Event Format:
 *   CEF:0|vigil|vigil|VERSION|signature|name|severity|extension
 * The signature is the rule id (or run_started/run_completed/
 * run_canceled), the severity vigil's numeric one (0, 3, 6, 9).  What
 * CEF has no key for travels as JSON in the cs3 (attributes) and cs4
 * (trimmed) custom strings.
 */
#include "build.h"

#include <stdio.h>

#include "findings/line.h"
#include "lib/jsonutil.h"

/* Header fields escape backslash and pipe. */
static void header(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '|')
			sbuf_addc(sb, '\\');
		sbuf_addc(sb, *s);
	}
	sbuf_addc(sb, '|');
}

/* Extension values escape backslash and equals (no newline is left). */
static void ext(struct sbuf *sb, const char *key, const char *s)
{
	if (!s)
		return;
	sbuf_printf(sb, " %s=", key);
	for (; *s; s++) {
		if (*s == '\\' || *s == '=')
			sbuf_addc(sb, '\\');
		sbuf_addc(sb, *s);
	}
}

static void ext_int(struct sbuf *sb, const char *key, long long v)
{
	sbuf_printf(sb, " %s=%lld", key, v);
}

static void ext_json(struct sbuf *sb, const char *key, json_object *o)
{
	struct sbuf j;

	sbuf_init(&j);
	json_dump(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		  &j);
	if (sbuf_failed(&j))
		sb->failed = 1;
	ext(sb, key, sbuf_str(&j));
	sbuf_free(&j);
}

static void common(struct sbuf *sb, const struct line_event *e)
{
	json_object *tags;

	/* the first extension: no space after the header's last '|' */
	sbuf_printf(sb, "rt=%lld", (long long)e->time_ms);
	ext(sb, "dvchost", e->host->hostname);
	ext(sb, "deviceExternalId", e->host->machine_id);
	ext(sb, "act", e->event);
	tags = line_tags(e);
	if (tags) {
		ext(sb, "cs6Label", "tags");
		ext_json(sb, "cs6", tags);
		json_object_put(tags);
	}
}

void line_cef(struct sbuf *sb, const struct line_event *e)
{
	const struct finding *f = e->f;
	const struct run *r = e->run;
	json_object *v;
	char rbuf[LINE_REASON_MAX + 1];
	char name[160];

	sbuf_adds(sb, "CEF:0|");
	header(sb, "vigil");
	header(sb, "vigil");
	header(sb, VERSION);
	if (r) {
		snprintf(name, sizeof(name), "Assessment run %s",
			 e->event + 4);
		header(sb, e->event);
		header(sb, name);
		sbuf_adds(sb, "0|");
		common(sb, e);
		ext(sb, "cs1Label", "run_id");
		ext(sb, "cs1", r->id);
		ext_int(sb, "start", (long long)r->start * 1000);
		if (r->end)
			ext_int(sb, "end", (long long)r->end * 1000);
		if (r->state != RUN_COLLECTING) {
			ext_int(sb, "cnt", (long long)r->high + r->medium +
					   r->low + r->info);
			snprintf(name, sizeof(name),
				 "{\"High\":%u,\"Medium\":%u,\"Low\":%u,\"Informational\":%u,\"resolved\":%u}",
				 r->high, r->medium, r->low, r->info,
				 r->resolved);
			ext(sb, "cs3Label", "counts");
			ext(sb, "cs3", name);
		}
		if (r->reason[0]) {
			ext(sb, "cs5Label", "reason");
			ext(sb, "cs5", r->reason);
		}
		return;
	}
	header(sb, f->rule->id);
	header(sb, f->rule->title);
	sbuf_printf(sb, "%d|", (int)f->rule->severity);
	common(sb, e);
	ext(sb, "externalId", f->id);
	ext(sb, "cat", f->rule->id);
	ext_int(sb, "cnt", (long long)f->count);
	ext_int(sb, "start", (long long)f->first_seen * 1000);
	ext_int(sb, "end", (long long)f->last_seen * 1000);
	ext(sb, "cs1Label", "fingerprint");
	ext(sb, "cs1", finding_fingerprint(f).s);
	ext(sb, "cs2Label", "status");
	ext(sb, "cs2", finding_status_name(f->status));
	if (json_object_object_get_ex(e->attrs, "pid", &v))
		ext_int(sb, "spid", (long long)json_object_get_int64(v));
	ext(sb, "sproc", json_get_str(e->attrs, "comm"));
	ext(sb, "filePath", json_get_str(e->attrs, "path") ?
	    json_get_str(e->attrs, "path") : json_get_str(e->attrs, "module"));
	if (json_object_object_get_ex(e->attrs, "remote_port", &v) ||
	    json_object_object_get_ex(e->attrs, "port", &v))
		ext_int(sb, "dpt", (long long)json_object_get_int64(v));
	if (e->fev == FEV_ACCEPTED && f->quiet && !e->terse) {
		ext(sb, "suser", f->quiet->by);
		ext(sb, "reason", line_accept_reason(f, rbuf));
	}
	ext(sb, "cs3Label", "attributes");
	ext_json(sb, "cs3", e->attrs);
	if (e->trimmed) {
		ext(sb, "cs4Label", "trimmed");
		ext_json(sb, "cs4", e->trimmed);
	}
}
