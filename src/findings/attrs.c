// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include "findings/attrs.h"

json_object *attrs_list_add(const struct finding *f, const char *key,
			    json_object *item, size_t max)
{
	json_object *old = NULL, *arr = json_object_new_array();
	size_t i, n, kept = 0, skip = 0;

	if (!arr || !item || !max) {
		json_object_put(arr);
		json_object_put(item);
		return NULL;
	}
	if (f && json_object_object_get_ex(f->attrs, key, &old) &&
	    !json_object_is_type(old, json_type_array))
		old = NULL;
	n = old ? json_object_array_length(old) : 0;
	/* How many of the old entries survive: all but item, newest max-1. */
	for (i = 0; i < n; i++)
		if (!json_object_equal(json_object_array_get_idx(old, i), item))
			kept++;
	if (kept > max - 1)
		skip = kept - (max - 1);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(old, i);

		if (json_object_equal(e, item))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		json_object_array_add(arr, json_object_get(e));
	}
	json_object_array_add(arr, item);
	return arr;
}
