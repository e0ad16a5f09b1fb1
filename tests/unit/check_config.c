// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	return buf;
}

START_TEST(builtin_is_conf_file)
{
	char *text = slurp(TOP_SRCDIR "/conf/vigil.conf");

	ck_assert_str_eq(config_default_text, text);
	free(text);
}
END_TEST

/* The catalog is built in the same way. */
START_TEST(builtin_is_catalog_file)
{
	char *text = slurp(TOP_SRCDIR "/rules/protocols.conf");

	ck_assert_str_eq(proto_default_text, text);
	free(text);
}
END_TEST

START_TEST(defaults)
{
	struct vigil_config *c;
	struct sbuf err;
	int i;

	sbuf_init(&err);
	ck_assert_int_eq(config_load_default(&c, &err), 0);
	ck_assert_str_eq(c->state_file, "/var/lib/vigil/state.json");
	ck_assert_str_eq(c->control_socket, "/run/vigil/control");
	ck_assert_ptr_null(c->control_group);
	ck_assert_ptr_null(c->netns);
	ck_assert_int_eq(c->assess_duration, 3600);
	ck_assert(c->assess_repeat);
	ck_assert_int_eq(c->scope, SCOPE_THIRD_PARTY);
	ck_assert_int_eq(c->syslog_format, SYSLOG_FORMAT_KV);
	ck_assert_int_eq(c->syslog_remind, 0);
	ck_assert_int_eq(c->syslog_max_line, 8192);
	ck_assert_int_eq(c->proc_rescan, 60);
	ck_assert_int_eq(c->max_findings, 10000);
	ck_assert_int_eq(c->audit_mode, AUDIT_MODE_AUTO);
	for (i = 0; i < RULE_COUNT; i++)
		ck_assert(c->rules[i].enabled);
	ck_assert(!c->rules[RULE_UNUSED_PORTS].include_loopback);
	config_free(c);
	sbuf_free(&err);
}
END_TEST

START_TEST(overlay_keeps_defaults)
{
	struct vigil_config *c;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(config_load_string(
		"assessment = { duration = \"1h30m\"; };\n"
		"syslog = { format = \"json\"; facility = \"local3\"; };\n"
		"rules = { software-without-dep = { enabled = false; };\n"
		"  unused-listening-tcp-ports = { include_loopback = true; }; };\n"
		"network = { netns = \"/run/netns/x\"; };\n"
		"scope = \"all\";\n", "t.conf", &c, &err), 0);
	ck_assert_int_eq(c->assess_duration, 5400);
	ck_assert(c->assess_repeat);
	ck_assert_int_eq(c->syslog_format, SYSLOG_FORMAT_JSON);
	ck_assert_str_eq(config_facility_name(c->syslog_facility), "local3");
	ck_assert(!c->rules[RULE_NO_DEP].enabled);
	ck_assert(c->rules[RULE_NO_STACK_COOKIES].enabled);
	ck_assert(c->rules[RULE_UNUSED_PORTS].include_loopback);
	ck_assert_str_eq(c->netns, "/run/netns/x");
	ck_assert_int_eq(c->scope, SCOPE_ALL);
	ck_assert_str_eq(c->state_file, "/var/lib/vigil/state.json");
	config_free(c);
	sbuf_free(&err);
}
END_TEST

/* A protocol entry, complete but for x. */
#define ENTRY(x)                                                       \
	"protocols = (\n  { name = \"x\"; transport = \"tcp\";\n"      \
	"    ports = [ 1 ]; class = \"login\"; use = \"both\";\n" x    \
	"    replacement = \"y\"; }\n);\n"

