// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tags on findings (findings.h): the host's, from the configuration,
 * and a finding's own, given with vigilctl and kept in the state file.
 */
#include "build.h"

#include <errno.h>
#include <string.h>

#include "findings/store.h"
#include "lib/tag.h"

int findings_tag(struct findings *fs, const char *id, const char *key,
		 const char *value)
{
	const struct finding *cf = findings_get(fs, id);
	struct finding *f = (struct finding *)cf;
	json_object *v;

	if (!f)
		return -ENOENT;
	if (!tag_key_ok(key) || (value && !tag_value_ok(value)))
		return -EINVAL;
	if (!value) {
		if (!f->tags || !json_object_object_get_ex(f->tags, key, NULL))
			return -ENOENT;
		json_object_object_del(f->tags, key);
		if (!json_object_object_length(f->tags)) {
			json_object_put(f->tags);
			f->tags = NULL;
		}
		goto changed;
	}
	if (!f->tags && !(f->tags = json_object_new_object()))
		return -ENOMEM;
	if (!json_object_object_get_ex(f->tags, key, NULL) &&
	    json_object_object_length(f->tags) >= TAG_MAX)
		return -E2BIG;
	v = json_object_new_string(value);
	if (!v || json_object_object_add(f->tags, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
changed:
	f->changed = true;	/* told with its next event */
	findings_changed(fs, f);
	return 0;
}

void findings_sync_host_tags(struct findings *fs)
{
	json_object *tags = NULL, *h;
	size_t i;

	if (fs->host)
		json_object_object_get_ex(fs->host, "tags", &tags);
	for (i = 0; i < fs->n; i++) {
		h = fs->all[i]->host;
		if (!h || h == fs->host ||
		    !json_object_is_type(h, json_type_object))
			continue;
		if (tags)
			json_object_object_add(h, "tags", json_object_get(tags));
		else
			json_object_object_del(h, "tags");
	}
}

json_object *finding_tags_load(json_object *tags)
{
	json_object *t;

	if (!tags || !json_object_is_type(tags, json_type_object))
		return NULL;
	t = json_object_new_object();
	if (!t)
		return NULL;
	json_object_object_foreach(tags, key, val) {
		if (json_object_object_length(t) >= TAG_MAX)
			break;
		if (!json_object_is_type(val, json_type_string) ||
		    !tag_key_ok(key) ||
		    !tag_value_ok(json_object_get_string(val)))
			continue;	/* edited by hand: not kept */
		json_object_object_add(t, key, json_object_get(val));
	}
	if (!json_object_object_length(t)) {
		json_object_put(t);
		return NULL;
	}
	return t;
}
