// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every line format shares (line.h): the acceptance and the tags
 * a line carries.  Below the formatters, which line.c dispatches to.
 */
#include "build.h"

#include <string.h>

#include "findings/line.h"
#include "lib/jsonutil.h"
#include "lib/utf8.h"

const char *line_accept_reason(const struct finding *f,
			       char buf[LINE_REASON_MAX + 1])
{
	const char *r = f->quiet->reason;
	size_t n = strlen(r);

	if (n <= LINE_REASON_MAX)
		return r;
	n = utf8_cut(r, n, LINE_REASON_MAX - 3);
	memcpy(buf, r, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* Copy the string members of from into to, over what is there. */
static int merge_tags(json_object *to, json_object *from)
{
	if (!from || !json_object_is_type(from, json_type_object))
		return 0;
	json_object_object_foreach(from, key, val) {
		if (!json_object_is_type(val, json_type_string))
			continue;
		if (json_object_object_add(to, key, json_object_get(val)) < 0)
			return -1;
	}
	return 0;
}

json_object *line_tags(const struct line_event *e)
{
	json_object *own = e->f ? e->f->tags : NULL, *t;

	if (!own && (!e->host->tags ||
		     !json_object_object_length(e->host->tags)))
		return NULL;
	t = json_object_new_object();
	if (!t || merge_tags(t, e->host->tags) < 0 || merge_tags(t, own) < 0) {
		json_object_put(t);
		return NULL;
	}
	return t;
}

json_object *line_acceptance_json(const struct finding *f, bool terse)
{
	char buf[LINE_REASON_MAX + 1];
	const char *src = f->quiet == f->accepted ? "vigilctl" : "config";
	json_object *o;

	if (terse) {
		o = json_object_new_object();
		if (o && json_add_str(o, "source", src)) {
			json_object_put(o);
			o = NULL;
		}
		return o;
	}
	o = acceptance_to_json(f->quiet, src);
	if (o)
		json_add_str(o, "reason", line_accept_reason(f, buf));
	return o;
}
