/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SRVCONF_H
#define VIGIL_SOURCES_SRVCONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/events.h"

/*
 * What a server's own configuration says of clear text, read in the
 * server's root (a container's files, not the host's) once per new
 * listening socket, as snmpconf.h does for snmpd:
 *   postfix (master)  smtpd_tls_security_level (main.cf, and the -o
 *                     overrides of the service's master.cf line)
 *   dovecot           ssl, disable_plaintext_auth (with !include)
 *   slapd             security tls= / ssf=, a TLS certificate
 *                     (slapd.conf, or cn=config)
 *   inetd             the inetd.conf entry of the listener's port:
 *                     which program it runs (telnetd on 2323)
 * The files are untrusted: each is opened in the process's root
 * without following magic links, only when it is a regular file, and
 * read up to SRVCONF_MAX_SIZE; at most SRVCONF_MAX_FILES are read.
 * Evidence names the file, the line and the directive, with a value
 * only when it is one of the words the directive takes.
 */
#define SRVCONF_MAX_SIZE (1024 * 1024)
#define SRVCONF_MAX_FILES 32

/* Which servers have a configuration read here (by exe or comm). */
enum srvconf_kind {
	SRVCONF_NONE,
	SRVCONF_POSTFIX,
	SRVCONF_DOVECOT,
	SRVCONF_SLAPD,
	SRVCONF_INETD,
};
enum srvconf_kind srvconf_kind_of(const char *comm, const char *exe);

/*
 * Read the configuration of server pid (of kind k) for its listener on
 * port/proto (IPPROTO_TCP, IPPROTO_UDP).  Returns 0 and fills out
 * (tls UNKNOWN and no evidence when it says nothing), or -1 with errno
 * when nothing could be read (gone, no such file).
 */
int srvconf_read(pid_t pid, enum srvconf_kind k, uint16_t port,
		 uint8_t proto, struct server_conf *out);

/*
 * The same from files: rootfd (an O_PATH directory: the root to read
 * in), the configuration path as the server was told (or its default),
 * and for postfix also the MAIL_CONFIG directory.  The test entry.
 */
int srvconf_postfix(int rootfd, const char *dir, uint16_t port,
		    struct server_conf *out);
int srvconf_dovecot(int rootfd, const char *file, struct server_conf *out);
int srvconf_slapd(int rootfd, const char *file, const char *dir,
		  struct server_conf *out);
int srvconf_inetd(int rootfd, const char *file, uint16_t port,
		  uint8_t proto, struct server_conf *out);

#endif
