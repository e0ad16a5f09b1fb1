// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libconfig.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "config/config.h"
#include "config/confparse.h"
#include "lib/duration.h"
#include "lib/fileio.h"
#include "lib/tag.h"

/* What a key handler needs: where the error goes and where it is from. */
struct parse_ctx {
	struct vigil_config *cfg;
	const char *source;
	struct sbuf *err;
};

struct key_spec;
typedef int (*key_apply)(struct parse_ctx *pc, const config_setting_t *s,
			 const struct key_spec *spec);

/*
 * One row per accepted key (a keyword table, not an if-chain).  In a
 * path, "*" stands for any rule id.
 */
struct key_spec {
	const char *path;
	int type;
	key_apply apply;
	size_t off;		/* field in struct vigil_config */
	uint64_t min, max;	/* range for numbers and durations */
};

#define cfg_error(pc, s, ...) config_error((pc)->err, (pc)->source, s, \
					   __VA_ARGS__)

#define FIELD(pc, spec, type) ((type *)((char *)(pc)->cfg + (spec)->off))

static int apply_path(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_group_name(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_bool(struct parse_ctx *pc, const config_setting_t *s,
		      const struct key_spec *spec)
{
	*FIELD(pc, spec, bool) = config_setting_get_bool(s) != 0;
	return 0;
}

static int apply_long(struct parse_ctx *pc, const config_setting_t *s,
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
static int apply_protocols(struct parse_ctx *pc, const config_setting_t *s,
			   const struct key_spec *spec)
{
	(void)spec;
	return proto_catalog_add(pc->cfg->catalog, s, pc->source, pc->err);
}

/* A string member of an exception entry, NULL when absent. */
static int exception_str(struct parse_ctx *pc, const config_setting_t *g,
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
static int only_members(struct parse_ctx *pc, const config_setting_t *g,
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
static int apply_exception(struct parse_ctx *pc, const config_setting_t *e)
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
	if (pc->cfg->exceptions.n >= EXCEPTIONS_MAX)
		return cfg_error(pc, e, "exceptions: more than %d entries",
				 EXCEPTIONS_MAX);
	snprintf(by, sizeof(by), "%s:%d", pc->source,
		 config_setting_source_line(e));
	if (exceptions_add(&pc->cfg->exceptions, m, program, path, port,
			   reason, t, by) < 0)
		return cfg_error(pc, e, "exceptions: out of memory");
	return 0;
}

static int apply_exceptions(struct parse_ctx *pc, const config_setting_t *s,
			    const struct key_spec *spec)
{
	int i, n = config_setting_length(s);

	(void)spec;
	for (i = 0; i < n; i++)
		if (apply_exception(pc, config_setting_get_elem(s,
							(unsigned)i)) < 0)
			return -1;
	return 0;
}

static int apply_duration(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_facility(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_format(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_scope(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_audit_mode(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_audit_beside(struct parse_ctx *pc, const config_setting_t *s,
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

static int apply_namespaces(struct parse_ctx *pc, const config_setting_t *s,
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
static int apply_tag(struct parse_ctx *pc, const config_setting_t *s,
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
static int apply_rule_bool(struct parse_ctx *pc, const config_setting_t *s,
			   const struct key_spec *spec)
{
	const config_setting_t *rule = config_setting_parent(s);
	const struct rule_meta *m = rule_meta_by_name(config_setting_name(rule));
	bool *dst = (bool *)((char *)&pc->cfg->rules[m->idx] + spec->off);

	*dst = config_setting_get_bool(s) != 0;
	return 0;
}

#define CF(f) offsetof(struct vigil_config, f)
#define RF(f) offsetof(struct rule_config, f)
#define GROUP CONFIG_TYPE_GROUP
#define STR CONFIG_TYPE_STRING
#define BOOL CONFIG_TYPE_BOOL
#define INT CONFIG_TYPE_INT
#define LIST CONFIG_TYPE_LIST

static const struct key_spec keys[] = {
	{ "state_file", STR, apply_path, CF(state_file), 0, 4000 },
	{ "control_socket", STR, apply_path, CF(control_socket), 0,
	  sizeof(((struct sockaddr_un *)0)->sun_path) - 1 },
	{ "control_group", STR, apply_group_name, CF(control_group) },
	{ "max_findings", INT, apply_long, CF(max_findings), 100, 1000000 },
	{ "syslog", GROUP },
	{ "syslog.facility", STR, apply_facility },
	{ "syslog.format", STR, apply_format },
	{ "syslog.remind", STR, apply_duration, CF(syslog_remind), 60,
	  7 * 86400 },
	{ "syslog.max_line", INT, apply_long, CF(syslog_max_line), 2048,
	  65536 },
	{ "assessment", GROUP },
	{ "assessment.duration", STR, apply_duration, CF(assess_duration),
	  10, 86400 },
	{ "assessment.repeat", BOOL, apply_bool, CF(assess_repeat) },
	{ "scope", STR, apply_scope },
	{ "proc", GROUP },
	{ "proc.rescan", STR, apply_duration, CF(proc_rescan), 10, 3600 },
	{ "audit", GROUP },
	{ "audit.mode", STR, apply_audit_mode },
	{ "audit.beside_auditd", STR, apply_audit_beside },
	{ "network", GROUP },
	{ "network.netns", STR, apply_path, CF(netns), 0, 4000 },
	{ "network.conntrack_buffer_max", INT, apply_long,
	  CF(ct_rcvbuf_max), 65536, 1024L * 1024 * 1024 },
	{ "network.listen_refresh", STR, apply_duration, CF(listen_refresh),
	  1, 3600 },
	{ "network.tracepoints", BOOL, apply_bool, CF(tracepoints) },
	{ "network.namespaces", STR, apply_namespaces },
	{ "network.namespace_table", BOOL, apply_bool, CF(namespace_table) },
	{ "protocols", LIST, apply_protocols },
	{ "exceptions", LIST, apply_exceptions },
	{ "tags", GROUP },
	{ "tags.*", STR, apply_tag },
	{ "rules", GROUP },
	{ "rules.*", GROUP },
	{ "rules.*.enabled", BOOL, apply_rule_bool, RF(enabled) },
	{ "rules.unused-listening-tcp-ports.include_loopback", BOOL,
	  apply_rule_bool, RF(include_loopback) },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *type_name(int type)
{
	switch (type) {
	case GROUP:
		return "a group { ... }";
	case STR:
		return "a string";
	case BOOL:
		return "true or false";
	case INT:
		return "an integer";
	case LIST:
		return "a list ( ... )";
	default:
		return "something else";
	}
}

static const struct key_spec *find_key(const char *path)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i].path, path))
			return &keys[i];
	return NULL;
}

static int walk(struct parse_ctx *pc, const config_setting_t *group,
		const char *prefix, int depth);

static int apply_setting(struct parse_ctx *pc, const config_setting_t *s,
			 const char *prefix, int depth)
{
	const char *name = config_setting_name(s);
	const struct key_spec *spec;
	char path[256], pattern[256];
	int type = config_setting_type(s);

	if (!name)
		return cfg_error(pc, s, "unexpected list element");
	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
		 name);
	spec = find_key(path);
	/* rules.<rule id>[.key]: check the id, then look up the pattern. */
	if (!spec && !strcmp(prefix, "rules")) {
		if (!rule_meta_by_name(name))
			return cfg_error(pc, s, "unknown rule '%s'", name);
		spec = find_key("rules.*");
	} else if (!spec && !strncmp(prefix, "rules.", 6)) {
		snprintf(pattern, sizeof(pattern), "rules.*.%s", name);
		spec = find_key(pattern);
	} else if (!spec && !strcmp(prefix, "tags")) {
		spec = find_key("tags.*");
	}
	if (!spec)
		return cfg_error(pc, s, "unknown key '%s'", path);
	if (type == CONFIG_TYPE_INT64)
		type = INT;
	if (type != spec->type)
		return cfg_error(pc, s, "'%s' must be %s", path,
				 type_name(spec->type));
	if (type == GROUP)
		return walk(pc, s, path, depth + 1);
	return spec->apply(pc, s, spec);
}

static int walk(struct parse_ctx *pc, const config_setting_t *group,
		const char *prefix, int depth)
{
	int i, n = config_setting_length(group);

	if (depth > 4)
		return cfg_error(pc, group, "groups nested too deep");
	for (i = 0; i < n; i++)
		if (apply_setting(pc, config_setting_get_elem(group, (unsigned)i),
				  prefix, depth) < 0)
			return -1;
	return 0;
}

/*
 * libconfig 1.5 has no hook to refuse @include, and an included file
 * would escape the owner and mode checks: refuse it here.
 */
static int check_text(struct parse_ctx *pc, const char *text)
{
	const char *p = text;
	unsigned int line = 1;

	while (*p) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, "@include", 8)) {
			sbuf_reset(pc->err);
			sbuf_printf(pc->err, "%s:%u: @include is not supported",
				    pc->source, line);
			return -1;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
	return 0;
}

static int parse_into(struct vigil_config *cfg, const char *text,
		      const char *source, struct sbuf *err)
{
	struct parse_ctx pc = { cfg, source, err };
	config_t lc;
	int r = -1;

	if (check_text(&pc, text) < 0)
		return -1;
	config_init(&lc);
	if (config_parse_text(&lc, text, source, err) < 0)
		goto out;
	r = walk(&pc, config_root_setting(&lc), "", 0);
out:
	config_destroy(&lc);
	return r;
}

void config_free(struct vigil_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->source);
	free(cfg->state_file);
	free(cfg->control_socket);
	free(cfg->control_group);
	free(cfg->netns);
	proto_catalog_free(cfg->catalog);
	exceptions_clear(&cfg->exceptions);
	for (i = 0; i < cfg->ntags; i++) {
		free(cfg->tags[i].key);
		free(cfg->tags[i].value);
	}
	free(cfg);
}

static struct vigil_config *config_alloc(const char *source)
{
	struct vigil_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->source = strdup(source);
	cfg->catalog = proto_catalog_new();
	if (!cfg->source || !cfg->catalog) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * The built-in text is parsed first and the given text over it, so the
 * built-in default is the only place default values live.
 */
int config_load_string(const char *text, const char *source,
		       struct vigil_config **out, struct sbuf *err)
{
	struct vigil_config *cfg = config_alloc(source);

	if (!cfg) {
		sbuf_reset(err);
		sbuf_printf(err, "%s: out of memory", source);
		return -1;
	}
	if (parse_into(cfg, config_default_text, "<built-in>", err) < 0)
		goto err;
	if (proto_catalog_add_text(cfg->catalog, proto_default_text,
				   "<built-in protocols.conf>", err) < 0)
		goto err;
	if (text != config_default_text &&
	    parse_into(cfg, text, source, err) < 0)
		goto err;
	*out = cfg;
	return 0;
err:
	config_free(cfg);
	return -1;
}

int config_load_default(struct vigil_config **out, struct sbuf *err)
{
	return config_load_string(config_default_text, "<built-in>", out, err);
}

int config_load_file(const char *path, struct vigil_config **out,
		     struct sbuf *err)
{
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	int fd, r = -1;

	sbuf_reset(err);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Check what was opened, not the name: no race with a rename. */
	if (fstat(fd, &st) < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		sbuf_printf(err, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		sbuf_printf(err, "%s: owned by uid %u, must be owned by root",
			    path, (unsigned int)st.st_uid);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		sbuf_printf(err,
			    "%s: writable by group or others (mode %04o), refusing it",
			    path, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		sbuf_printf(err, "%s: larger than %d bytes", path,
			    CONFIG_MAX_SIZE);
		goto out;
	}
	text = fileio_read(fd, (size_t)st.st_size, &got);
	if (!text) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (memchr(text, '\0', got)) {
		sbuf_printf(err, "%s: contains a NUL byte", path);
		goto out;
	}
	r = config_load_string(text, path, out, err);
out:
	free(text);
	close(fd);
	return r;
}

#define CHECK_TIMEOUT_MS 10000

int config_check_forked(const char *path, struct sbuf *err)
{
	struct pollfd pfd;
	char msg[1024];
	int p[2], status = 0;
	ssize_t n = 0, got;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		sbuf_printf(err, "%s: cannot check it: %s", path,
			    strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		sbuf_printf(err, "%s: cannot check it: %s", path,
			    strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		struct vigil_config *cfg = NULL;
		struct sbuf e;
		int r;

		close(p[0]);
		sbuf_init(&e);
		r = config_load_file(path, &cfg, &e);
		if (r < 0 && write(p[1], sbuf_str(&e), e.len) < 0)
			_exit(VIGIL_EXIT_CONFIG);
		_exit(r < 0 ? VIGIL_EXIT_CONFIG : 0);
	}
	close(p[1]);
	/* Read the message (bounded), then reap the child. */
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while ((size_t)n < sizeof(msg) - 1 &&
	       poll(&pfd, 1, CHECK_TIMEOUT_MS) > 0) {
		got = read(p[0], msg + n, sizeof(msg) - 1 - (size_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += got;
	}
	msg[n] = '\0';
	close(p[0]);
	kill(pid, SIGKILL);	/* only if it overran the timeout */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (n)
		sbuf_adds(err, msg);
	else
		sbuf_printf(err, "%s: the configuration check did not finish",
			    path);
	return -1;
}
