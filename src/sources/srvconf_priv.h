/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SRVCONF_PRIV_H
#define VIGIL_SOURCES_SRVCONF_PRIV_H

/*
 * Shared by the readers of servers' configuration files:
 * srvconf_mail.c (postfix, dovecot), srvconf_ldap.c (slapd) and
 * srvconf_inetd.c, from srvconf_text.c (reading a file in a server's
 * root, lines, evidence).  Nothing else includes it.
 */
#include <stdbool.h>

#include "sources/srvconf.h"

/*
 * path (absolute, or relative to the root) read whole from the root
 * rootfd is open on, if it is a regular file of at most
 * SRVCONF_MAX_SIZE bytes; NUL-terminated, its length in *len.  NULL
 * with errno otherwise.
 */
char *srvconf_load(int rootfd, const char *path, size_t *len);

/*
 * The next line of text at *cur (cut in place at its '\n'); NULL at
 * the end.  *lineno counts it.
 */
char *srvconf_line(char **cur, unsigned int *lineno);

/* Skip blanks; the end of the word at s (space, tab, '=' or NUL). */
char *srvconf_skip(char *s);
char *srvconf_word_end(char *s);

/* Is s a plain word (letters, digits, '_', '-', '.'), 1..32 long? */
bool srvconf_plain(const char *s);

/* out's evidence: "file:line: ..." (the file's base name). */
void srvconf_say(struct server_conf *out, enum conf_tls tls,
		 const char *file, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * The words of line (blank-separated, up to a '#'), cut in place: at
 * most max of them into f; how many.
 */
size_t srvconf_fields(char *line, char **f, size_t max);

/*
 * The port of service name (or a number) for proto ("tcp", "udp"),
 * from services, the text of a root's /etc/services (NULL: none; read
 * once by the caller for all its names, never changed); 0 when not
 * known.
 */
uint16_t srvconf_service_port(const char *services, const char *name,
			      const char *proto);

#endif
