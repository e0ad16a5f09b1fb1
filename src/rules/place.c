// SPDX-License-Identifier: GPL-2.0-or-later
/* Where a finding happened, in its key and evidence (place.h). */
#include "build.h"

#include <stdio.h>
#include <string.h>

#include "rules/place.h"

void place_for_file(struct place *p)
{
	if (p->runtime)
		return;
	p->netns = 0;
	p->netns_name[0] = '\0';
}

void place_key(char *key, size_t size, const struct place *p)
{
	size_t n = strlen(key);

	if (n >= size)
		return;
	/* the short id runtimes show (podman ps, docker ps) */
	if (p->runtime)
		snprintf(key + n, size - n, "|ctr=%s:%.12s", p->runtime,
			 p->ctr_id);
	else if (p->netns_name[0])
		snprintf(key + n, size - n, "|netns=%s", p->netns_name);
	else if (p->netns)
		snprintf(key + n, size - n, "|netns=%llu",
			 (unsigned long long)p->netns);
}

static void add(json_object *a, const char *k, const char *v)
{
	if (v && v[0])
		json_object_object_add(a, k, json_object_new_string(v));
}

void place_attrs(json_object *a, const struct place *p)
{
	char ino[32];

	if (p->runtime) {
		add(a, "container_id", p->ctr_id);
		add(a, "container_runtime", p->runtime);
		add(a, "container_name", p->ctr_name);
		add(a, "container_image", p->image);
		add(a, "container_image_id", p->image_id);
		add(a, "pod_id", p->pod_id);
		add(a, "pod_name", p->pod_name);
		add(a, "pod_namespace", p->pod_namespace);
	}
	if (p->netns) {
		snprintf(ino, sizeof(ino), "%llu",
			 (unsigned long long)p->netns);
		add(a, "netns", ino);
		add(a, "netns_name", p->netns_name);
	}
}
