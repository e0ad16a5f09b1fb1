// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "protocols.h"

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

#define ENTRY(x)                                                       \
	"protocols = (\n  { name = \"x\"; transport = \"tcp\";\n"      \
	"    ports = [ 1 ]; class = \"login\"; use = \"both\";\n" x    \
	"    replacement = \"y\"; }\n);\n"

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "protocols = 1;\n", "t.conf:1: 'protocols' must be a list ( ... )" },
	{ "protocols = (\n 1\n);\n",
	  "t.conf:2: a protocol entry must be a group { ... }" },
	{ "protocols = (\n { transport = \"tcp\"; }\n);\n",
	  "t.conf:2: protocol entry lacks 'name'" },
	{ ENTRY("    colour = \"red\";\n"),
	  "t.conf:4: unknown key 'colour' in a protocol entry" },
	{ "protocols = (\n { name = \"x\";\n   transport = \"sctp\"; }\n);\n",
	  "t.conf:3: 'transport' must be one of: \"tcp\" \"udp\" \"both\"" },
	{ "protocols = (\n { name = \"x\"; transport = \"tcp\";\n"
	  "   ports = [ 70000 ]; }\n);\n",
	  "t.conf:3: port 70000 is not in 1..65535" },
	{ "protocols = (\n { name = \"x\"; transport = \"tcp\";\n"
	  "   ports = [ ]; }\n);\n",
	  "t.conf:3: 'ports' must have 1..16 ports" },
	{ "protocols = (\n { name = \"x\"; transport = \"tcp\";\n"
	  "   ports = 21; }\n);\n",
	  "t.conf:3: 'ports' must be an array [ ... ]" },
	{ "protocols = (\n { name = \"x\"; transport = \"tcp\";\n"
	  "   ports = [ 1 ];\n class = \"shell\"; }\n);\n",
	  "t.conf:4: 'class' must be one of: \"login\" \"general\"" },
	{ ENTRY("    servers = [ \"/usr/sbin/telnetd\" ];\n"),
	  "t.conf:4: 'servers' must hold program names (no '/')" },
	{ ENTRY("    clients = [ 5 ];\n"),
	  "t.conf:4: 'clients' must hold program names (no '/')" },
	{ "protocols = (\n { name = \"\"; }\n);\n",
	  "t.conf:2: 'name' must be 1..128 printable characters" },
	{ "protocols = (\n { name = \"x\"; transport = \"tcp\"; ports = [ 1 ];\n"
	  "   class = \"login\"; use = \"both\"; }\n);\n",
	  "t.conf:2: protocol entry lacks 'replacement'" },
};

START_TEST(bad_entries)
{
	struct vigil_config *c = NULL;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(config_load_string(bad[_i].text, "t.conf", &c, &err),
			 -1);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(sbuf_str(&err), bad[_i].error);
	sbuf_free(&err);
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
	tcase_add_loop_test(tc, bad_entries, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, catalog_text);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
