// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal's MESSAGE: a sentence for people, the title first, then
 * the few attributes that explain the finding (the rule's key fields),
 * as journalctl and systemctl status show it.  Machines read the
 * journal's VIGIL_* fields and VIGIL_LINE (the line in syslog.format),
 * so this text may change between versions.  It is bounded: a long
 * list shows its newest values and says how many more there are.
 * Each sentence ends "(finding <id>)" or "(run <id>)": a forwarder that
 * also gets journald's copy of MESSAGE knows it by that and leaves it.
 */
#include "build.h"

#include <string.h>

#include "findings/line.h"
#include "lib/escape.h"

/* At most this many values of a list, and bytes of one value. */
#define HUMAN_LIST_MAX 3
#define HUMAN_VALUE_MAX 160

/* One value, escaped and cut at a character when it is long. */
static void put_value(struct sbuf *sb, json_object *v)
{
	const char *s = json_object_is_type(v, json_type_string) ?
			json_object_get_string(v) :
			json_object_to_json_string_ext(v,
						       JSON_C_TO_STRING_PLAIN);
	size_t start = sb->len, cut;

	escape_kv_value(sb, s);
	if (sb->len - start <= HUMAN_VALUE_MAX || sbuf_failed(sb))
		return;
	cut = start + HUMAN_VALUE_MAX;
	/* not inside a UTF-8 sequence */
	while (cut > start && ((unsigned char)sb->buf[cut] & 0xc0) == 0x80)
		cut--;
	sb->len = cut;
	sb->buf[cut] = '\0';
	sbuf_adds(sb, "...");
}

static void put_field(struct sbuf *sb, const char *key, json_object *v)
{
	size_t i, n;

	sbuf_printf(sb, " %s=", key);
	if (!json_object_is_type(v, json_type_array)) {
		put_value(sb, v);
		return;
	}
	/* the newest values are last: show those */
	n = json_object_array_length(v);
	for (i = n > HUMAN_LIST_MAX ? n - HUMAN_LIST_MAX : 0; i < n; i++) {
		put_value(sb, json_object_array_get_idx(v, i));
		if (i + 1 < n)
			sbuf_addc(sb, ',');
	}
	if (n > HUMAN_LIST_MAX)
		sbuf_printf(sb, " (+%zu more)", n - HUMAN_LIST_MAX);
}

int line_human_finding(struct sbuf *sb, const struct finding *f,
		       enum finding_event ev)
{
	json_object *attrs = finding_attrs(f), *v, *shown = NULL;
	const char *const *k;

	if (!attrs)
		return -1;
	sbuf_reset(sb);
	sbuf_printf(sb, "%s [%s, %s]:", f->rule->title,
		    severity_name(f->rule->severity), finding_event_name(ev));
	for (k = f->rule->key_fields; k && *k; k++) {
		if (!json_object_object_get_ex(attrs, *k, &v))
			continue;
		/* exe is most often the module itself: say it once */
		if (shown && json_object_equal(shown, v))
			continue;
		put_field(sb, *k, v);
		shown = v;
	}
	if (ev == FEV_ACCEPTED && f->quiet && f->quiet->by) {
		sbuf_adds(sb, " accepted_by=");
		escape_kv_value(sb, f->quiet->by);
	}
	sbuf_printf(sb, " (finding %s)", f->id);
	json_object_put(attrs);
	return sbuf_failed(sb) ? -1 : 0;
}

int line_human_run(struct sbuf *sb, const struct run *r)
{
	unsigned int i;
	bool first = true;

	sbuf_reset(sb);
	switch (r->state) {
	case RUN_COLLECTING:
		sbuf_printf(sb, "Assessment run started, collecting for %llu s",
			    (unsigned long long)r->duration);
		goto out;
	case RUN_CANCELED:
		sbuf_adds(sb, "Assessment run canceled");
		if (r->reason[0]) {
			sbuf_adds(sb, ": ");
			escape_text(sb, r->reason);
		}
		goto out;
	default:
		break;
	}
	sbuf_printf(sb, "Assessment run %s: %u High, %u Medium, %u Low, %u Informational, %u resolved",
		    run_state_name(r->state), r->high, r->medium, r->low,
		    r->info, r->resolved);
	if (!r->observed_known)
		goto out;
	sbuf_adds(sb, "; coverage ");
	for (i = 0; i < RUN_LIMIT_COUNT; i++) {
		if (!(r->observed.limits & (1ull << i)))
			continue;
		sbuf_printf(sb, "%s%s", first ? "limited by " : ", ",
			    run_limit_name(i));
		first = false;
	}
	if (first)
		sbuf_adds(sb, "complete");
out:
	/* the end a forwarder knows the sentence by (examples/rsyslog) */
	sbuf_adds(sb, " (run ");
	escape_text(sb, r->id);
	sbuf_addc(sb, ')');
	return sbuf_failed(sb) ? -1 : 0;
}
