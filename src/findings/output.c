// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "lib/escape.h"
#include "findings/output.h"
#include "lib/log.h"

struct output {
	int facility;
	enum syslog_format format;
	int foreground;
	int journal;
	unsigned long emitted;
};

static int journal_available(void)
{
#ifdef HAVE_SYSTEMD
	return access("/run/systemd/journal/socket", W_OK) == 0;
#else
	return 0;
#endif
}

struct output *output_new(const struct vigil_config *cfg, int foreground)
{
	struct output *out = calloc(1, sizeof(*out));

	if (!out)
		return NULL;
	out->foreground = foreground;
	output_configure(out, cfg);
	/* Findings go to syslog in the foreground too: same ident and pid. */
	log_syslog_open(cfg->syslog_facility);
	return out;
}

void output_free(struct output *out)
{
	free(out);
}

void output_configure(struct output *out, const struct vigil_config *cfg)
{
	out->facility = cfg->syslog_facility;
	out->format = cfg->syslog_format;
	out->journal = journal_available();
}

unsigned long output_emitted(const struct output *out)
{
	return out->emitted;
}

static void kv(struct sbuf *sb, const char *key, const char *val)
{
	if (sb->len)
		sbuf_addc(sb, ' ');
	escape_kv_key(sb, key);
	sbuf_addc(sb, '=');
	escape_kv_value(sb, val);
}

void output_format_kv(struct sbuf *sb, const struct finding *f,
		      const char *event)
{
	char num[32], t[32];

	kv(sb, "event", event);
	kv(sb, "id", f->id);
	kv(sb, "rule", f->rule->id);
	kv(sb, "severity", severity_name(f->rule->severity));
	snprintf(num, sizeof(num), "%d", (int)f->rule->severity);
	kv(sb, "numeric_severity", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)f->count);
	kv(sb, "count", num);
	format_utc(f->first_seen, t, sizeof(t));
	kv(sb, "first_seen", t);
	kv(sb, "title", f->rule->title);
	json_object_object_foreach(f->attrs, key, val) {
		struct sbuf k;

		sbuf_init(&k);
		sbuf_printf(&k, "attr.%s", key);
		/* Strings as they are, anything else in its JSON form. */
		kv(sb, sbuf_str(&k),
		   json_object_is_type(val, json_type_string) ?
		   json_object_get_string(val) :
		   json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
		sbuf_free(&k);
	}
}

void output_format_json(struct sbuf *sb, const struct finding *f,
			const char *event)
{
	json_object *o = finding_to_json(f);
	const char *s;

	if (!o) {
		sb->failed = 1;
		return;
	}
	json_object_object_add(o, "event", json_object_new_string(event));
	/* The long texts are in the catalog and the state file. */
	json_object_object_del(o, "description");
	json_object_object_del(o, "recommendation");
	/* PLAIN escapes every control byte, so the line stays one line. */
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	sbuf_adds(sb, s);
	json_object_put(o);
}

void output_finding(struct output *out, const struct finding *f,
		    const char *event)
{
	int prio = severity_syslog_prio(f->rule->severity);
	struct sbuf line;

	sbuf_init(&line);
	if (out->format == SYSLOG_FORMAT_JSON)
		output_format_json(&line, f, event);
	else
		output_format_kv(&line, f, event);
	if (sbuf_failed(&line))
		goto out;
	/* On a terminal, not where the journal already has the entry. */
	if (out->foreground && !log_to_journal())
		fprintf(stderr, "vigild: finding: %s\n", sbuf_str(&line));
#ifdef HAVE_SYSTEMD
	if (out->journal) {
		sd_journal_send("MESSAGE=%s", sbuf_str(&line),
				"PRIORITY=%d", prio,
				"SYSLOG_FACILITY=%d", out->facility >> 3,
				"SYSLOG_IDENTIFIER=vigild",
				"MESSAGE_ID=%s", f->rule->message_id,
				"VIGIL_RULE=%s", f->rule->id,
				"VIGIL_SEVERITY=%s",
				severity_name(f->rule->severity),
				"VIGIL_FINDING_ID=%s", f->id,
				"VIGIL_EVENT=%s", event,
				NULL);
		out->emitted++;
		goto out;
	}
#endif
	syslog(LOG_MAKEPRI(out->facility, prio), "%s", sbuf_str(&line));
	out->emitted++;
out:
	sbuf_free(&line);
}
