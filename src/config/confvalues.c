// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How each kind of configuration value is read and checked (the
 * appliers of confkeys.h): paths, groups, numbers, durations, names from
 * a fixed set, tags; config.c's key table says which key takes which.
 */
#include "build.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/confexcept.h"
#include "config/confkeys.h"
#include "lib/duration.h"
#include "lib/tag.h"

int confval_path(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);
	char **dst = FIELD(pc, spec, char *);
	char *copy;

	if (v[0] != '/')
		return cfg_error(pc, s, "%s must be an absolute path",
				 spec->path);
	if (spec->max && strlen(v) > spec->max)
		return cfg_error(pc, s, "%s is longer than %llu bytes",
				 spec->path, (unsigned long long)spec->max);
	copy = strdup(v);
	if (!copy)
		return cfg_error(pc, s, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}

int confval_group_name(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);
	char **dst = FIELD(pc, spec, char *);
	char *copy;

	if (!getgrnam(v))
		return cfg_error(pc, s, "%s: no such group '%s'", spec->path,
				 v);
	copy = strdup(v);
	if (!copy)
		return cfg_error(pc, s, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}

int confval_bool(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec)
{
	*FIELD(pc, spec, bool) = config_setting_get_bool(s) != 0;
	return 0;
}

int confval_long(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec)
{
	long long v = config_setting_get_int64(s);

	if (v < (long long)spec->min || v > (long long)spec->max)
		return cfg_error(pc, s, "%s must be between %llu and %llu",
				 spec->path, (unsigned long long)spec->min,
				 (unsigned long long)spec->max);
	*FIELD(pc, spec, long) = (long)v;
	return 0;
}

/* User entries add to or replace (by name) the built-in catalog. */
int confval_protocols(struct parse_ctx *pc, const config_setting_t *s,
		      const struct key_spec *spec)
{
	(void)spec;
	return proto_catalog_add(pc->cfg->catalog, s, pc->source, pc->err);
}

int confval_exceptions(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec)
{
	(void)spec;
	return config_exceptions_add(&pc->cfg->exceptions, s, pc->source,
				     pc->err);
}

int confval_duration(struct parse_ctx *pc, const config_setting_t *s,
		     const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);
	char lo[32], hi[32];
	uint64_t sec;
	int r;

	r = duration_parse(v, &sec);
	if (r == -ERANGE)
		return cfg_error(pc, s, "%s: '%s' is too large", spec->path,
				 v);
	if (r < 0)
		return cfg_error(pc, s,
				 "%s: '%s' is not a duration (e.g. \"90s\", \"15m\", \"1h\")",
				 spec->path, v);
	/* remind: 0 means never, otherwise the range applies. */
	if ((sec < spec->min || sec > spec->max) &&
	    !(sec == 0 && !strcmp(spec->path, "syslog.remind"))) {
		duration_format(spec->min, lo, sizeof(lo));
		duration_format(spec->max, hi, sizeof(hi));
		return cfg_error(pc, s, "%s must be between %s and %s",
				 spec->path, lo, hi);
	}
	*FIELD(pc, spec, uint64_t) = sec;
	return 0;
}

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

#define N_FACILITIES (sizeof(facilities) / sizeof(facilities[0]))

const char *config_facility_name(int facility)
{
	size_t i;

	for (i = 0; i < N_FACILITIES; i++)
		if (facilities[i].value == facility)
			return facilities[i].name;
	return "unknown";
}

int confval_facility(struct parse_ctx *pc, const config_setting_t *s,
		     const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);
	size_t i;

	for (i = 0; i < N_FACILITIES; i++) {
		if (!strcmp(v, facilities[i].name)) {
			pc->cfg->syslog_facility = facilities[i].value;
			return 0;
		}
	}
	return cfg_error(pc, s,
			 "%s: unknown facility '%s' (daemon, auth, authpriv, user, local0..local7)",
			 spec->path, v);
}

int confval_format(struct parse_ctx *pc, const config_setting_t *s,
		   const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);

	if (!strcmp(v, "kv"))
		pc->cfg->syslog_format = SYSLOG_FORMAT_KV;
	else if (!strcmp(v, "json"))
		pc->cfg->syslog_format = SYSLOG_FORMAT_JSON;
	else if (!strcmp(v, "ocsf"))
		pc->cfg->syslog_format = SYSLOG_FORMAT_OCSF;
	else if (!strcmp(v, "cef"))
		pc->cfg->syslog_format = SYSLOG_FORMAT_CEF;
	else
		return cfg_error(pc, s,
				 "%s must be \"kv\", \"json\", \"ocsf\" or \"cef\"",
				 spec->path);
	return 0;
}

