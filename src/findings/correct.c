// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connections counted under one finding and named later as another's
 * (a flow reported "unknown" whose program's record came after it was
 * given up): the count moves out, and the finding says so.
 */
#include "build.h"

#include <errno.h>
#include <string.h>

#include "findings/store.h"
#include "lib/sbuf.h"
#include "lib/utf8.h"

/* Is key a count of the rule's evidence (one that adds up)? */
static bool is_count(const struct rule_meta *m, const char *key)
{
	const struct rule_evidence *ev;

	for (ev = m->evidence; ev && ev->key; ev++)
		if (!strcmp(ev->key, key))
			return ev->max == 0;
	return false;
}

static int64_t count_of(json_object *attrs, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(attrs, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v);
}

int findings_correct(struct findings *fs, enum rule_id rule,
		     const char *raw_key, const char *count_key, int64_t n,
		     int64_t now)
{
	const struct rule_meta *m = rule_meta(rule);
	char id[FINDING_ID_LEN + 1];
	struct finding *f = NULL;
	int64_t have, moved;
	struct sbuf key;
	int r;

	if (!m || !raw_key || !count_key || n <= 0 || !is_count(m, count_key) ||
	    !is_count(m, FINDING_NAMED_LATER))
		return -EINVAL;
	sbuf_init(&key);
	utf8_escape(&key, raw_key, strlen(raw_key));
	if (sbuf_failed(&key)) {
		r = -ENOMEM;
		goto out;
	}
	finding_make_id(fs->machine_id, m->id, sbuf_str(&key), id);
	f = findings_find(fs, m, sbuf_str(&key), id);
	if (f && finding_thaw(f) < 0) {
		r = -ENOMEM;
		goto out;
	}
	have = f ? count_of(f->attrs, count_key) : 0;
	if (have <= 0) {
		r = -ENOENT;
		goto out;
	}
	moved = n < have ? n : have;
	json_object_object_add(f->attrs, count_key,
			       json_object_new_int64(have - moved));
	json_object_object_add(f->attrs, FINDING_NAMED_LATER,
			       json_object_new_int64(count_of(f->attrs,
					FINDING_NAMED_LATER) + moved));
	/* the last sighting is no longer what the counts add up from */
	json_object_put(f->last_sighting);
	f->last_sighting = NULL;
	if (have == moved && f->status == FINDING_OPEN) {
		/* every use it stood for was another's: it never was */
		f->status = FINDING_RESOLVED;
		f->resolved_at = now;
		f->changed = false;
		findings_tell(fs, f, FEV_RESOLVED);
		r = 1;
	} else {
		f->changed = true;
		r = 0;
	}
	findings_changed(fs, f);
out:
	sbuf_free(&key);
	return r;
}
