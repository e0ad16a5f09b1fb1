// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "exceptions" list of the configuration (confexcept.h): known
 * risks, each with a reason, a rule or what it matches, and an end.
 */
#include "build.h"

#include <stdio.h>
#include <string.h>

#include "config/confexcept.h"
#include "config/confparse.h"
#include "core/rulemeta.h"

struct except_ctx {
	struct exceptions *x;
	const char *source;
	struct sbuf *err;
};

#define cfg_error(pc, s, ...) config_error((pc)->err, (pc)->source, s, \
					   __VA_ARGS__)

/* A string member of an exception entry, NULL when absent. */
static int exception_str(struct except_ctx *pc, const config_setting_t *g,
			 const char *name, const char **out)
{
	const config_setting_t *v = config_setting_get_member(g, name);

	*out = NULL;
	if (!v)
		return 0;
	if (config_setting_type(v) != CONFIG_TYPE_STRING)
		return cfg_error(pc, v, "exceptions: '%s' must be a string",
				 name);
	*out = config_setting_get_string(v);
	if (!**out || strlen(*out) > EXCEPTION_TEXT_MAX)
		return cfg_error(pc, v, "exceptions: '%s' must be 1 to %d bytes",
				 name, EXCEPTION_TEXT_MAX);
	return 0;
}

/* Every member of g must be one of names (NULL-ended). */
static int only_members(struct except_ctx *pc, const config_setting_t *g,
			const char *const *names, const char *what)
{
	int i, n = config_setting_length(g);
	size_t j;

	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(g,
								(unsigned)i);
		const char *name = config_setting_name(m);

		for (j = 0; name && names[j]; j++)
			if (!strcmp(name, names[j]))
				break;
		if (!name || !names[j])
			return cfg_error(pc, m, "%s: unknown key '%s'", what,
					 name ? name : "(none)");
	}
	return 0;
}

/*
 * exceptions = ( { rule = "..."; match = { program = "/opt/x/...";
 * path = "..."; port = 8080; }; reason = "..."; until = "2027-03-01"; } );
 */
static int add_one(struct except_ctx *pc, const config_setting_t *e)
{
	static const char *const top[] = { "rule", "match", "reason",
					   "until", NULL };
	static const char *const crit[] = { "program", "path", "port", NULL };
	const char *rule = NULL, *reason, *until, *program = NULL, *path = NULL;
	const config_setting_t *match, *pv;
	const struct rule_meta *m = NULL;
	char by[4200];
	int64_t t = 0;
	int port = 0;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return cfg_error(pc, e, "exceptions: each entry must be a group { ... }");
	if (only_members(pc, e, top, "exceptions") < 0 ||
	    exception_str(pc, e, "rule", &rule) < 0 ||
	    exception_str(pc, e, "reason", &reason) < 0 ||
	    exception_str(pc, e, "until", &until) < 0)
		return -1;
	if (rule && !(m = rule_meta_by_name(rule)))
		return cfg_error(pc, config_setting_get_member(e, "rule"),
				 "exceptions: unknown rule '%s'", rule);
	if (!reason)
		return cfg_error(pc, e, "exceptions: an entry needs a reason = \"...\"");
	if (until && acceptance_parse_until(until, &t) < 0)
		return cfg_error(pc, config_setting_get_member(e, "until"),
				 "exceptions: until '%s' is not a date (2027-03-01 or 2027-03-01T12:00:00Z)",
				 until);
	match = config_setting_get_member(e, "match");
	if (match) {
		if (config_setting_type(match) != CONFIG_TYPE_GROUP)
			return cfg_error(pc, match, "exceptions: 'match' must be a group { ... }");
		if (only_members(pc, match, crit, "exceptions: match") < 0 ||
		    exception_str(pc, match, "program", &program) < 0 ||
		    exception_str(pc, match, "path", &path) < 0)
			return -1;
		pv = config_setting_get_member(match, "port");
		if (pv && (config_setting_type(pv) != CONFIG_TYPE_INT ||
			   config_setting_get_int(pv) < 1 ||
			   config_setting_get_int(pv) > 65535))
			return cfg_error(pc, pv, "exceptions: port must be an integer from 1 to 65535");
		if (pv)
			port = config_setting_get_int(pv);
	}
	if (!m && !program && !path && !port)
		return cfg_error(pc, e, "exceptions: an entry must name a rule or match something (program, path, port)");
	if (pc->x->n >= EXCEPTIONS_MAX)
		return cfg_error(pc, e, "exceptions: more than %d entries",
				 EXCEPTIONS_MAX);
	snprintf(by, sizeof(by), "%s:%d", pc->source,
		 config_setting_source_line(e));
	if (exceptions_add(pc->x, m, program, path, port,
			   reason, t, by) < 0)
		return cfg_error(pc, e, "exceptions: out of memory");
	return 0;
}

int config_exceptions_add(struct exceptions *x, const config_setting_t *s,
			  const char *source, struct sbuf *err)
{
	struct except_ctx pc = { x, source, err };
	int i, n = config_setting_length(s);

	for (i = 0; i < n; i++)
		if (add_one(&pc, config_setting_get_elem(s, (unsigned)i)) < 0)
			return -1;
	return 0;
}
