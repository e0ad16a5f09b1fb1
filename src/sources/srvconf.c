// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which server a listener's holder is and where its configuration
 * lives (its command line, postfix's MAIL_CONFIG): see srvconf.h.  The
 * formats are read by srvconf_mail.c, srvconf_ldap.c and
 * srvconf_inetd.c, with srvconf_text.c's help.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/proc.h"
#include "sources/srvconf.h"

#define ARGS_MAX 65536

enum srvconf_kind srvconf_kind_of(const char *comm, const char *exe)
{
	static const struct {
		const char *name;
		enum srvconf_kind kind;
	} known[] = {
		{ "dovecot", SRVCONF_DOVECOT },
		{ "slapd", SRVCONF_SLAPD },
		{ "inetutils-inetd", SRVCONF_INETD },
		{ "inetd", SRVCONF_INETD },
	};
	const char *base = exe ? strrchr(exe, '/') : NULL;
	size_t i;

	base = base ? base + 1 : comm;
	/* postfix's master: "master" alone is too common a name */
	if (exe && strstr(exe, "/postfix/") && !strcmp(base, "master"))
		return SRVCONF_POSTFIX;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(base, known[i].name))
			return known[i].kind;
	return SRVCONF_NONE;
}

/* The value of option opt ("-c") in argv (NUL-separated), or NULL. */
static const char *option(const char *args, size_t len, const char *opt)
{
	size_t off, n = strlen(opt);

	for (off = 0; off < len; off += strlen(args + off) + 1) {
		const char *a = args + off;

		if (!strcmp(a, opt))
			return off + n + 1 < len ? a + n + 1 : NULL;
		if (!strncmp(a, opt, n) && a[n])
			return a + n;
	}
	return NULL;
}

/* The last argument not an option (inetd's file), or NULL. */
static const char *last_operand(const char *args, size_t len)
{
	const char *last = NULL;
	size_t off;

	for (off = strlen(args) + 1; off < len; off += strlen(args + off) + 1)
		if (args[off] && args[off] != '-')
			last = args + off;
	return last;
}

/* A variable's value in a NUL-separated environment, or NULL. */
static const char *env_var(const char *env, size_t len, const char *name)
{
	size_t off, n = strlen(name);

	for (off = 0; off < len; off += strlen(env + off) + 1)
		if (!strncmp(env + off, name, n) && env[off + n] == '=')
			return env + off + n + 1;
	return NULL;
}

int srvconf_read(pid_t pid, enum srvconf_kind k, uint16_t port,
		 uint8_t proto, struct server_conf *out)
{
	char path[64], *args, *env = NULL;
	const char *file, *dir;
	size_t alen, elen = 0;
	int rootfd, r = -1;

	memset(out, 0, sizeof(*out));
	args = proc_read_file(pid, "cmdline", ARGS_MAX, &alen);
	if (!args)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		goto out;
	switch (k) {
	case SRVCONF_POSTFIX:
		/* postfix(1) hands its -c to the master in MAIL_CONFIG */
		env = proc_read_file(pid, "environ", ARGS_MAX, &elen);
		dir = env ? env_var(env, elen, "MAIL_CONFIG") : NULL;
		r = srvconf_postfix(rootfd, dir ? dir : "/etc/postfix", port,
				    out);
		break;
	case SRVCONF_DOVECOT:
		file = option(args, alen, "-c");
		r = srvconf_dovecot(rootfd, file ? file :
				    "/etc/dovecot/dovecot.conf", out);
		break;
	case SRVCONF_SLAPD:
		file = option(args, alen, "-f");
		dir = option(args, alen, "-F");
		if (!file && !dir)
			dir = "/etc/ldap/slapd.d";
		r = srvconf_slapd(rootfd, file, dir, out);
		break;
	case SRVCONF_INETD:
		file = last_operand(args, alen);
		r = srvconf_inetd(rootfd, file ? file : "/etc/inetd.conf",
				  port, proto, out);
		break;
	default:
		errno = EINVAL;
		break;
	}
out:
	if (rootfd >= 0)
		close(rootfd);
	free(args);
	free(env);
	return r;
}
