// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A sighting's evidence into a finding's: what the rule declares as
 * evidence lists and counts accumulates, bounded; everything else is
 * the last sighting's.
 */
#include "build.h"

#include <stdbool.h>
#include <string.h>

#include "findings/evidence.h"

void evidence_copy(json_object *dst, json_object *src)
{
	json_object_object_foreach(src, key, val)
		json_object_object_add(dst, key, json_object_get(val));
}

static const struct rule_evidence *evidence_of(const struct rule_meta *m,
					       const char *key)
{
	const struct rule_evidence *e;

	for (e = m->evidence; e && e->key; e++)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

static bool in_array(json_object *arr, json_object *v)
{
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++)
		if (json_object_equal(json_object_array_get_idx(arr, i), v))
			return true;
	return false;
}

/*
 * The newest max distinct values: old ones not repeated in add, then
 * add itself (each at most once).  NULL on ENOMEM.
 */
static json_object *merge_list(json_object *old, json_object *add,
			       size_t max)
{
	json_object *all = json_object_new_array(), *out = NULL;
	size_t i, n, skip;

	if (!all)
		return NULL;
	n = old && json_object_is_type(old, json_type_array) ?
	    json_object_array_length(old) : 0;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(old, i);

		if (!in_array(add, v) && !in_array(all, v))
			json_object_array_add(all, json_object_get(v));
	}
	for (i = 0; i < json_object_array_length(add); i++) {
		json_object *v = json_object_array_get_idx(add, i);

		if (!in_array(all, v))
			json_object_array_add(all, json_object_get(v));
	}
	n = json_object_array_length(all);
	skip = n > max ? n - max : 0;
	/* sized to fit: a full store holds many such lists */
	out = json_object_new_array_ext((int)(n - skip));
	for (i = skip; out && i < n; i++)
		json_object_array_add(out, json_object_get(
				json_object_array_get_idx(all, i)));
	json_object_put(all);
	return out;
}

static void add_count(json_object *dst, const char *key, json_object *old,
		      json_object *val)
{
	int64_t n = json_object_get_int64(val);

	if (old && json_object_is_type(old, json_type_int))
		n += json_object_get_int64(old);
	json_object_object_add(dst, key, json_object_new_int64(n));
}

bool evidence_merge(const struct rule_meta *m, json_object *dst,
		    json_object *src)
{
	bool grew = false;

	json_object_object_foreach(src, key, val) {
		const struct rule_evidence *e = evidence_of(m, key);
		json_object *old = NULL, *nv;

		json_object_object_get_ex(dst, key, &old);
		if (e && e->max && json_object_is_type(val, json_type_array)) {
			nv = merge_list(old, val, e->max);
			if (!nv)
				continue;
			if (strcmp(key, "pids") &&
			    (!old || !json_object_equal(old, nv)))
				grew = true;
			json_object_object_add(dst, key, nv);
		} else if (e && !e->max &&
			   json_object_is_type(val, json_type_int)) {
			add_count(dst, key, old, val);
		} else {
			json_object_object_add(dst, key, json_object_get(val));
		}
	}
	return grew;
}

void evidence_merge_again(const struct rule_meta *m, json_object *dst,
			  json_object *src)
{
	const struct rule_evidence *e;
	json_object *val, *old = NULL;

	/* the rule's few counts, not every key of the sighting */
	for (e = m->evidence; e && e->key; e++) {
		if (e->max || !json_object_object_get_ex(src, e->key, &val) ||
		    !json_object_is_type(val, json_type_int))
			continue;
		json_object_object_get_ex(dst, e->key, &old);
		add_count(dst, e->key, old, val);
	}
}
