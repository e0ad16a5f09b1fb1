// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the readers of servers' files share (srvconf_priv.h): a file
 * read in a server's own root, lines and words, the evidence line, a
 * service name looked up in that root's /etc/services.
 */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/proc.h"
#include "sources/srvconf_priv.h"

char *srvconf_load(int rootfd, const char *path, size_t *len)
{
	return proc_read_in_root(rootfd, path, SRVCONF_MAX_SIZE, len);
}

char *srvconf_line(char **cur, unsigned int *lineno)
{
	char *line = *cur, *nl;

	if (!line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cur = nl + 1;
	} else {
		*cur = NULL;
		if (!*line)
			return NULL;
	}
	(*lineno)++;
	return line;
}

char *srvconf_skip(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

char *srvconf_word_end(char *s)
{
	while (*s && *s != ' ' && *s != '\t' && *s != '=' && *s != '\r')
		s++;
	return s;
}

bool srvconf_plain(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-' || s[n] == '.'))
			return false;
	return n >= 1 && n <= 32;
}

void srvconf_say(struct server_conf *out, enum conf_tls tls,
		 const char *file, unsigned int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	char what[SERVER_CONF_EVIDENCE - 80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	out->tls = tls;
	/* the base name: paths in a container's root are its to choose */
	if (line)
		snprintf(out->evidence, sizeof(out->evidence), "%.64s:%u: %s",
			 base ? base + 1 : file, line, what);
	else
		snprintf(out->evidence, sizeof(out->evidence), "%.64s: %s",
			 base ? base + 1 : file, what);
}

size_t srvconf_fields(char *line, char **f, size_t max)
{
	char *save = NULL, *w;
	size_t n = 0;

	line[strcspn(line, "#")] = '\0';
	for (w = strtok_r(line, " \t\r", &save); w && n < max;
	     w = strtok_r(NULL, " \t\r", &save))
		f[n++] = w;
	return n;
}

uint16_t srvconf_service_port(const char *services, const char *name,
			      const char *proto)
{
	const char *p = services, *nl;
	char buf[256], *tok[8], *slash;
	size_t len, n, i;
	long v;

	v = strtol(name, &slash, 10);
	if (slash != name && !*slash)
		return v > 0 && v < 65536 ? (uint16_t)v : 0;
	/* "name port/proto aliases... # comment", each line a copy */
	for (; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(buf))
			continue;	/* cut, a name could seem another */
		memcpy(buf, p, len);
		buf[len] = '\0';
		n = srvconf_fields(buf, tok, 8);
		if (n < 2)
			continue;
		v = strtol(tok[1], &slash, 10);
		if (slash == tok[1] || *slash != '/' || v <= 0 || v > 65535 ||
		    strcmp(slash + 1, proto))
			continue;
		for (i = 0; i < n; i++)
			if (i != 1 && !strcmp(tok[i], name))
				return (uint16_t)v;
	}
	return 0;
}
