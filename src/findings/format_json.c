// SPDX-License-Identifier: GPL-2.0-or-later
/* vigil's own JSON lines: one object per line, the state file's names. */
#include "build.h"

#include "findings/line.h"
#include "lib/jsonutil.h"

static void add_time(json_object *o, const char *k, int64_t t)
{
	char buf[32];

	format_utc(t, buf, sizeof(buf));
	json_add_str(o, k, buf);
}

static json_object *common(const struct line_event *e)
{
	json_object *o = json_object_new_object();
	json_object *h = json_object_new_object();
	json_object *p = json_object_new_object(), *tags;
	char t[40];

	if (!o || !h || !p) {
		json_object_put(o);
		json_object_put(h);
		json_object_put(p);
		return NULL;
	}
	json_add_str(o, "event", e->event);
	format_utc(e->time_ms / 1000, t, sizeof(t));
	json_add_str(o, "time", t);
	json_add_str(h, "hostname", e->host->hostname);
	json_add_str(h, "machine_id", e->host->machine_id);
	tags = line_tags(e);
	if (tags)
		json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "host", h);
	json_add_str(p, "name", "vigil");
	json_add_str(p, "version", VERSION);
	json_object_object_add(o, "product", p);
	return o;
}

void line_json(struct sbuf *sb, const struct line_event *e)
{
	const struct finding *f = e->f;
	json_object *o = common(e);

	if (!o) {
		sb->failed = 1;
		return;
	}
	if (e->run) {
		json_object_object_add(o, "run", run_to_json(e->run));
		goto out;
	}
	json_add_str(o, "id", f->id);
	json_add_str(o, "fingerprint", finding_fingerprint(f).s);
	json_add_str(o, "rule", f->rule->id);
	json_add_str(o, "title", f->rule->title);
	json_add_str(o, "severity", severity_name(f->rule->severity));
	json_object_object_add(o, "numeric_severity",
			       json_object_new_int((int)f->rule->severity));
	json_add_str(o, "status", finding_status_name(f->status));
	json_object_object_add(o, "count",
			       json_object_new_int64((int64_t)f->count));
	add_time(o, "first_seen", f->first_seen);
	add_time(o, "last_seen", f->last_seen);
	if (f->status == FINDING_RESOLVED && f->resolved_at)
		add_time(o, "resolved_at", f->resolved_at);
	if (e->fev == FEV_ACCEPTED && f->quiet)
		json_object_object_add(o, "acceptance",
				       line_acceptance_json(f, e->terse));
	json_object_object_add(o, "attributes", json_object_get(e->attrs));
	if (e->trimmed)
		json_object_object_add(o, "trimmed",
				       json_object_get(e->trimmed));
out:
	/* PLAIN: one line; control bytes are escaped by json-c. */
	json_dump(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		  sb);
	json_object_put(o);
}
