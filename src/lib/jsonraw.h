/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_JSONRAW_H
#define VIGIL_JSONRAW_H

#include <json-c/json.h>
#include <stddef.h>

/*
 * o, an object json-c parsed from the text s[0..n): when its member
 * key (an object or array) is written there plainly, once, and compact
 * as vigild writes it (no white space, nothing but JSON's own outside
 * strings), that value keeps its text as its serializer
 * (json_object_set_serializer), so writing it again is a copy, not a
 * walk of its tree.  Otherwise o is left as it is.  0, or -1 (ENOMEM).
 */
int jsonraw_keep(json_object *o, const char *key, const char *s, size_t n);

#endif
