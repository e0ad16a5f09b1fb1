// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A server's configuration file, the same bytes as each format that
 * srvconf.h reads: postfix's main.cf and master.cf, dovecot.conf (its
 * !include lines pointing anywhere), slapd.conf and cn=config.ldif,
 * inetd.conf.  Evidence must stay a bounded, printable line.
 */
#include "build.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "sources/srvconf.h"

static const char *const names[] = {
	"main.cf", "master.cf", "dovecot.conf", "slapd.conf",
	"cn=config.ldif", "inetd.conf",
};

static int put(const char *dir, const char *name, const uint8_t *data,
	       size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static void check(const struct server_conf *c)
{
	size_t i;

	if (c->tls > CONF_TLS_REQUIRED ||
	    strnlen(c->evidence, sizeof(c->evidence)) == sizeof(c->evidence) ||
	    strnlen(c->inetd_prog, sizeof(c->inetd_prog)) ==
	    sizeof(c->inetd_prog))
		abort();
	for (i = 0; c->evidence[i]; i++)
		if ((unsigned char)c->evidence[i] < 0x20 ||
		    c->evidence[i] == 0x7f)
			abort();
}

static char dir[64];

/* The files are the harness's own: gone with it. */
static void cleanup(void)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int rootfd = -1;
	char file[PATH_MAX];
	struct server_conf c;
	size_t i;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/vigil-fuzz-srv-%d",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
			 (int)getpid());
		mkdir(dir, 0700);
		atexit(cleanup);
		rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (put(dir, names[i], data, size) < 0)
			return 0;
	if (srvconf_postfix(rootfd, dir, 25, &c) == 0)
		check(&c);
	snprintf(file, sizeof(file), "%s/dovecot.conf", dir);
	if (srvconf_dovecot(rootfd, file, &c) == 0)
		check(&c);
	snprintf(file, sizeof(file), "%s/slapd.conf", dir);
	if (srvconf_slapd(rootfd, file, NULL, &c) == 0)
		check(&c);
	if (srvconf_slapd(rootfd, NULL, dir, &c) == 0)
		check(&c);
	snprintf(file, sizeof(file), "%s/inetd.conf", dir);
	if (srvconf_inetd(rootfd, file, 2323, IPPROTO_TCP, &c) == 0)
		check(&c);
	return 0;
}