/* Every error names file and line of the offending setting. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "\nfoo = 1;\n", "t.conf:2: unknown key 'foo'" },
	{ "syslog = {\n  facility = \"daemon\";\n  colour = 1;\n};\n",
	  "t.conf:3: unknown key 'syslog.colour'" },
	{ "state_file = 5;\n", "t.conf:1: 'state_file' must be a string" },
	{ "\n\nassessment = { repeat = \"yes\"; };\n",
	  "t.conf:3: 'assessment.repeat' must be true or false" },
	{ "syslog = 1;\n", "t.conf:1: 'syslog' must be a group { ... }" },
	{ "max_findings = \"many\";\n",
	  "t.conf:1: 'max_findings' must be an integer" },
	{ "max_findings = 5;\n",
	  "t.conf:1: max_findings must be between 100 and 1000000" },
	{ "assessment = {\n duration = \"5s\";\n};\n",
	  "t.conf:2: assessment.duration must be between 10s and 1d" },
	{ "assessment = { duration = \"25h\"; };\n",
	  "t.conf:1: assessment.duration must be between 10s and 1d" },
	{ "assessment = { duration = \"90\"; };\n",
	  "t.conf:1: assessment.duration: '90' is not a duration (e.g. \"90s\", \"15m\", \"1h\")" },
	{ "assessment = { duration = \"99999999999999999999s\"; };\n",
	  "t.conf:1: assessment.duration: '99999999999999999999s' is too large" },
	{ "proc = { rescan = \"2h\"; };\n",
	  "t.conf:1: proc.rescan must be between 10s and 1h" },
	{ "syslog = { remind = \"10s\"; };\n",
	  "t.conf:1: syslog.remind must be between 1m and 7d" },
	{ "syslog = { facility = \"kern\"; };\n",
	  "t.conf:1: syslog.facility: unknown facility 'kern' (daemon, auth, authpriv, user, local0..local7)" },
	{ "syslog = { format = \"xml\"; };\n",
	  "t.conf:1: syslog.format must be \"kv\", \"json\", \"ocsf\" or \"cef\"" },
	{ "syslog = { max_line = 1024; };\n",
	  "t.conf:1: syslog.max_line must be between 2048 and 65536" },
	{ "scope = \"some\";\n",
	  "t.conf:1: scope must be \"third-party\" or \"all\"" },
	{ "state_file = \"state.json\";\n",
	  "t.conf:1: state_file must be an absolute path" },
	{ "control_socket = \"/run/vigil/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n",
	  "t.conf:1: control_socket is longer than 107 bytes" },
	{ "control_group = \"no-such-group-vigil\";\n",
	  "t.conf:1: control_group: no such group 'no-such-group-vigil'" },
	{ "network = { netns = \"x\"; };\n",
	  "t.conf:1: network.netns must be an absolute path" },
	{ "rules = {\n  no-such-rule = { enabled = true; };\n};\n",
	  "t.conf:2: unknown rule 'no-such-rule'" },
	{ "rules = { software-without-dep = {\n enabled = true;\n include_loopback = true; }; };\n",
	  "t.conf:3: unknown key 'rules.software-without-dep.include_loopback'" },
	{ "rules = { software-without-dep = { enabled = 1; }; };\n",
	  "t.conf:1: 'rules.software-without-dep.enabled' must be true or false" },
	{ "state_file = \"/x\"\nfoo", "t.conf:2: syntax error" },
	{ "# ok\n  @include \"/etc/passwd\"\n",
	  "t.conf:2: @include is not supported" },
	{ "scope = [\"all\"];\n", "t.conf:1: 'scope' must be a string" },
	{ "audit = {\n mode = \"sometimes\";\n};\n",
	  "t.conf:2: audit.mode must be \"auto\", \"multicast\", \"unicast\" or \"off\"" },
	/* protocol catalog entries (protocols.c) */
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
	/* exceptions */
	{ "exceptions = (\n 1\n);\n",
	  "t.conf:2: exceptions: each entry must be a group { ... }" },
	{ "exceptions = (\n { rule = \"software-without-dep\"; }\n);\n",
	  "t.conf:2: exceptions: an entry needs a reason = \"...\"" },
	{ "exceptions = (\n { rule = \"software-without-dep\";\n"
	  "   reason = \"x\";\n   colour = 1; }\n);\n",
	  "t.conf:4: exceptions: unknown key 'colour'" },
	{ "exceptions = (\n { rule = \"no-such-rule\"; reason = \"x\"; }\n);\n",
	  "t.conf:2: exceptions: unknown rule 'no-such-rule'" },
	{ "exceptions = (\n { reason = \"x\"; }\n);\n",
	  "t.conf:2: exceptions: an entry must name a rule or match something (program, path, port)" },
	{ "exceptions = (\n { reason = \"x\";\n   match = { port = 70000; }; }\n);\n",
	  "t.conf:3: exceptions: port must be an integer from 1 to 65535" },
	{ "exceptions = (\n { reason = \"x\";\n   match = { port = \"80\"; }; }\n);\n",
	  "t.conf:3: exceptions: port must be an integer from 1 to 65535" },
	{ "exceptions = (\n { reason = \"x\"; match = {\n  user = \"bob\"; }; }\n);\n",
	  "t.conf:3: exceptions: match: unknown key 'user'" },
	{ "exceptions = (\n { reason = \"x\"; match = 5; }\n);\n",
	  "t.conf:2: exceptions: 'match' must be a group { ... }" },
	{ "exceptions = (\n { rule = \"software-without-dep\"; reason = \"x\";\n"
	  "   until = \"next year\"; }\n);\n",
	  "t.conf:3: exceptions: until 'next year' is not a date (2027-03-01 or 2027-03-01T12:00:00Z)" },
	{ "exceptions = (\n { rule = \"software-without-dep\"; reason = \"x\";\n"
	  "   until = \"2027-3-1\"; }\n);\n",
	  "t.conf:3: exceptions: until '2027-3-1' is not a date (2027-03-01 or 2027-03-01T12:00:00Z)" },
	{ "exceptions = (\n { rule = \"software-without-dep\";\n reason = \"\"; }\n);\n",
	  "t.conf:3: exceptions: 'reason' must be 1 to 4096 bytes" },
	{ "exceptions = (\n { reason = \"x\"; match = {\n program = 5; }; }\n);\n",
	  "t.conf:3: exceptions: 'program' must be a string" },
	{ "exceptions = { };\n", "t.conf:1: 'exceptions' must be a list ( ... )" },
	/* tags */
	{ "tags = {\n owner = 5;\n};\n", "t.conf:2: 'tags.owner' must be a string" },
	{ "tags = \"x\";\n", "t.conf:1: 'tags' must be a group { ... }" },
	{ "tags = {\n a23456789012345678901234567890123 = \"x\"; };\n",
	  "t.conf:2: tags.a23456789012345678901234567890123: a key is a letter, then at most 31 letters, digits, '-' or '_'" },
	{ "tags = { owner = \"team\\ta\"; };\n",
	  "t.conf:1: tags.owner: the value must be UTF-8 text of at most 64 bytes, with no control character or backslash" },
	{ "tags = { owner = \"a\\\\b\"; };\n",
	  "t.conf:1: tags.owner: the value must be UTF-8 text of at most 64 bytes, with no control character or backslash" },
	{ "tags = { owner = \"\\xff\"; };\n",
	  "t.conf:1: tags.owner: the value must be UTF-8 text of at most 64 bytes, with no control character or backslash" },
	{ "tags = { owner = \"12345678901234567890123456789012345678901234567890123456789012345\"; };\n",
	  "t.conf:1: tags.owner: the value must be UTF-8 text of at most 64 bytes, with no control character or backslash" },
	{ "tags = { a = \"1\"; b = \"2\"; c = \"3\"; d = \"4\"; e = \"5\";\n"
	  " f = \"6\"; g = \"7\"; h = \"8\";\n i = \"9\"; };\n",
	  "t.conf:3: tags: at most 8" },
	{ "tags = { group = { a = \"b\"; }; };\n",
	  "t.conf:1: 'tags.group' must be a string" },
};

