// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * key=value lines.  Values are bare or double-quoted (lib/escape.h);
 * a list is its key repeated once per value, in order, which Splunk
 * and others read as a multi-value field.
 */
#include "build.h"

#include <stdio.h>

#include "findings/line.h"
#include "lib/escape.h"

static void kv(struct sbuf *sb, const char *key, const char *val)
{
	if (sb->len)
		sbuf_addc(sb, ' ');
	escape_kv_key(sb, key);
	sbuf_addc(sb, '=');
	escape_kv_value(sb, val);
}

static void kv_int(struct sbuf *sb, const char *key, long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	kv(sb, key, num);
}

static void kv_time(struct sbuf *sb, const char *key, int64_t t)
{
	char buf[32];

	format_utc(t, buf, sizeof(buf));
	kv(sb, key, buf);
}

/* A scalar as text: strings as they are, the rest in JSON form. */
static void kv_json(struct sbuf *sb, const char *key, json_object *v)
{
	kv(sb, key, json_object_is_type(v, json_type_string) ?
	   json_object_get_string(v) :
	   json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

static void kv_prefixed(struct sbuf *sb, const char *prefix, json_object *o)
{
	json_object_object_foreach(o, key, val) {
		struct sbuf k;
		size_t i, n;

		sbuf_init(&k);
		sbuf_printf(&k, "%s.%s", prefix, key);
		if (json_object_is_type(val, json_type_array)) {
			n = json_object_array_length(val);
			for (i = 0; i < n; i++)
				kv_json(sb, sbuf_str(&k),
					json_object_array_get_idx(val, i));
		} else {
			kv_json(sb, sbuf_str(&k), val);
		}
		sbuf_free(&k);
	}
}

static void kv_common(struct sbuf *sb, const struct line_event *e)
{
	json_object *tags = line_tags(e);

	kv(sb, "event", e->event);
	kv(sb, "host", e->host->hostname);
	kv(sb, "machine_id", e->host->machine_id);
	if (tags) {
		json_object_object_foreach(tags, key, val) {
			struct sbuf k;

			sbuf_init(&k);
			sbuf_printf(&k, "tag.%s", key);
			kv(sb, sbuf_str(&k), json_object_get_string(val));
			sbuf_free(&k);
		}
		json_object_put(tags);
	}
	kv(sb, "product", "vigil");
	kv(sb, "version", VERSION);
}

/* coverage=complete, or the names of what limited it: a,b */
static void kv_coverage(struct sbuf *sb, uint64_t limits)
{
	struct sbuf names;
	unsigned int i;

	sbuf_init(&names);
	for (i = 0; i < RUN_LIMIT_COUNT; i++)
		if (limits & (1ull << i))
			sbuf_printf(&names, "%s%s", names.len ? "," : "",
				    run_limit_name(i));
	kv(sb, "coverage", names.len ? sbuf_str(&names) : "complete");
	sbuf_free(&names);
}

void line_kv(struct sbuf *sb, const struct line_event *e)
{
	const struct finding *f = e->f;
	const struct run *r = e->run;
	char rbuf[LINE_REASON_MAX + 1];

	kv_common(sb, e);
	if (r) {
		kv(sb, "run_id", r->id);
		kv(sb, "state", run_state_name(r->state));
		kv_time(sb, "start", r->start);
		if (r->end)
			kv_time(sb, "end", r->end);
		kv_int(sb, "duration", (long long)r->duration);
		if (r->state != RUN_COLLECTING) {
			kv_int(sb, "high", r->high);
			kv_int(sb, "medium", r->medium);
			kv_int(sb, "low", r->low);
			kv_int(sb, "informational", r->info);
			kv_int(sb, "resolved", r->resolved);
		}
		if (r->state != RUN_COLLECTING && r->observed_known)
			kv_coverage(sb, r->observed.limits);
		if (r->reason[0])
			kv(sb, "reason", r->reason);
		return;
	}
	kv(sb, "id", f->id);
	kv(sb, "fingerprint", finding_fingerprint(f).s);
	kv(sb, "rule", f->rule->id);
	kv(sb, "severity", severity_name(f->rule->severity));
	kv_int(sb, "numeric_severity", (int)f->rule->severity);
	kv(sb, "status", finding_status_name(f->status));
	kv_int(sb, "count", (long long)f->count);
	kv_time(sb, "first_seen", f->first_seen);
	kv_time(sb, "last_seen", f->last_seen);
	if (f->status == FINDING_RESOLVED && f->resolved_at)
		kv_time(sb, "resolved_at", f->resolved_at);
	kv(sb, "title", f->rule->title);
	if (e->fev == FEV_ACCEPTED && f->quiet) {
		if (!e->terse)
			kv(sb, "accepted_by", f->quiet->by);
		if (f->quiet->until)
			kv_time(sb, "accepted_until", f->quiet->until);
		if (!e->terse)
			kv(sb, "accepted_reason", line_accept_reason(f, rbuf));
	}
	kv_prefixed(sb, "attr", e->attrs);
	if (e->trimmed)
		kv_prefixed(sb, "trimmed", e->trimmed);
}
