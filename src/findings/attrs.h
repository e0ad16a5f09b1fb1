/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ATTRS_H
#define VIGIL_ATTRS_H

#include <json-c/json.h>
#include <stddef.h>

#include "findings/findings.h"

/*
 * A bounded evidence list for a finding's attribute key: the list the
 * finding already has (f may be NULL), without item if present, then
 * item, keeping the newest max entries.  Consumes item.  Returns a new
 * array, NULL on ENOMEM.
 */
json_object *attrs_list_add(const struct finding *f, const char *key,
			    json_object *item, size_t max);

#endif