/* Tags parsed, in order; the same key again takes the later value. */
START_TEST(tags_parsed)
{
	struct vigil_config *c = NULL;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(config_load_string(
		"tags = { owner = \"team-a\"; env = \"prod \xc3\xa9t\xc3\xa9\"; };\n",
		"t.conf", &c, &err), 0);
	ck_assert_uint_eq(c->ntags, 2);
	ck_assert_str_eq(c->tags[0].key, "owner");
	ck_assert_str_eq(c->tags[0].value, "team-a");
	ck_assert_str_eq(c->tags[1].value, "prod \xc3\xa9t\xc3\xa9");
	config_free(c);
	sbuf_free(&err);
}
END_TEST

START_TEST(errors_have_file_line)
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

START_TEST(exceptions_parsed)
{
	struct vigil_config *c = NULL;
	struct sbuf err;
	const struct exception *x;

	sbuf_init(&err);
	ck_assert_int_eq(config_load_string(
		"exceptions = (\n"
		"  { rule = \"unused-listening-tcp-ports\";\n"
		"    match = { program = \"/opt/legacy/*\"; port = 8080; };\n"
		"    reason = \"legacy admin port, ticket OPS-1\";\n"
		"    until = \"2027-03-01\"; },\n"
		"  { match = { path = \"/opt/vendor/\\\\x\"; };\n"
		"    reason = \"caf\\u00e9\"; }\n"
		");\n", "t.conf", &c, &err), 0);
	ck_assert_uint_eq(c->exceptions.n, 2);
	x = &c->exceptions.v[0];
	ck_assert_ptr_eq(x->rule, rule_meta(RULE_UNUSED_PORTS));
	ck_assert_str_eq(x->program, "/opt/legacy/*");
	ck_assert_ptr_null(x->path);
	ck_assert_int_eq(x->port, 8080);
	ck_assert_int_eq(x->acc.until, 1803859200);	/* 2027-03-01T00:00Z */
	ck_assert_str_eq(x->acc.by, "t.conf:2");
	x = &c->exceptions.v[1];
	ck_assert_ptr_null(x->rule);
	ck_assert_int_eq(x->acc.until, 0);
	/* a literal backslash in the pattern matches one in the evidence */
	ck_assert_str_eq(x->path, "/opt/vendor/\\\\x");
	ck_assert_str_eq(x->acc.by, "t.conf:6");
	config_free(c);
	sbuf_free(&err);
}
END_TEST

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(file_checks)
{
	char dir[] = "/tmp/vigil-cfg-XXXXXX", path[128], msg[256];
	struct vigil_config *c = NULL;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v.conf", dir);

	write_file(path, "scope = \"all\";\n", 0640);
	ck_assert_int_eq(config_load_file(path, &c, &err), 0);
	ck_assert_int_eq(c->scope, SCOPE_ALL);
	ck_assert_str_eq(c->source, path);
	config_free(c);

	write_file(path, "scope = \"all\";\n", 0666);
	ck_assert_int_eq(config_load_file(path, &c, &err), -1);
	snprintf(msg, sizeof(msg),
		 "%s: writable by group or others (mode 0666), refusing it",
		 path);
	ck_assert_str_eq(sbuf_str(&err), msg);

	write_file(path, "scope = \"all\";\n", 0620);
	ck_assert_int_eq(config_load_file(path, &c, &err), -1);

	write_file(path, "\n\nscope = 1;\n", 0600);
	ck_assert_int_eq(config_load_file(path, &c, &err), -1);
	snprintf(msg, sizeof(msg), "%s:3: 'scope' must be a string", path);
	ck_assert_str_eq(sbuf_str(&err), msg);

	/* A NUL byte would hide the rest of the file from the parser. */
	{
		FILE *f = fopen(path, "we");

		fwrite("scope = \"all\";\n\0foo = 1;\n", 1, 25, f);
		fclose(f);
	}
	ck_assert_int_eq(config_load_file(path, &c, &err), -1);
	snprintf(msg, sizeof(msg), "%s: contains a NUL byte", path);
	ck_assert_str_eq(sbuf_str(&err), msg);

	ck_assert_int_eq(config_load_file(dir, &c, &err), -1);
	snprintf(msg, sizeof(msg), "%s: not a regular file", dir);
	ck_assert_str_eq(sbuf_str(&err), msg);

	unlink(path);
	ck_assert_int_eq(config_load_file(path, &c, &err), -1);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	ck_assert_str_eq(sbuf_str(&err), msg);

	rmdir(dir);
	sbuf_free(&err);
}
END_TEST

