// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigil's "cef" lines read back for the fleet report (fleet.h), into
 * the object its "json" format writes: the header's signature is the
 * rule (or a run's event), the extension holds the rest (format_cef.c
 * writes it).  A value escapes '\' and '=', so an unescaped '=' ends
 * a key, and the key is the word before it.  The line is untrusted:
 * whatever is not CEF as vigil writes it is refused.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "lib/jsonutil.h"
#include "lib/utc.h"
#include "report/fleet.h"

#define CEF_FIELDS 6	/* vendor|product|version|signature|name|sev| */

/* The header field at *p, unescaped into out; *p past its '|'. */
static int header_field(const char **p, struct sbuf *out)
{
	const char *s = *p;

	for (; *s && *s != '|'; s++) {
		if (*s == '\\' && (s[1] == '\\' || s[1] == '|'))
			s++;
		sbuf_addc(out, *s);
	}
	if (*s != '|')
		return -1;
	*p = s + 1;
	return 0;
}

/* Is the '=' at s a key's (not escaped by an odd run of '\')? */
static bool key_sign(const char *start, const char *s)
{
	size_t n = 0;

	while (s > start && s[-1] == '\\') {
		s--;
		n++;
	}
	return n % 2 == 0;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The next key=value of the extension at *p.  false at its end. */
static bool next_pair(const char **p, struct sbuf *key, struct sbuf *val)
{
	const char *s = *p, *eq, *next, *k;

	eq = strchr(s, '=');
	if (!eq)
		return false;
	for (k = eq; k > s && key_char(k[-1]); k--)
		;
	if (k == eq || (k > s && k[-1] != ' '))
		return false;
	sbuf_reset(key);
	sbuf_reset(val);
	sbuf_addn(key, k, (size_t)(eq - k));
	/* the value runs to the space before the next key */
	for (next = eq + 1; (next = strchr(next, '=')); next++) {
		const char *b = next;

		if (!key_sign(eq + 1, next))
			continue;
		while (b > eq + 1 && key_char(b[-1]))
			b--;
		if (b > eq + 1 && b[-1] == ' ' && b < next) {
			next = b - 1;
			break;
		}
	}
	if (!next)
		next = eq + 1 + strlen(eq + 1);
	for (s = eq + 1; s < next && *s != '\n'; s++) {
		if (*s == '\\' && (s[1] == '\\' || s[1] == '='))
			s++;
		sbuf_addc(val, *s);
	}
	*p = next;
	return true;
}

/* One extension member into o, as the json format names it. */
static void put(json_object *o, json_object *host, const char *k,
		const char *v, const char *const *label)
{
	static const char *const same[][2] = {
		{ "act", "event" }, { "externalId", "id" },
	};
	json_object *a;
	size_t i;
	char t[32];

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (!strcmp(k, same[i][0]))
			json_add_str(o, same[i][1], v);
	if (!strcmp(k, "dvchost"))
		json_add_str(host, "hostname", v);
	else if (!strcmp(k, "deviceExternalId"))
		json_add_str(host, "machine_id", v);
	else if (!strcmp(k, "rt")) {
		format_utc(strtoll(v, NULL, 10) / 1000, t, sizeof(t));
		json_add_str(o, "time", t);
	} else if (!strcmp(k, "cs1") && label[0] &&
		   !strcmp(label[0], "fingerprint")) {
		json_add_str(o, "fingerprint", v);
	} else if (!strcmp(k, "cs3") && label[2] &&
		   !strcmp(label[2], "attributes")) {
		a = json_tokener_parse(v);
		if (json_object_is_type(a, json_type_object))
			json_object_object_add(o, "attributes", a);
		else
			json_object_put(a);
	}
}

json_object *fleet_cef_to_json(const char *line)
{
	const char *p = strstr(line, "CEF:0|"), *label[3] = { 0 };
	json_object *o = NULL, *host = NULL;
	struct sbuf f, k, v;
	char *labels[3] = { 0 };
	int i;

	sbuf_init(&f);
	sbuf_init(&k);
	sbuf_init(&v);
	if (!p)
		goto out;
	p += strlen("CEF:0|");
	o = json_object_new_object();
	host = json_object_new_object();
	if (!o || !host || json_object_object_add(o, "host", host)) {
		json_object_put(host);
		goto bad;
	}
	for (i = 0; i < CEF_FIELDS; i++) {
		sbuf_reset(&f);
		if (header_field(&p, &f) < 0)
			goto bad;
		if (i == 0 && strcmp(sbuf_str(&f), "vigil"))
			goto bad;
		/* a finding's signature is its rule, a run's its event */
		if (i == 3)
			json_add_str(o, strncmp(sbuf_str(&f), "run_", 4) ?
				     "rule" : "event", sbuf_str(&f));
	}
	while (next_pair(&p, &k, &v)) {
		const char *key = sbuf_str(&k);

		/* a label is needed after its own value is gone */
		if (!strcmp(key, "cs1Label") || !strcmp(key, "cs3Label")) {
			free(labels[key[2] - '1']);
			labels[key[2] - '1'] = strdup(sbuf_str(&v));
			label[key[2] - '1'] = labels[key[2] - '1'];
			continue;
		}
		put(o, host, key, sbuf_str(&v), label);
	}
	if (sbuf_failed(&f) || sbuf_failed(&k) || sbuf_failed(&v))
		goto bad;
	goto out;
bad:
	json_object_put(o);
	o = NULL;
out:
	for (i = 0; i < 3; i++)
		free(labels[i]);
	sbuf_free(&f);
	sbuf_free(&k);
	sbuf_free(&v);
	return o;
}
