/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_PLACE_H
#define VIGIL_RULES_PLACE_H

#include <json-c/json.h>
#include <stddef.h>

#include "model/events.h"

/*
 * A sighting's place in its finding: the key names the container (or
 * the namespace, when no container owns it), so the same problem in
 * two containers is two findings; the evidence names both.  Nothing is
 * added for vigild's own namespace outside any container: findings of
 * the host keep the keys they always had.
 */

/*
 * For a finding about a file (a binary, a library): the namespace a
 * process ran in says nothing about the file, only its container (its
 * root) does.  Forgets the namespace of a process in none.
 */
void place_for_file(struct place *p);

/* Append p to key (size bytes, NUL-terminated); cut to fit. */
void place_key(char *key, size_t size, const struct place *p);
/*
 * Add to a: container_id, container_runtime, container_name,
 * container_image, container_image_id, netns, netns_name (each only
 * when known).
 */
void place_attrs(json_object *a, const struct place *p);

#endif
