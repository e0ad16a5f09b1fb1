/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_JSONUTIL_H
#define VIGIL_JSONUTIL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/sbuf.h"

/* The string member key of o, or NULL if absent or not a string. */
const char *json_get_str(json_object *o, const char *key);

/*
 * Add the string member key = v to o; nothing when v is NULL.  Returns
 * 0, or -1 on ENOMEM.
 */
int json_add_str(json_object *o, const char *key, const char *v);

/*
 * An array of n objects made by item(ctx, i), i = 0..n-1.  NULL on
 * ENOMEM (item returning NULL counts as ENOMEM).
 */
json_object *json_array_of(size_t n,
			   json_object *(*item)(const void *ctx, size_t i),
			   const void *ctx);

/*
 * Put every string in the tree o (values, not keys) in the text form of
 * lib/utf8.h.  With all, every string is taken as raw bytes; without,
 * only those not already in that form are (a state file vigil wrote
 * holds escaped strings; one edited by hand may not).  Returns whether
 * any string was not in that form.
 */
bool json_escape_strings(json_object *o, bool all);

/*
 * o as JSON text appended to out, with json-c's flags.  The text is
 * valid UTF-8 whatever o holds: a byte json-c would pass through that
 * is not valid UTF-8 (a string that missed json_escape_strings) is
 * written as the text "\\xNN".  Returns how many bytes were so
 * mended (0 normally), -1 on ENOMEM (out marked failed).
 */
int json_dump(json_object *o, int flags, struct sbuf *out);
/*
 * The same text, without copying it when nothing needs mending: *text
 * is then o's own buffer (valid until o is changed or freed), else
 * spare's, which is mended into.  *len: its length.  Returns as
 * json_dump().
 */
int json_text(json_object *o, int flags, struct sbuf *spare,
	      const char **text, size_t *len);

#endif