int confval_scope(struct parse_ctx *pc, const config_setting_t *s,
		  const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);

	if (!strcmp(v, "third-party"))
		pc->cfg->scope = SCOPE_THIRD_PARTY;
	else if (!strcmp(v, "all"))
		pc->cfg->scope = SCOPE_ALL;
	else
		return cfg_error(pc, s, "%s must be \"third-party\" or \"all\"",
				 spec->path);
	return 0;
}

static const char *const audit_mode_names[] = {
	[AUDIT_MODE_AUTO] = "auto",
	[AUDIT_MODE_MULTICAST] = "multicast",
	[AUDIT_MODE_UNICAST] = "unicast",
	[AUDIT_MODE_OFF] = "off",
};

const char *config_audit_mode_name(enum audit_mode m)
{
	return (unsigned int)m <= AUDIT_MODE_OFF ? audit_mode_names[m] : "?";
}

int confval_audit_mode(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);
	unsigned int m;

	for (m = 0; m <= AUDIT_MODE_OFF; m++) {
		if (!strcmp(v, audit_mode_names[m])) {
			pc->cfg->audit_mode = (enum audit_mode)m;
			return 0;
		}
	}
	return cfg_error(pc, s,
			 "%s must be \"auto\", \"multicast\", \"unicast\" or \"off\"",
			 spec->path);
}

int confval_audit_beside(struct parse_ctx *pc, const config_setting_t *s,
			 const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);

	if (!strcmp(v, "connector"))
		pc->cfg->audit_beside = AUDIT_BESIDE_CONNECTOR;
	else if (!strcmp(v, "rules"))
		pc->cfg->audit_beside = AUDIT_BESIDE_RULES;
	else
		return cfg_error(pc, s, "%s must be \"connector\" or \"rules\"",
				 spec->path);
	return 0;
}

int confval_namespaces(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec)
{
	const char *v = config_setting_get_string(s);

	if (!strcmp(v, "all"))
		pc->cfg->all_namespaces = true;
	else if (!strcmp(v, "own"))
		pc->cfg->all_namespaces = false;
	else
		return cfg_error(pc, s, "%s must be \"all\" or \"own\"",
				 spec->path);
	return 0;
}

/*
 * tags.KEY = "value" (lib/tag.h): at most TAG_MAX, each bounded and
 * plain, as they go into every finding line a SIEM parses.
 */
int confval_tag(struct parse_ctx *pc, const config_setting_t *s,
		const struct key_spec *spec)
{
	const char *key = config_setting_name(s);
	const char *v = config_setting_get_string(s);
	struct vigil_config *cfg = pc->cfg;
	size_t i;

	(void)spec;
	if (!tag_key_ok(key))
		return cfg_error(pc, s, "tags.%s: a key is a letter, then at most %d letters, digits, '-' or '_'",
				 key, TAG_KEY_MAX - 1);
	if (!tag_value_ok(v))
		return cfg_error(pc, s, "tags.%s: the value must be UTF-8 text of at most %d bytes, with no control character or backslash",
				 key, TAG_VALUE_MAX);
	for (i = 0; i < cfg->ntags; i++)
		if (!strcmp(cfg->tags[i].key, key))
			break;	/* the given file over the built-in */
	if (i == TAG_MAX)
		return cfg_error(pc, s, "tags: at most %d", TAG_MAX);
	free(cfg->tags[i].value);
	if (i == cfg->ntags) {
		cfg->tags[i].key = strdup(key);
		cfg->ntags++;
	}
	cfg->tags[i].value = strdup(v);
	if (!cfg->tags[i].key || !cfg->tags[i].value)
		return cfg_error(pc, s, "out of memory");
	return 0;
}

/* Rule keys write into cfg->rules[rule]; the field offset is relative. */
int confval_rule_bool(struct parse_ctx *pc, const config_setting_t *s,
		      const struct key_spec *spec)
{
	const config_setting_t *rule = config_setting_parent(s);
	const struct rule_meta *m = rule_meta_by_name(config_setting_name(rule));
	bool *dst = (bool *)((char *)&pc->cfg->rules[m->idx] + spec->off);

	*dst = config_setting_get_bool(s) != 0;
	return 0;
}

