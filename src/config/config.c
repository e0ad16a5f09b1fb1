// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration (config.h): the table of accepted keys, the walk
 * that checks a file against it (each value read by confvalues.c), and
 * loading: the built-in text first, a file's over it, a file checked in
 * a child on reload.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "config/confkeys.h"
#include "lib/fileio.h"

#define CF(f) offsetof(struct vigil_config, f)
#define RF(f) offsetof(struct rule_config, f)
#define GROUP CONFIG_TYPE_GROUP
#define STR CONFIG_TYPE_STRING
#define BOOL CONFIG_TYPE_BOOL
#define INT CONFIG_TYPE_INT
#define LIST CONFIG_TYPE_LIST

static const struct key_spec keys[] = {
	{ "state_file", STR, confval_path, CF(state_file), 0, 4000 },
	{ "control_socket", STR, confval_path, CF(control_socket), 0,
	  sizeof(((struct sockaddr_un *)0)->sun_path) - 1 },
	{ "control_group", STR, confval_group_name, CF(control_group) },
	{ "max_findings", INT, confval_long, CF(max_findings), 100, 1000000 },
	{ "syslog", GROUP },
	{ "syslog.facility", STR, confval_facility },
	{ "syslog.format", STR, confval_format },
	{ "syslog.remind", STR, confval_duration, CF(syslog_remind), 60,
	  7 * 86400 },
	{ "syslog.max_line", INT, confval_long, CF(syslog_max_line), 2048,
	  65536 },
	{ "assessment", GROUP },
	{ "assessment.duration", STR, confval_duration, CF(assess_duration),
	  10, 86400 },
	{ "assessment.repeat", BOOL, confval_bool, CF(assess_repeat) },
	{ "scope", STR, confval_scope },
	{ "proc", GROUP },
	{ "proc.rescan", STR, confval_duration, CF(proc_rescan), 10, 3600 },
	{ "audit", GROUP },
	{ "audit.mode", STR, confval_audit_mode },
	{ "audit.beside_auditd", STR, confval_audit_beside },
	{ "network", GROUP },
	{ "network.netns", STR, confval_path, CF(netns), 0, 4000 },
	{ "network.conntrack_buffer_max", INT, confval_long,
	  CF(ct_rcvbuf_max), 65536, 1024L * 1024 * 1024 },
	{ "network.listen_refresh", STR, confval_duration, CF(listen_refresh),
	  1, 3600 },
	{ "network.tracepoints", BOOL, confval_bool, CF(tracepoints) },
	{ "network.payload", BOOL, confval_bool, CF(payload) },
	{ "network.namespaces", STR, confval_namespaces },
	{ "network.namespace_table", BOOL, confval_bool, CF(namespace_table) },
	{ "protocols", LIST, confval_protocols },
	{ "exceptions", LIST, confval_exceptions },
	{ "tags", GROUP },
	{ "tags.*", STR, confval_tag },
	{ "rules", GROUP },
	{ "rules.*", GROUP },
	{ "rules.*.enabled", BOOL, confval_rule_bool, RF(enabled) },
	{ "rules.unused-listening-tcp-ports.include_loopback", BOOL,
	  confval_rule_bool, RF(include_loopback) },
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
