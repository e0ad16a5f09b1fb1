// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Mail servers' TLS, from their files (srvconf.h): postfix's
 * smtpd_tls_security_level in main.cf and the listener's master.cf
 * service, dovecot's ssl and disable_plaintext_auth with its !include
 * files.
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/proc.h"
#include "sources/srvconf_priv.h"

/* A directive's value as last set, and where. */
struct setting {
	char value[40];		/* "" with line 0: never set */
	char file[PATH_MAX];
	unsigned int line;
};

static void set(struct setting *s, const char *value, const char *file,
		unsigned int line)
{
	snprintf(s->value, sizeof(s->value), "%s", value);
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->line = line;
}

/* "name = value" (value trimmed, maybe ""): name and value, in place. */
static bool assignment(char *line, char **name, char **value)
{
	char *end, *v;

	*name = srvconf_skip(line);
	end = srvconf_word_end(*name);
	v = srvconf_skip(end);
	if (end == *name || *v != '=')
		return false;
	*end = '\0';
	v = srvconf_skip(v + 1);
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		*--end = '\0';
	*value = v;
	return true;
}

/* ---- postfix ---- */

struct pf {
	struct setting level, enforce, use;
};

static void pf_take(struct pf *pf, const char *name, const char *value,
		    const char *file, unsigned int line)
{
	if (!strcmp(name, "smtpd_tls_security_level"))
		set(&pf->level, value, file, line);
	else if (!strcmp(name, "smtpd_enforce_tls"))
		set(&pf->enforce, value, file, line);
	else if (!strcmp(name, "smtpd_use_tls"))
		set(&pf->use, value, file, line);
}

static int pf_main(int rootfd, const char *path, struct pf *pf)
{
	char *text, *cur, *line, *name, *value;
	unsigned int lineno = 0;
	size_t len;

	cur = text = srvconf_load(rootfd, path, &len);
	if (!text)
		return -1;
	while ((line = srvconf_line(&cur, &lineno)))
		/* a blank first: a continuation; '#': a comment */
		if (line[0] != ' ' && line[0] != '\t' && line[0] != '#' &&
		    assignment(line, &name, &value))
			pf_take(pf, name, value, path, lineno);
	free(text);
	return 0;
}

/* "-o name=value" of a master.cf service entry's line (or more). */
static void pf_overrides(char *line, struct pf *pf, const char *file,
			 unsigned int lineno)
{
	char *save = NULL, *w, *eq;
	bool opt = false;

	for (w = strtok_r(line, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (!strcmp(w, "-o")) {
			opt = true;
			continue;
		}
		eq = strchr(w, '=');
		if (opt && eq) {
			*eq = '\0';
			pf_take(pf, w, eq + 1, file, lineno);
		}
		opt = false;
	}
}

/* The master.cf entry of the inet service on port: its -o settings. */
static void pf_master(int rootfd, const char *path, uint16_t port,
		      struct pf *pf)
{
	char *text, *services, *cur, *line, *svc, *type, *colon, *save;
	unsigned int lineno = 0;
	bool in = false;
	size_t len, slen;

	cur = text = srvconf_load(rootfd, path, &len);
	services = text ? srvconf_load(rootfd, "/etc/services", &slen) : NULL;
	while (text && (line = srvconf_line(&cur, &lineno))) {
		if (line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			if (in)
				pf_overrides(line, pf, path, lineno);
			continue;
		}
		save = NULL;
		svc = strtok_r(line, " \t\r", &save);
		type = svc ? strtok_r(NULL, " \t\r", &save) : NULL;
		in = false;
		if (!type || strcmp(type, "inet"))
			continue;
		colon = strrchr(svc, ':');
		in = srvconf_service_port(services, colon ? colon + 1 : svc,
					  "tcp") == port;
		if (in && save)
			pf_overrides(save, pf, path, lineno);
	}
	free(services);
	free(text);
}

int srvconf_postfix(int rootfd, const char *dir, uint16_t port,
		    struct server_conf *out)
{
	char path[PATH_MAX];
	struct pf pf;
	const char *v;

	memset(&pf, 0, sizeof(pf));
	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/main.cf", dir);
	if (pf_main(rootfd, path, &pf) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/master.cf", dir);
	pf_master(rootfd, path, port, &pf);
	v = pf.level.value;
	if (v[0] == '$') {
		srvconf_say(out, CONF_TLS_UNKNOWN, pf.level.file,
			    pf.level.line, "smtpd_tls_security_level names a parameter: not followed");
	} else if (v[0]) {
		enum conf_tls t = !strcmp(v, "none") ? CONF_TLS_OFF :
			!strcmp(v, "may") ? CONF_TLS_OPTIONAL :
			!strcmp(v, "encrypt") ? CONF_TLS_REQUIRED :
			CONF_TLS_UNKNOWN;

		srvconf_say(out, t, pf.level.file, pf.level.line,
			    "smtpd_tls_security_level = %s%s",
			    srvconf_plain(v) ? v : "(not a level)",
			    t == CONF_TLS_OPTIONAL ?
			    ": STARTTLS offered, not required" :
			    t == CONF_TLS_OFF ? ": no STARTTLS" : "");
	} else if (!strcmp(pf.enforce.value, "yes")) {
		srvconf_say(out, CONF_TLS_REQUIRED, pf.enforce.file,
			    pf.enforce.line, "smtpd_enforce_tls = yes");
	} else if (!strcmp(pf.use.value, "yes")) {
		srvconf_say(out, CONF_TLS_OPTIONAL, pf.use.file,
			    pf.use.line,
			    "smtpd_use_tls = yes: STARTTLS offered, not required");
	} else {
		snprintf(path, sizeof(path), "%s/main.cf", dir);
		srvconf_say(out, CONF_TLS_OFF, path, 0,
			    "no smtpd_tls_security_level: no STARTTLS");
	}
	return 0;
}

/* ---- dovecot ---- */

struct dove {
	struct setting ssl, dpa;
	int files;
	bool read;		/* the main file was read */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dove_file(int rootfd, const char *path, int depth,
		      struct dove *d);

/* "!include[_try] PATH", PATH relative to the including file's dir. */
static void dove_include(int rootfd, const char *from, const char *arg,
			 int depth, struct dove *d)
{
	char dir[PATH_MAX], path[PATH_MAX], *names[64], *slash;
	const char *pat;
	struct dirent *de;
	size_t n = 0, i;
	DIR *dp;
	int fd;

	if (arg[0] == '/')
		snprintf(dir, sizeof(dir), "%s", arg);
	else
		snprintf(dir, sizeof(dir), "%.*s/%s",
			 (int)(strrchr(from, '/') ? strrchr(from, '/') - from :
			       0), from, arg);
	if (!strpbrk(dir, "*?[")) {
		dove_file(rootfd, dir, depth + 1, d);
		return;
	}
	/* a pattern in the last part only, as Debian's conf.d/ *.conf */
	slash = strrchr(dir, '/');
	if (!slash || strpbrk(dir, "*?[") < slash)
		return;
	*slash = '\0';
	pat = slash + 1;
	fd = proc_open_in_root(rootfd, dir[0] ? dir : "/",
			       O_RDONLY | O_DIRECTORY);
	dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dp)) && n < 64)
		if (de->d_name[0] != '.' && !fnmatch(pat, de->d_name, 0) &&
		    (names[n] = strdup(de->d_name)))
			n++;
	closedir(dp);
	/* dovecot reads them in name order */
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) <
		    (int)sizeof(path))
			dove_file(rootfd, path, depth + 1, d);
		free(names[i]);
	}
}

