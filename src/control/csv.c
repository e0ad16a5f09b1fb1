// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings as CSV: see csv.h. */
#include "build.h"

#include <string.h>

#include "control/csv.h"
#include "control/show.h"
#include "lib/escape.h"
#include "lib/sbuf.h"

/* The columns, and where each comes from in a finding object. */
static const char *const columns[] = {
	"id", "severity", "rule", "title", "status", "asset", "program",
	"uid", "container", "container_id", "image", "first_seen",
	"last_seen", "count", "accepted", "hostname", "machine_id", "tags",
	"recommendation",
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

static const char *get(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return "";
	return json_object_get_string(v);
}

/* "k=v;k=v": the host's tags, and the finding's own over them. */
static const char *tags_of(json_object *f, struct sbuf *tmp)
{
	sbuf_reset(tmp);
	show_tags(f, ";", false, tmp);
	return sbuf_str(tmp);
}

static const char *field(json_object *f, size_t col, struct sbuf *tmp)
{
	json_object *a = NULL, *host = NULL, *acc = NULL;
	const char *c = columns[col];

	json_object_object_get_ex(f, "attributes", &a);
	json_object_object_get_ex(f, "host", &host);
	if (!strcmp(c, "asset"))
		return get(f, "asset_key");
	if (!strcmp(c, "program"))
		return *get(a, "program") ? get(a, "program") :
		       *get(a, "exe") ? get(a, "exe") : get(a, "path");
	if (!strcmp(c, "uid"))
		return get(a, "uid");
	if (!strcmp(c, "container"))
		return get(a, "container_name");
	if (!strcmp(c, "container_id"))
		return get(a, "container_id");
	if (!strcmp(c, "image"))
		return get(a, "container_image");
	if (!strcmp(c, "accepted"))
		return json_object_object_get_ex(f, "acceptance", &acc) && acc ?
		       "yes" : "no";
	if (!strcmp(c, "hostname") || !strcmp(c, "machine_id"))
		return get(host, c);
	if (!strcmp(c, "tags"))
		return tags_of(f, tmp);
	return get(f, c);
}

static void put_field(struct sbuf *row, const char *s)
{
	struct sbuf e;
	const char *p;

	sbuf_init(&e);
	escape_text(&e, s);
	p = sbuf_str(&e);
	sbuf_addc(row, '"');
	if (strchr("=+-@\t\r", *p) && *p)
		sbuf_addc(row, '\'');
	for (; *p; p++) {
		if (*p == '"')
			sbuf_addc(row, '"');
		sbuf_addc(row, *p);
	}
	sbuf_addc(row, '"');
	sbuf_free(&e);
}

int csv_findings(FILE *out, json_object *const *v, size_t n)
{
	struct sbuf row, tmp;
	size_t i, k;
	int r = 0;

	sbuf_init(&row);
	sbuf_init(&tmp);
	for (k = 0; k < NCOLS; k++)
		sbuf_printf(&row, "%s%s", k ? "," : "", columns[k]);
	sbuf_adds(&row, "\r\n");
	for (i = 0; i < n; i++) {
		for (k = 0; k < NCOLS; k++) {
			if (k)
				sbuf_addc(&row, ',');
			put_field(&row, field(v[i], k, &tmp));
		}
		sbuf_adds(&row, "\r\n");
	}
	if (sbuf_failed(&row) ||
	    fwrite(sbuf_str(&row), 1, row.len, out) != row.len ||
	    fflush(out) != 0)
		r = -1;
	sbuf_free(&row);
	sbuf_free(&tmp);
	return r;
}
