// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include "lib/jsonutil.h"

const char *json_get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *json_array_of(size_t n,
			   json_object *(*item)(const void *ctx, size_t i),
			   const void *ctx)
{
	json_object *arr = json_object_new_array();
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		json_object *o = item(ctx, i);

		if (!o) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, o);
	}
	return arr;
}
