// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Servers' own files on clear text, read in a root of the test's own
 * (as a container's would be): postfix's security level and its
 * master.cf overrides, dovecot's ssl and plaintext logins through
 * !include, slapd's security and certificate in slapd.conf and
 * cn=config, inetd's entry for a port.  Hostile files too: a FIFO
 * where main.cf should be, a link out of the root, an include loop.
 * Debian's own default files, where installed, give what a fresh
 * install of each would.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/srvconf.h"

static char root[] = "/tmp/check_srvconf.XXXXXX";
static int rootfd = -1;

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(root));
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
	put("etc/services", "smtp\t\t25/tcp\t\tmail\n"
	    "submission\t587/tcp\n"
	    "login\t\t513/tcp\n"
	    "telnet\t\t23/tcp\n");
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(postfix_levels)
{
	struct server_conf c;

	put("etc/postfix/main.cf", "# a comment\n"
	    "smtpd_tls_security_level = none\n"
	    "smtpd_tls_cert_file = /etc/ssl/x.pem\n");
	put("etc/postfix/master.cf",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "  -o smtpd_tls_security_level=may\n"
	    "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n"
	    "  -o syslog_name=postfix/submission\n");
	/* port 25: master.cf's override on a line of its own */
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OPTIONAL);
	ck_assert_str_eq(c.evidence, "master.cf:2: smtpd_tls_security_level"
			 " = may: STARTTLS offered, not required");
	/* 587: on the service's own line */
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 587, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
	ck_assert_str_eq(c.evidence, "master.cf:3: smtpd_tls_security_level"
			 " = encrypt");
	/* a port master.cf does not name: main.cf's */
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 2525, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OFF);
	ck_assert_str_eq(c.evidence, "main.cf:2: smtpd_tls_security_level"
			 " = none: no STARTTLS");
	/* the old parameters, and none at all */
	put("etc/postfix/master.cf", "");
	put("etc/postfix/main.cf", "smtpd_use_tls = yes\n");
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OPTIONAL);
	put("etc/postfix/main.cf", "smtpd_use_tls = yes\n"
	    "smtpd_enforce_tls = yes\n");
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
	put("etc/postfix/main.cf", "myhostname = x\n");
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OFF);
	/* a parameter named, a value that is no level: not decided */
	put("etc/postfix/main.cf", "smtpd_tls_security_level = $lvl\n");
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_UNKNOWN);
	put("etc/postfix/main.cf", "smtpd_tls_security_level = \x1b[2J\n");
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_UNKNOWN);
	ck_assert_ptr_null(strchr(c.evidence, '\x1b'));
}
END_TEST

