// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A finding not seen for a while keeps its attributes as compact JSON
 * text, not as a json-c tree: a tree of twenty values costs about ten
 * times its text (a hash table of 16 or 32 slots per object, an
 * allocation per value and per key), and a full store holds ten
 * thousand findings, most of them quiet for days.  The next sighting
 * thaws the tree; a reader is handed a tree of its own.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findings/store.h"

/* The text back into a tree (vigild's own text); NULL on ENOMEM. */
static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

json_object *finding_attrs(const struct finding *f)
{
	if (f->attrs)
		return json_object_get(f->attrs);
	return f->frozen ? parse(f->frozen) : json_object_new_object();
}

json_object *finding_attrs_stored(const struct finding *f)
{
	json_object *o;
	char *copy;

	if (f->attrs || !f->frozen)
		return finding_attrs(f);
	/*
	 * The text as it is, not parsed to be written again: writing a
	 * full store took four times as long as reading it.  json-c wrote
	 * it; json_dump() mends any byte that is not UTF-8 as it writes.
	 */
	o = json_object_new_object();
	copy = strdup(f->frozen);
	if (!o || !copy) {
		json_object_put(o);
		free(copy);
		return NULL;
	}
	json_object_set_serializer(o, json_object_userdata_to_json_string,
				   copy, json_object_free_userdata);
	return o;
}

int finding_thaw(struct finding *f)
{
	json_object *o;

	if (f->attrs)
		return 0;
	o = f->frozen ? parse(f->frozen) : json_object_new_object();
	if (!o)
		return -ENOMEM;
	free(f->frozen);
	f->frozen = NULL;
	f->attrs = o;
	return 0;
}

/* attrs as frozen text (NULL: no attributes), malloc'd; NULL on ENOMEM. */
static char *attrs_text(json_object *attrs)
{
	const char *text = attrs ? json_object_to_json_string_ext(attrs,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "{}";

	return text ? strdup(text) : NULL;
}

int finding_freeze_from(struct finding *f, json_object *attrs)
{
	char *copy = attrs_text(attrs);

	if (!copy)
		return -ENOMEM;
	free(f->frozen);
	f->frozen = copy;
	return 0;
}

int finding_freeze(struct finding *f)
{
	char *copy;

	if (!f->attrs)
		return 0;
	copy = attrs_text(f->attrs);
	if (!copy)
		return -ENOMEM;
	json_object_put(f->attrs);
	f->attrs = NULL;
	f->frozen = copy;
	/* what a repeated sighting is compared with goes too */
	json_object_put(f->last_sighting);
	f->last_sighting = NULL;
	return 0;
}

size_t findings_freeze(struct findings *fs, int64_t before)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = fs->all[i];

		if (f->attrs && f->last_seen < before && !finding_freeze(f))
			n++;
	}
	return n;
}
