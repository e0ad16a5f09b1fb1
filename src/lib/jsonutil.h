/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_JSONUTIL_H
#define VIGIL_JSONUTIL_H

#include <json-c/json.h>
#include <stddef.h>

/* The string member key of o, or NULL if absent or not a string. */
const char *json_get_str(json_object *o, const char *key);

/*
 * An array of n objects made by item(ctx, i), i = 0..n-1.  NULL on
 * ENOMEM (item returning NULL counts as ENOMEM).
 */
json_object *json_array_of(size_t n,
			   json_object *(*item)(const void *ctx, size_t i),
			   const void *ctx);

#endif