START_TEST(hostile_files)
{
	struct server_conf c;
	char path[PATH_MAX];

	/* a FIFO where main.cf is: refused at once, never opened */
	snprintf(path, sizeof(path), "%s/etc/postfix", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/postfix/main.cf", root);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), -1);
	unlink(path);
	/* a link out of the root stays in it: the host's file is not read */
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(srvconf_postfix(rootfd, "/etc/postfix", 25, &c), -1);
	ck_assert_int_eq(srvconf_postfix(rootfd, "/../../etc", 25, &c), -1);
	/* an include of itself ends */
	put("etc/dovecot/dovecot.conf", "!include dovecot.conf\n"
	    "!include_try conf.d/*.conf\nssl = no\n");
	put("etc/dovecot/conf.d/a.conf", "!include ../dovecot.conf\n");
	ck_assert_int_eq(srvconf_dovecot(rootfd, "/etc/dovecot/dovecot.conf",
					 &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);	/* the default dpa */
}
END_TEST

START_TEST(dovecot_settings)
{
	struct server_conf c;

	put("etc/dovecot/dovecot.conf", "protocols = imap pop3\n"
	    "!include conf.d/*.conf\n"
	    "protocol imap {\n  ssl = required\n}\n");
	put("etc/dovecot/conf.d/10-auth.conf",
	    "disable_plaintext_auth = no\n");
	put("etc/dovecot/conf.d/10-ssl.conf", "ssl = yes # on\n");
	ck_assert_int_eq(srvconf_dovecot(rootfd, "/etc/dovecot/dovecot.conf",
					 &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OPTIONAL);
	ck_assert_ptr_nonnull(strstr(c.evidence, "10-ssl.conf:1: "));
	/* a later file decides */
	put("etc/dovecot/conf.d/20-ssl.conf", "ssl = required\n");
	ck_assert_int_eq(srvconf_dovecot(rootfd, "/etc/dovecot/dovecot.conf",
					 &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
	ck_assert_str_eq(c.evidence, "20-ssl.conf:1: ssl = required");
	put("etc/dovecot/conf.d/20-ssl.conf", "ssl = no\n");
	ck_assert_int_eq(srvconf_dovecot(rootfd, "/etc/dovecot/dovecot.conf",
					 &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OFF);
	ck_assert_int_eq(srvconf_dovecot(rootfd, "/etc/dovecot/none.conf",
					 &c), -1);
}
END_TEST

START_TEST(slapd_settings)
{
	struct server_conf c;

	/* a database's own security is not the server's; TLS is global */
	put("etc/ldap/slapd.conf", "include /etc/ldap/schema/core.schema\n"
	    "database mdb\nsecurity tls=1\n"
	    "TLSCertificateFile /etc/ssl/x.pem\n");
	ck_assert_int_eq(srvconf_slapd(rootfd, "/etc/ldap/slapd.conf", NULL,
				       &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OPTIONAL);
	ck_assert_str_eq(c.evidence, "slapd.conf:4: a TLS certificate and no "
			 "security tls=: StartTLS offered, not required");
	put("etc/ldap/slapd.conf", "TLSCertificateFile /etc/ssl/x.pem\n"
	    "security ssf=1 tls=128\n");
	ck_assert_int_eq(srvconf_slapd(rootfd, "/etc/ldap/slapd.conf", NULL,
				       &c), 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
	ck_assert_str_eq(c.evidence, "slapd.conf:2: security strength 128 "
			 "required: nothing in clear");
	put("etc/ldap/slapd.d/cn=config.ldif", "dn: cn=config\n"
	    "objectClass: olcGlobal\ncn: config\n"
	    "olcTLSCertificateFile: /etc/ssl/x.pem\n");
	ck_assert_int_eq(srvconf_slapd(rootfd, NULL, "/etc/ldap/slapd.d", &c),
			 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OPTIONAL);
	put("etc/ldap/slapd.d/cn=config.ldif", "dn: cn=config\n"
	    "olcSecurity: tls=1\n");
	ck_assert_int_eq(srvconf_slapd(rootfd, NULL, "/etc/ldap/slapd.d", &c),
			 0);
	ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
	put("etc/ldap/slapd.d/cn=config.ldif", "dn: cn=config\n");
	ck_assert_int_eq(srvconf_slapd(rootfd, NULL, "/etc/ldap/slapd.d", &c),
			 0);
	ck_assert_int_eq(c.tls, CONF_TLS_OFF);
}
END_TEST

START_TEST(inetd_entries)
{
	struct server_conf c;

	put("etc/inetd.conf", "#:STANDARD:\n"
	    "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n"
	    "2323\tstream\ttcp\tnowait\troot\t/usr/sbin/telnetd telnetd\n"
	    "login stream tcp6 nowait root /usr/sbin/in.rlogind in.rlogind\n"
	    "127.0.0.1:4444 stream tcp nowait root /x/y\x1b[2J z\n");
	ck_assert_int_eq(srvconf_inetd(rootfd, "/etc/inetd.conf", 2323,
				       IPPROTO_TCP, &c), 0);
	ck_assert_str_eq(c.inetd_prog, "telnetd");
	ck_assert_str_eq(c.evidence, "inetd.conf:3: port 2323/tcp runs telnetd");
	ck_assert_int_eq(srvconf_inetd(rootfd, "/etc/inetd.conf", 23,
				       IPPROTO_TCP, &c), 0);
	ck_assert_str_eq(c.inetd_prog, "in.telnetd");
	ck_assert_int_eq(srvconf_inetd(rootfd, "/etc/inetd.conf", 513,
				       IPPROTO_TCP, &c), 0);
	ck_assert_str_eq(c.inetd_prog, "in.rlogind");
	/* udp is not tcp; a name that is not one is not shown */
	ck_assert_int_eq(srvconf_inetd(rootfd, "/etc/inetd.conf", 23,
				       IPPROTO_UDP, &c), 0);
	ck_assert_str_eq(c.inetd_prog, "");
	ck_assert_int_eq(srvconf_inetd(rootfd, "/etc/inetd.conf", 4444,
				       IPPROTO_TCP, &c), 0);
	ck_assert_str_eq(c.inetd_prog, "");
	ck_assert_str_eq(c.evidence, "");
}
END_TEST

START_TEST(which_servers)
{
	ck_assert_int_eq(srvconf_kind_of("master",
					 "/usr/lib/postfix/sbin/master"),
			 SRVCONF_POSTFIX);
	ck_assert_int_eq(srvconf_kind_of("master", "/usr/bin/master"),
			 SRVCONF_NONE);
	ck_assert_int_eq(srvconf_kind_of("dovecot", "/usr/sbin/dovecot"),
			 SRVCONF_DOVECOT);
	ck_assert_int_eq(srvconf_kind_of("slapd", NULL), SRVCONF_SLAPD);
	ck_assert_int_eq(srvconf_kind_of("inetutils-inetd",
					 "/usr/sbin/inetutils-inetd"),
			 SRVCONF_INETD);
	ck_assert_int_eq(srvconf_kind_of("sshd", "/usr/sbin/sshd"),
			 SRVCONF_NONE);
}
END_TEST

/* What a fresh Debian install of each says, where it is installed. */
START_TEST(debian_defaults)
{
	struct server_conf c;
	int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(host, 0);
	if (access("/etc/dovecot/conf.d/10-auth.conf", R_OK) == 0) {
		ck_assert_int_eq(srvconf_dovecot(host,
				 "/etc/dovecot/dovecot.conf", &c), 0);
		ck_assert_int_eq(c.tls, CONF_TLS_REQUIRED);
		ck_assert_ptr_nonnull(strstr(c.evidence, "(the default)"));
	}
	if (access("/etc/ldap/slapd.d/cn=config.ldif", R_OK) == 0) {
		ck_assert_int_eq(srvconf_slapd(host, NULL, "/etc/ldap/slapd.d",
					       &c), 0);
		ck_assert_int_ne(c.tls, CONF_TLS_UNKNOWN);
	}
	if (access("/etc/postfix/main.cf", R_OK) == 0) {
		ck_assert_int_eq(srvconf_postfix(host, "/etc/postfix", 25, &c),
				 0);
		ck_assert_int_ne(c.tls, CONF_TLS_REQUIRED);
	}
	close(host);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("srvconf");
	TCase *tc = tcase_create("srvconf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, postfix_levels);
	tcase_add_test(tc, hostile_files);
	tcase_add_test(tc, dovecot_settings);
	tcase_add_test(tc, slapd_settings);
	tcase_add_test(tc, inetd_entries);
	tcase_add_test(tc, which_servers);
	tcase_add_test(tc, debian_defaults);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