/*
 * libconfig 1.5 leaks when a parse fails; a reload of a broken file
 * must not make the daemon grow (issue 8).  The check runs in a child,
 * so a thousand checks leave this process's heap as it was.
 */
START_TEST(broken_reload_does_not_leak)
{
	char path[] = "/tmp/vigil-broken-XXXXXX";
	const char *text = "audit = { mode = \"off\" ";
	struct vigil_config *cfg = NULL;
	size_t before, leaked;
	struct sbuf err;
	int i, fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, 0600);
	/* The library's leak is real: parsing here grows the heap. */
	before = mallinfo2().uordblks;
	for (i = 0; i < 200; i++) {
		sbuf_init(&err);
		ck_assert_int_eq(config_load_file(path, &cfg, &err), -1);
		sbuf_free(&err);
	}
	leaked = mallinfo2().uordblks - before;
	ck_assert_uint_gt(leaked, 0);
	/* Checked in a child: nothing stays behind, the message comes back. */
	sbuf_init(&err);
	ck_assert_int_eq(config_check_forked(path, &err), -1);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), path));
	sbuf_free(&err);
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000; i++) {
		sbuf_init(&err);
		ck_assert_int_eq(config_check_forked(path, &err), -1);
		sbuf_free(&err);
	}
	ck_assert_uint_eq(mallinfo2().uordblks, before);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, builtin_is_conf_file);
	tcase_add_test(tc, builtin_is_catalog_file);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, overlay_keeps_defaults);
	tcase_add_test(tc, tags_parsed);
	tcase_add_loop_test(tc, errors_have_file_line, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, exceptions_parsed);
	tcase_add_test(tc, file_checks);
	tcase_add_test(tc, broken_reload_does_not_leak);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
