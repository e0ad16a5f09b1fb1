// SPDX-License-Identifier: GPL-2.0-or-later
/* Address matching of listeners and the snmpd community scan. */
#include "build.h"

#include <arpa/inet.h>
#include <check.h>
#include "unit.h"
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/netaddr.h"
#include "sources/snmpconf.h"

static struct net_addr A(const char *s)
{
	struct net_addr a = { 0 };

	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(a.family, s, a.a), 1);
	return a;
}

START_TEST(addr_kinds)
{
	struct net_addr a = A("127.0.0.53"), b = A("::1"), c = A("10.0.0.1");
	struct net_addr m = A("::ffff:127.0.0.1"), u;
	char buf[NET_ADDR_STRLEN];

	ck_assert(net_addr_is_loopback(&a));
	ck_assert(net_addr_is_loopback(&b));
	ck_assert(net_addr_is_loopback(&m));
	ck_assert(!net_addr_is_loopback(&c));
	ck_assert(net_addr_is_any(&(struct net_addr){ .family = AF_INET6 }));
	ck_assert(!net_addr_is_any(&c));
	net_addr_unmap(&m, &u);
	ck_assert_int_eq(u.family, AF_INET);
	ck_assert_str_eq(net_addr_str(&u, buf, sizeof(buf)), "127.0.0.1");
	ck_assert_str_eq(net_endpoint_str(&c, 23, buf, sizeof(buf)),
			 "10.0.0.1:23");
	ck_assert_str_eq(net_endpoint_str(&b, 80, buf, sizeof(buf)),
			 "[::1]:80");
	/* a namespace's own addresses: loopback, and v4-mapped as v4 */
	{
		struct net_addr set[2] = { A("10.0.0.1"), A("fd00::5") };
		struct net_addr mc = A("::ffff:10.0.0.1"), o = A("10.0.0.2");

		ck_assert(net_addr_is_local(set, 2, &c));
		ck_assert(net_addr_is_local(set, 2, &mc));
		ck_assert(net_addr_is_local(set, 2, &set[1]));
		ck_assert(net_addr_is_local(set, 0, &a));
		ck_assert(!net_addr_is_local(set, 2, &o));
		ck_assert(!net_addr_is_local(set, 1, &set[1]));
	}
}
END_TEST

START_TEST(listener_match)
{
	struct net_addr any4 = { .family = AF_INET };
	struct net_addr any6 = { .family = AF_INET6 };
	struct net_addr v4 = A("10.0.0.1"), v4b = A("10.0.0.2");
	struct net_addr v6 = A("fd00::1"), mapped = A("::ffff:10.0.0.1");

	ck_assert(net_addr_accepts(&any4, &v4));
	ck_assert(!net_addr_accepts(&any4, &v6));
	ck_assert(net_addr_accepts(&any6, &v4));	/* dual stack */
	ck_assert(net_addr_accepts(&any6, &v6));
	ck_assert(net_addr_accepts(&v4, &v4));
	ck_assert(!net_addr_accepts(&v4, &v4b));
	ck_assert(net_addr_accepts(&mapped, &v4));
	ck_assert(net_addr_accepts(&v4, &mapped));
	ck_assert(!net_addr_accepts(&v6, &v4));
}
END_TEST

START_TEST(snmp_communities)
{
	char path[] = "/tmp/check-snmpconf.XXXXXX";
	json_object *out = json_object_new_array();
	int fd = mkstemp(path);
	static const char text[] =
		"# rocommunity commented out\n"
		"\n"
		"agentaddress udp:161\n"
		"  rocommunity s3cret default\n"
		"rouser v3user priv\n"
		"com2sec net 10.0.0.0/8 other\n"
		"rocommunityx nope\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(snmpconf_scan_file(path, out), 2);
	ck_assert_int_eq(json_object_array_length(out), 2);
	ck_assert(strstr(json_object_get_string(
				 json_object_array_get_idx(out, 0)),
			 ":4: rocommunity"));
	ck_assert(strstr(json_object_get_string(
				 json_object_array_get_idx(out, 1)),
			 ":6: com2sec"));
	/* the community is a password: never in the evidence */
	ck_assert(!strstr(json_object_to_json_string(out), "s3cret"));
	unlink(path);
	ck_assert_int_eq(snmpconf_scan_file(path, out), -1);
	json_object_put(out);
}
END_TEST

/*
 * An snmpd in a root of its own (a container's): its files there are
 * read, not the host's /etc/snmp/snmpd.conf.  Needs root (chroot).
 */
START_TEST(snmp_communities_in_its_root)
{
	char root[] = "/tmp/check-snmproot.XXXXXX", path[PATH_MAX];
	json_object *out = json_object_new_array();
	pid_t pid;
	FILE *f;

	if (geteuid() != 0)
		return;
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/snmp", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/snmp/snmpd.conf", root);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# the container's\n\n\n\n\n\n\nrwcommunity c0ntainer\n", f);
	fclose(f);
	pid = unit_chrooted_child(root);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(snmpconf_communities(pid, out), 1);
	ck_assert_str_eq(json_object_get_string(
				 json_object_array_get_idx(out, 0)),
			 "/etc/snmp/snmpd.conf:8: rwcommunity");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/snmp", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
	json_object_put(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("network");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, addr_kinds);
	tcase_add_test(tc, listener_match);
	tcase_add_test(tc, snmp_communities);
	tcase_add_test(tc, snmp_communities_in_its_root);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
