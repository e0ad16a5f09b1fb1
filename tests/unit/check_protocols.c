// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/protocols.h"

static struct vigil_config *load(const char *text)
{
	struct vigil_config *c = NULL;
	struct sbuf err;

	sbuf_init(&err);
	if (config_load_string(text, "t.conf", &c, &err) < 0)
		ck_abort_msg("config: %s", sbuf_str(&err));
	sbuf_free(&err);
	return c;
}

static const char *port_name(const struct proto_catalog *cat, int proto,
			     uint16_t port)
{
	const struct proto_entry *pe = proto_by_port(cat, proto, port);

	return pe ? pe->name : "-";
}

START_TEST(builtin_catalog)
{
	static const char *const login[] = { "telnet", "rlogin", "rsh",
					     "rexec", NULL };
	static const char *const general[] = { "ftp", "tftp", "http", "smtp",
					       "pop3", "imap", "snmp", "ldap",
					       "nntp", NULL };
	struct vigil_config *c = load("");
	const struct proto_catalog *cat = c->catalog;
	size_t i, j, seen = 0;

	for (i = 0; i < proto_catalog_count(cat); i++) {
		const struct proto_entry *pe = proto_catalog_at(cat, i);

		for (j = 0; login[j]; j++)
			if (!strcmp(pe->name, login[j])) {
				ck_assert_int_eq(pe->class, PROTO_LOGIN);
				seen++;
			}
		for (j = 0; general[j]; j++)
			if (!strcmp(pe->name, general[j])) {
				ck_assert_int_eq(pe->class, PROTO_GENERAL);
				seen++;
			}
		ck_assert(pe->replacement && *pe->replacement);
	}
	ck_assert_int_eq(seen, 13);
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 23), "telnet");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 80), "http");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 8080), "http");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 25), "smtp");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 389), "ldap");
	ck_assert_str_eq(port_name(cat, IPPROTO_UDP, 161), "snmp");
	ck_assert_str_eq(port_name(cat, IPPROTO_UDP, 162), "snmp");
	ck_assert_str_eq(port_name(cat, IPPROTO_UDP, 69), "tftp");
	/* secure ones and wrong transports are not insecure */
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 22), "-");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 443), "-");
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 161), "-");
	ck_assert_str_eq(port_name(cat, IPPROTO_UDP, 23), "-");
	ck_assert_str_eq(port_name(cat, IPPROTO_ICMP, 23), "-");
	config_free(c);
}
END_TEST

START_TEST(programs)
{
	struct vigil_config *c = load("");
	const struct proto_catalog *cat = c->catalog;

	ck_assert_str_eq(proto_by_client(cat, "telnet", NULL)->name, "telnet");
	/* comm is cut at 15 characters */
	ck_assert_str_eq(proto_by_client(cat, "inetutils-telne", NULL)->name,
			 "telnet");
	ck_assert_str_eq(proto_by_client(cat, "tnftp", NULL)->name, "ftp");
	ck_assert_str_eq(proto_by_client(cat, "snmpget", NULL)->name, "snmp");
	ck_assert_ptr_null(proto_by_client(cat, "curl", NULL));
	ck_assert_ptr_null(proto_by_client(cat, "telnetd", NULL));
	ck_assert_ptr_null(proto_by_client(cat, "teln", NULL));
	ck_assert_ptr_null(proto_by_client(cat, "", NULL));
	ck_assert_str_eq(proto_by_server(cat, "in.telnetd", NULL)->name,
			 "telnet");
	ck_assert_str_eq(proto_by_server(cat, "vsftpd", NULL)->name, "ftp");
	ck_assert_str_eq(proto_by_server(cat, "snmpd", NULL)->name, "snmp");
	ck_assert_ptr_null(proto_by_server(cat, "sshd", NULL));
	/* the exe's name first, then comm */
	ck_assert_str_eq(proto_by_client(cat, "x", "/usr/bin/inetutils-telnet")
			 ->name, "telnet");
	ck_assert_str_eq(proto_by_client(cat, "telnet", "/opt/t/renamed")
			 ->name, "telnet");
	ck_assert_ptr_null(proto_by_client(cat, "x", "/usr/bin/curl"));
	ck_assert_str_eq(proto_prog_name("c", "/a/b/prog"), "prog");
	ck_assert_str_eq(proto_prog_name("c", ""), "c");
	ck_assert_str_eq(proto_prog_name("c", NULL), "c");
	config_free(c);
}
END_TEST

