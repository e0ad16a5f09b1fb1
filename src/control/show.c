// SPDX-License-Identifier: GPL-2.0-or-later
/* One finding for a person: see show.h. */
#include "build.h"

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "control/show.h"
#include "lib/escape.h"
#include "lib/sbuf.h"

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v ? json_object_get_string(v) : "";
}

static void put(FILE *out, const char *s)
{
	struct sbuf e;

	sbuf_init(&e);
	escape_text(&e, s);
	fputs(sbuf_str(&e), out);
	sbuf_free(&e);
}

/* uid 1000 as "1000 (alice)", as ausearch -i names it; a gid so. */
static void put_id(FILE *out, json_object *v, bool group)
{
	int64_t id = json_object_get_int64(v);
	const char *name = NULL;

	if (id >= 0 && id < 0xffffffff) {
		struct passwd *pw = group ? NULL : getpwuid((uid_t)id);
		struct group *gr = group ? getgrgid((gid_t)id) : NULL;

		name = pw ? pw->pw_name : gr ? gr->gr_name : NULL;
	}
	fprintf(out, "%lld", (long long)id);
	if (name) {
		fputs(" (", out);
		put(out, name);
		fputc(')', out);
	}
}

static int is_uid_key(const char *k)
{
	return !strcmp(k, "uid") || !strcmp(k, "euid") ||
	       !strcmp(k, "owner");
}

/* A value: lists joined, objects as key=value, numbers as numbers. */
static void put_value(FILE *out, const char *key, json_object *v)
{
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", out);
			put_value(out, key, json_object_array_get_idx(v, i));
		}
		break;
	case json_type_object: {
		int first = 1;

		json_object_object_foreach(v, k, x) {
			fputs(first ? "" : ", ", out);
			first = 0;
			put(out, k);
			fputc('=', out);
			put_value(out, k, x);
		}
		break;
	}
	case json_type_int:
		if (is_uid_key(key) || !strcmp(key, "group"))
			put_id(out, v, !strcmp(key, "group"));
		else
			fprintf(out, "%lld",
				(long long)json_object_get_int64(v));
		break;
	case json_type_null:
		break;
	default:
		put(out, json_object_get_string(v));
	}
}

static void line(FILE *out, const char *label, const char *text)
{
	fprintf(out, "%-12s ", label);
	put(out, text);
	fputc('\n', out);
}

static void cause(FILE *out, json_object *c)
{
	const char *kind = str(c, "kind");

	fprintf(out, "%-12s ", "caused by:");
	if (!strcmp(kind, "user") && get(c, "uid")) {
		fputs("the processes of uid ", out);
		put_id(out, get(c, "uid"), false);
	} else if (!strcmp(kind, "users")) {
		fputs("processes of several users", out);
	} else {
		put(out, *kind ? kind : "unknown");
	}
	fputc('\n', out);
}

void show_tags(json_object *f, const char *sep, bool mark_host,
	       struct sbuf *out)
{
	json_object *own = get(f, "tags"), *host = get(get(f, "host"), "tags");
	size_t start = out->len;

	if (host && json_object_is_type(host, json_type_object)) {
		json_object_object_foreach(host, k, v) {
			if (own && json_object_object_get_ex(own, k, NULL))
				continue;	/* its own wins */
			sbuf_printf(out, "%s%s=%s%s",
				    out->len > start ? sep : "", k,
				    json_object_get_string(v),
				    mark_host ? " (host)" : "");
		}
	}
	if (own && json_object_is_type(own, json_type_object)) {
		json_object_object_foreach(own, k, v)
			sbuf_printf(out, "%s%s=%s",
				    out->len > start ? sep : "", k,
				    json_object_get_string(v));
	}
}

void show_finding(FILE *out, json_object *f)
{
	json_object *attrs = get(f, "attributes"), *host = get(f, "host");
	json_object *acc = get(f, "acceptance"), *lr = get(f, "last_run");
	json_object *runs = get(f, "runs");
	struct sbuf tags;

	sbuf_init(&tags);
	put(out, str(f, "id"));
	fprintf(out, "  %s  ", str(f, "severity"));
	put(out, str(f, "rule"));
	fputc('\n', out);
	put(out, str(f, "title"));
	fputs("\n\n", out);
	/* the file or program, as the table shows it; else the key */
	line(out, "asset:", *str(attrs, "path") ? str(attrs, "path") :
	     *str(attrs, "module") ? str(attrs, "module") :
	     *str(attrs, "exe") ? str(attrs, "exe") : str(f, "asset_key"));
	fprintf(out, "%-12s %s, first seen %s, last seen %s, %s sighting%s\n",
		"status:", str(f, "status"), str(f, "first_seen"),
		str(f, "last_seen"), str(f, "count"),
		!strcmp(str(f, "count"), "1") ? "" : "s");
	if (*str(f, "resolved_at"))
		line(out, "resolved:", str(f, "resolved_at"));
	fprintf(out, "%-12s ", "host:");
	put(out, str(host, "hostname"));
	fputs(" (machine-id ", out);
	put(out, *str(host, "machine_id") ? str(host, "machine_id") :
	    "unknown");
	fputs(")\n", out);
	if (get(f, "caused_by"))
		cause(out, get(f, "caused_by"));
	show_tags(f, ", ", true, &tags);
	if (tags.len) {
		fprintf(out, "%-12s ", "tags:");
		put(out, sbuf_str(&tags));
		fputc('\n', out);
	}
	sbuf_free(&tags);
	if (runs && json_object_is_type(runs, json_type_array)) {
		fprintf(out, "%-12s seen in %zu run%s", "runs:",
			json_object_array_length(runs),
			json_object_array_length(runs) == 1 ? "" : "s");
		if (lr && json_object_array_length(runs)) {
			fputs("; the last, ", out);
			put(out, json_object_get_string(json_object_array_get_idx(
				runs, json_object_array_length(runs) - 1)));
			fprintf(out, ": %s sighting%s from %s to %s",
				str(lr, "count"),
				!strcmp(str(lr, "count"), "1") ? "" : "s",
				str(lr, "first_seen"), str(lr, "last_seen"));
		}
		fputc('\n', out);
	}
	if (acc) {
		fprintf(out, "%-12s yes, by ", "accepted:");
		put(out, str(acc, "by"));
		fputs(": ", out);
		put(out, str(acc, "reason"));
		if (*str(acc, "until")) {
			fputs(" (until ", out);
			put(out, str(acc, "until"));
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (attrs && json_object_is_type(attrs, json_type_object)) {
		fputs("\nevidence:\n", out);
		json_object_object_foreach(attrs, k, v) {
			fputs("  ", out);
			put(out, k);
			fprintf(out, "%*s ",
				(int)(strlen(k) < 20 ? 20 - strlen(k) : 0), "");
			put_value(out, k, v);
			fputc('\n', out);
		}
	}
	if (*str(f, "recommendation")) {
		fputs("\nwhat to do:\n  ", out);
		put(out, str(f, "recommendation"));
		fputc('\n', out);
	}
}
