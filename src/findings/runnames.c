// SPDX-License-Identifier: GPL-2.0-or-later
/* The run ids a store's findings name, numbered (runnames.h). */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "findings/runnames.h"

/* A number for e: a freed one, or the next.  -1: none left, ENOMEM. */
static int number(struct run_names *t, struct run_name *e)
{
	if (t->nfree) {
		e->num = t->free[--t->nfree];
	} else {
		if (t->n == RUN_NAMES_MAX)
			return -1;
		if (t->n == t->cap) {
			uint32_t cap = t->cap ? t->cap * 2 : 64;
			struct run_name **p;
			uint16_t *f;

			if (cap > RUN_NAMES_MAX)
				cap = RUN_NAMES_MAX;
			p = realloc(t->by_num, cap * sizeof(*p));
			if (!p)
				return -1;
			t->by_num = p;
			/* every number can be free at once */
			f = realloc(t->free, cap * sizeof(*f));
			if (!f)
				return -1;
			t->free = f;
			t->cap = cap;
		}
		e->num = (uint16_t)t->n++;
	}
	t->by_num[e->num] = e;
	return 0;
}

int run_names_hold(struct run_names *t, const char *id)
{
	struct run_name *e;

	HASH_FIND_STR(t->by_id, id, e);
	if (e) {
		e->refs++;
		return e->num;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	e->id = json_object_new_string(id);
	if (!e->id || number(t, e) < 0)
		goto fail;
	HASH_ADD_KEYPTR(hh, t->by_id, json_object_get_string(e->id),
			strlen(id), e);
	if (!hash_added(e, hh)) {
		t->free[t->nfree++] = e->num;
		t->by_num[e->num] = NULL;
		goto fail;
	}
	e->refs = 1;
	return e->num;
fail:
	json_object_put(e->id);
	free(e);
	return -1;
}

int run_names_find(const struct run_names *t, const char *id)
{
	struct run_name *e;

	HASH_FIND_STR(t->by_id, id, e);
	return e ? e->num : -1;
}

void run_names_drop(struct run_names *t, uint16_t num)
{
	struct run_name *e = t->by_num[num];

	if (--e->refs)
		return;
	HASH_DEL(t->by_id, e);
	t->by_num[num] = NULL;
	t->free[t->nfree++] = num;
	json_object_put(e->id);
	free(e);
}

const char *run_names_text(const struct run_names *t, uint16_t num)
{
	return json_object_get_string(t->by_num[num]->id);
}

json_object *run_names_json(const struct run_names *t, uint16_t num)
{
	return t->by_num[num]->id;
}

void run_names_free(struct run_names *t)
{
	struct run_name *e, *tmp;

	HASH_ITER(hh, t->by_id, e, tmp) {
		HASH_DEL(t->by_id, e);
		json_object_put(e->id);
		free(e);
	}
	free(t->by_num);
	free(t->free);
	memset(t, 0, sizeof(*t));
}
