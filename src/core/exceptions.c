// SPDX-License-Identifier: GPL-2.0-or-later
/* Configured exceptions and acceptances, and their matching (exceptions.h). */
#include "build.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/exceptions.h"
#include "lib/jsonutil.h"
#include "lib/sbuf.h"
#include "lib/utc.h"
#include "lib/utf8.h"

/* A copy of s in the text form, or NULL (s NULL, or ENOMEM). */
static char *text_dup(const char *s)
{
	struct sbuf b;
	char *r;

	if (!s)
		return NULL;
	sbuf_init(&b);
	utf8_escape(&b, s, strlen(s));
	r = sbuf_failed(&b) ? NULL : strdup(sbuf_str(&b));
	sbuf_free(&b);
	return r;
}

void acceptance_free(struct acceptance *a)
{
	free(a->reason);
	free(a->by);
	a->reason = a->by = NULL;
}

int exceptions_add(struct exceptions *ex, const struct rule_meta *rule,
		   const char *program, const char *path, int port,
		   const char *reason, int64_t until, const char *by)
{
	struct exception *v, *x;

	v = realloc(ex->v, (ex->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ex->v = v;
	x = &v[ex->n];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->port = port;
	x->program = text_dup(program);
	x->path = text_dup(path);
	x->acc.reason = text_dup(reason);
	x->acc.by = text_dup(by);
	x->acc.until = until;
	if ((program && !x->program) || (path && !x->path) ||
	    !x->acc.reason || !x->acc.by) {
		free(x->program);
		free(x->path);
		acceptance_free(&x->acc);
		return -ENOMEM;
	}
	ex->n++;
	return 0;
}

void exceptions_clear(struct exceptions *ex)
{
	size_t i;

	for (i = 0; i < ex->n; i++) {
		free(ex->v[i].program);
		free(ex->v[i].path);
		acceptance_free(&ex->v[i].acc);
	}
	free(ex->v);
	ex->v = NULL;
	ex->n = 0;
}

static bool str_matches(json_object *attrs, const char *key,
			const char *pattern)
{
	const char *v = json_get_str(attrs, key);

	return v && !fnmatch(pattern, v, FNM_NOESCAPE);
}

static bool program_matches(json_object *attrs, const char *pattern)
{
	json_object *list;
	size_t i, n;

	if (str_matches(attrs, "program", pattern) ||
	    str_matches(attrs, "exe", pattern))
		return true;
	if (!json_object_object_get_ex(attrs, "programs", &list) ||
	    !json_object_is_type(list, json_type_array))
		return false;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(list, i);

		if (json_object_is_type(p, json_type_string) &&
		    !fnmatch(pattern, json_object_get_string(p),
			     FNM_NOESCAPE))
			return true;
	}
	return false;
}

static bool port_matches(json_object *attrs, int port)
{
	static const char *const keys[] = { "port", "remote_port" };
	json_object *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_object_get_ex(attrs, keys[i], &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int(v) == port)
			return true;
	return false;
}

const struct exception *exceptions_match(const struct exceptions *ex,
					 const struct rule_meta *m,
					 json_object *attrs, int64_t now)
{
	size_t i;

	if (!ex || !attrs)
		return NULL;
	for (i = 0; i < ex->n; i++) {
		const struct exception *x = &ex->v[i];

		if (x->acc.until && now >= x->acc.until)
			continue;
		if (x->rule && x->rule != m)
			continue;
		if (x->program && !program_matches(attrs, x->program))
			continue;
		if (x->path && !str_matches(attrs, "path", x->path) &&
		    !str_matches(attrs, "module", x->path))
			continue;
		if (x->port && !port_matches(attrs, x->port))
			continue;
		return x;
	}
	return NULL;
}

int acceptance_parse_until(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;

	if (!parse_utc(s, t))
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end || strlen(s) != 10)
		return -1;
	*t = (int64_t)timegm(&tm);
	return 0;
}

json_object *acceptance_to_json(const struct acceptance *a,
				const char *source)
{
	json_object *o = json_object_new_object();
	char t[32];

	if (!o || json_add_str(o, "source", source) ||
	    json_add_str(o, "reason", a->reason) ||
	    json_add_str(o, "by", a->by))
		goto err;
	if (a->until) {
		format_utc(a->until, t, sizeof(t));
		if (json_add_str(o, "until", t))
			goto err;
	}
	if (a->at) {
		format_utc(a->at, t, sizeof(t));
		if (json_add_str(o, "at", t))
			goto err;
	}
	return o;
err:
	json_object_put(o);
	return NULL;
}