static void dove_file(int rootfd, const char *path, int depth,
		      struct dove *d)
{
	char *text, *cur, *line, *name, *value, *end;
	unsigned int lineno = 0;
	int section = 0;
	size_t len;

	if (depth > 4 || d->files >= SRVCONF_MAX_FILES)
		return;
	d->files++;
	cur = text = srvconf_load(rootfd, path, &len);
	if (text && !depth)
		d->read = true;
	while (text && (line = srvconf_line(&cur, &lineno))) {
		line = srvconf_skip(line);
		if (!strncmp(line, "!include", 8)) {
			name = srvconf_skip(line + 8 + (strncmp(line + 8,
						"_try", 4) ? 0 : 4));
			end = name + strcspn(name, " \t\r#");
			*end = '\0';
			if (*name)
				dove_include(rootfd, path, name, depth, d);
			continue;
		}
		line[strcspn(line, "#")] = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
				      end[-1] == '\r'))
			end--;
		/* "name [arg] {" opens a section, "}" closes one */
		if (end > line && end[-1] == '{') {
			section++;
			continue;
		}
		if (end > line && end[-1] == '}') {
			if (section)
				section--;
			continue;
		}
		/* only what holds for every protocol: the top level */
		if (section || !assignment(line, &name, &value))
			continue;
		if (!strcmp(name, "ssl"))
			set(&d->ssl, value, path, lineno);
		else if (!strcmp(name, "disable_plaintext_auth"))
			set(&d->dpa, value, path, lineno);
	}
	free(text);
}

int srvconf_dovecot(int rootfd, const char *file, struct server_conf *out)
{
	struct dove d;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	dove_file(rootfd, file, 0, &d);
	if (!d.read)
		return -1;
	if (!strcmp(d.ssl.value, "required"))
		srvconf_say(out, CONF_TLS_REQUIRED, d.ssl.file, d.ssl.line,
			    "ssl = required");
	/* 2.3's default: no plaintext login but over TLS (or localhost) */
	else if (!d.dpa.line || !strcmp(d.dpa.value, "yes"))
		srvconf_say(out, CONF_TLS_REQUIRED,
			    d.dpa.line ? d.dpa.file : file, d.dpa.line,
			    "disable_plaintext_auth = yes%s: no login in clear",
			    d.dpa.line ? "" : " (the default)");
	else if (!strcmp(d.ssl.value, "no"))
		srvconf_say(out, CONF_TLS_OFF, d.ssl.file, d.ssl.line,
			    "ssl = no, disable_plaintext_auth = no: logins in clear");
	else
		srvconf_say(out, CONF_TLS_OPTIONAL,
			    d.ssl.line ? d.ssl.file : file, d.ssl.line,
			    "ssl = yes, disable_plaintext_auth = no: STARTTLS offered, logins in clear allowed");
	return 0;
}
