// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One finding or run as one syslog line, in the configured format
 * (line.h): cut to fit, then handed to the format's writer.
 */
#include "build.h"

#include <string.h>

#include "findings/line.h"
#include "lib/utf8.h"

static line_format_fn formatter(enum syslog_format fmt)
{
	switch (fmt) {
	case SYSLOG_FORMAT_JSON:
		return line_json;
	case SYSLOG_FORMAT_OCSF:
		return line_ocsf;
	case SYSLOG_FORMAT_CEF:
		return line_cef;
	default:
		return line_kv;
	}
}

const char *line_run_event(const struct run *r)
{
	switch (r->state) {
	case RUN_COLLECTING:
	case RUN_EVALUATING:
		return "run_started";
	case RUN_COMPLETED:
		return "run_completed";
	default:
		return "run_canceled";
	}
}

static void note_trim(json_object *trimmed, const char *key, int64_t n)
{
	json_object *v;

	if (json_object_object_get_ex(trimmed, key, &v))
		n += json_object_get_int64(v);
	json_object_object_add(trimmed, key, json_object_new_int64(n));
}

/* Drop the oldest value of the longest non-empty list; 0 if none. */
static int trim_list(json_object *attrs, json_object *trimmed)
{
	const char *best = NULL;
	size_t best_len = 0;
	json_object *arr;

	json_object_object_foreach(attrs, key, val) {
		size_t len;

		if (!json_object_is_type(val, json_type_array) ||
		    !json_object_array_length(val))
			continue;
		len = strlen(json_object_to_json_string_ext(val,
						JSON_C_TO_STRING_PLAIN));
		if (len > best_len) {
			best = key;
			best_len = len;
		}
	}
	if (!best || !json_object_object_get_ex(attrs, best, &arr))
		return 0;
	json_object_array_del_idx(arr, 0, 1);
	note_trim(trimmed, best, 1);
	return 1;
}

/*
 * Halve the longest text of more than 64 bytes, at a character or
 * escape boundary, marked with "...".  0 if there is none.
 */
static int trim_text(json_object *attrs, json_object *trimmed)
{
	const char *best = NULL;
	size_t best_len = 64;
	json_object *v;
	struct sbuf sb;
	const char *s;
	size_t keep;

	json_object_object_foreach(attrs, key, val) {
		size_t len;

		if (!json_object_is_type(val, json_type_string))
			continue;
		len = (size_t)json_object_get_string_len(val);
		if (len > best_len) {
			best = key;
			best_len = len;
		}
	}
	if (!best || !json_object_object_get_ex(attrs, best, &v))
		return 0;
	s = json_object_get_string(v);
	keep = utf8_cut(s, best_len, best_len / 2);
	sbuf_init(&sb);
	sbuf_addn(&sb, s, keep);
	sbuf_adds(&sb, "...");
	if (sbuf_failed(&sb)) {
		sbuf_free(&sb);
		return 0;
	}
	json_object_set_string_len(v, sbuf_str(&sb), (int)sb.len);
	sbuf_free(&sb);
	note_trim(trimmed, best, (int64_t)(best_len - keep));
	return 1;
}

int line_finding(struct sbuf *out, enum syslog_format fmt, size_t max,
		 const struct finding *f, enum finding_event ev,
		 const struct line_host *host, int64_t now_ms)
{
	line_format_fn fn = formatter(fmt);
	struct line_event e = {
		.event = finding_event_name(ev), .time_ms = now_ms,
		.host = host, .f = f, .fev = ev,
	};
	json_object *own = finding_attrs(f), *attrs = NULL, *trimmed = NULL;
	int r = -1;

	/* trimming changes the copy, never the finding */
	if (!own || json_object_deep_copy(own, &attrs, NULL) < 0)
		goto out;
	trimmed = json_object_new_object();
	if (!trimmed)
		goto out;
	e.attrs = attrs;
	for (;;) {
		sbuf_reset(out);
		e.trimmed = json_object_object_length(trimmed) ? trimmed : NULL;
		fn(out, &e);
		if (sbuf_failed(out))
			goto out;
		if (out->len <= max) {
			r = e.trimmed ? 1 : 0;
			break;
		}
		if (trim_list(attrs, trimmed) || trim_text(attrs, trimmed))
			continue;
		if (e.terse) {
			sbuf_reset(out);
			break;
		}
		e.terse = true;
		note_trim(trimmed, "rule_texts", 1);
	}
out:
	json_object_put(own);
	json_object_put(attrs);
	json_object_put(trimmed);
	return r;
}

int line_run(struct sbuf *out, enum syslog_format fmt,
	     const struct run *r, const struct line_host *host,
	     int64_t now_ms)
{
	struct line_event e = {
		.event = line_run_event(r), .time_ms = now_ms, .host = host,
		.run = r,
	};

	sbuf_reset(out);
	formatter(fmt)(out, &e);
	return sbuf_failed(out) ? -1 : 0;
}