START_TEST(user_entries)
{
	struct vigil_config *c = load(
		"protocols = (\n"
		"  { name = \"http\"; transport = \"tcp\"; ports = [ 8000 ];\n"
		"    class = \"general\"; use = \"client\"; servers = [ ];\n"
		"    clients = [ ]; replacement = \"https\"; },\n"
		"  { name = \"gopher\"; transport = \"both\"; ports = [ 70 ];\n"
		"    class = \"general\"; use = \"both\";\n"
		"    clients = [ \"gopher\" ]; replacement = \"https\"; }\n"
		");\n");
	const struct proto_catalog *cat = c->catalog;
	const struct proto_entry *pe;

	/* replaced by name: 80 is no longer http, 8000 is */
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 80), "-");
	pe = proto_by_port(cat, IPPROTO_TCP, 8000);
	ck_assert_str_eq(pe->name, "http");
	ck_assert_uint_eq(pe->use, PROTO_USE_CLIENT);
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 70), "gopher");
	ck_assert_str_eq(port_name(cat, IPPROTO_UDP, 70), "gopher");
	ck_assert_str_eq(proto_by_client(cat, "gopher", NULL)->name, "gopher");
	/* the rest stays */
	ck_assert_str_eq(port_name(cat, IPPROTO_TCP, 23), "telnet");
	config_free(c);
}
END_TEST

/* the names hashed (protoprogs.c) answer as the walk in order did */
START_TEST(program_names_hashed)
{
	struct vigil_config *c = load(
		"protocols = (\n"
		"  { name = \"telnet\"; transport = \"tcp\"; ports = [ 23 ];\n"
		"    class = \"login\"; use = \"both\"; servers = [ ];\n"
		"    clients = [ \"mytelnet\" ]; replacement = \"ssh\"; },\n"
		"  { name = \"aaa\"; transport = \"tcp\"; ports = [ 7001 ];\n"
		"    class = \"general\"; use = \"client\";\n"
		"    servers = [ \"curl\" ];\n"
		"    clients = [ \"averyveryverylongname\", \"nc\" ];\n"
		"    replacement = \"x\"; },\n"
		"  { name = \"bbb\"; transport = \"tcp\"; ports = [ 7002 ];\n"
		"    class = \"general\"; use = \"client\"; servers = [ ];\n"
		"    clients = [ \"nc\", \"averyveryverylongother\" ];\n"
		"    replacement = \"x\"; }\n"
		");\n");
	const struct proto_catalog *cat = c->catalog;

	/* replaced: telnet's clients are the user's now */
	ck_assert_ptr_null(proto_by_client(cat, "telnet", NULL));
	ck_assert_str_eq(proto_by_client(cat, "mytelnet", NULL)->name,
			 "telnet");
	/* two entries name nc: the first in the catalog's order */
	ck_assert_str_eq(proto_by_client(cat, "nc", NULL)->name, "aaa");
	/* a cut comm names the first entry whose name it begins */
	ck_assert_str_eq(proto_by_client(cat, "averyveryverylo", NULL)->name,
			 "aaa");
	ck_assert_str_eq(proto_by_client(cat, "x", "/bin/averyveryverylongother")
			 ->name, "bbb");
	/* whole names are not cut: 14 and 16 characters name nothing */
	ck_assert_ptr_null(proto_by_client(cat, "averyveryveryl", NULL));
	ck_assert_ptr_null(proto_by_client(cat, "averyveryverylon", NULL));
	/* the sides apart: curl is aaa's server, no one's client */
	ck_assert_ptr_null(proto_by_client(cat, "curl", NULL));
	ck_assert_str_eq(proto_by_server(cat, "curl", NULL)->name, "aaa");
	config_free(c);
}
END_TEST

START_TEST(catalog_text)
{
	struct proto_catalog *cat = proto_catalog_new();
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(proto_catalog_add_text(cat, "x = 1;\n", "c.conf",
						&err), -1);
	ck_assert_str_eq(sbuf_str(&err),
			 "c.conf: a catalog holds exactly one setting, protocols = ( ... );");
	ck_assert_int_eq(proto_catalog_add_text(cat, "protocols = (\n",
						"c.conf", &err), -1);
	ck_assert(!strncmp(sbuf_str(&err), "c.conf:", 7));
	ck_assert_int_eq(proto_catalog_count(cat), 0);
	sbuf_free(&err);
	proto_catalog_free(cat);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("protocols");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, builtin_catalog);
	tcase_add_test(tc, programs);
	tcase_add_test(tc, user_entries);
	tcase_add_test(tc, program_names_hashed);
	tcase_add_test(tc, catalog_text);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
