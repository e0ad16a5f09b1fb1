// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slapd's TLS, from its files (srvconf.h): in slapd.conf (-f) the
 * global "security" directive's tls= or ssf= and TLSCertificateFile;
 * in cn=config (-F, Debian's /etc/ldap/slapd.d) the same as
 * olcSecurity and olcTLSCertificateFile of cn=config.ldif.
 */
#include "build.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sources/srvconf_priv.h"

struct ldapconf {
	long strength;		/* the highest tls= or ssf= required */
	unsigned int sec_line;
	bool cert;
	unsigned int cert_line;
};

/* "tls=1 ssf=128 ...": the highest tls= or ssf= factor. */
static void security(char *args, struct ldapconf *c, unsigned int line)
{
	char *save = NULL, *w, *end;
	long v;

	for (w = strtok_r(args, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (strncasecmp(w, "tls=", 4) && strncasecmp(w, "ssf=", 4))
			continue;
		v = strtol(w + 4, &end, 10);
		if (end != w + 4 && !*end && v > c->strength) {
			c->strength = v;
			c->sec_line = line;
		}
	}
}

/*
 * slapd.conf: "security" of the global part (up to the first
 * "database": after it, a database's own); TLS settings are global
 * wherever they stand.
 */
static int conf_file(int rootfd, const char *path, struct ldapconf *c)
{
	char *text, *cur, *line, *end;
	unsigned int lineno = 0;
	bool in_db = false;
	size_t len;

	cur = text = srvconf_load(rootfd, path, &len);
	if (!text)
		return -1;
	while ((line = srvconf_line(&cur, &lineno))) {
		if (line[0] == ' ' || line[0] == '\t' || line[0] == '#')
			continue;
		end = srvconf_word_end(line);
		if (!*end)
			continue;
		*end = '\0';
		if (!strcasecmp(line, "database"))
			in_db = true;
		else if (!strcasecmp(line, "security") && !in_db)
			security(end + 1, c, lineno);
		else if (!strcasecmp(line, "TLSCertificateFile") &&
			 *srvconf_skip(end + 1)) {
			c->cert = true;
			c->cert_line = lineno;
		}
	}
	free(text);
	return 0;
}

/* cn=config.ldif: "olcSecurity: tls=1", "olcTLSCertificateFile: x". */
static int ldif_file(int rootfd, const char *path, struct ldapconf *c)
{
	char *text, *cur, *line, *colon;
	unsigned int lineno = 0;
	size_t len;

	cur = text = srvconf_load(rootfd, path, &len);
	if (!text)
		return -1;
	while ((line = srvconf_line(&cur, &lineno))) {
		colon = strchr(line, ':');
		/* folded lines start with a space; "::" is base64 */
		if (!colon || line[0] == ' ' || colon[1] == ':')
			continue;
		*colon = '\0';
		if (!strcasecmp(line, "olcSecurity"))
			security(colon + 1, c, lineno);
		else if (!strcasecmp(line, "olcTLSCertificateFile") &&
			 *srvconf_skip(colon + 1)) {
			c->cert = true;
			c->cert_line = lineno;
		}
	}
	free(text);
	return 0;
}

int srvconf_slapd(int rootfd, const char *file, const char *dir,
		  struct server_conf *out)
{
	char path[PATH_MAX];
	struct ldapconf c;
	int r;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	if (dir) {
		snprintf(path, sizeof(path), "%s/cn=config.ldif", dir);
		r = ldif_file(rootfd, path, &c);
	} else {
		snprintf(path, sizeof(path), "%s", file);
		r = conf_file(rootfd, path, &c);
	}
	if (r < 0)
		return -1;
	if (c.strength > 0)
		srvconf_say(out, CONF_TLS_REQUIRED, path, c.sec_line,
			    "security strength %ld required: nothing in clear",
			    c.strength);
	else if (c.cert)
		srvconf_say(out, CONF_TLS_OPTIONAL, path, c.cert_line,
			    "a TLS certificate and no security tls=: StartTLS offered, not required");
	else
		srvconf_say(out, CONF_TLS_OFF, path, 0,
			    "no TLS certificate: no StartTLS");
	return 0;
}
