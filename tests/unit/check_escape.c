// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/jsonutil.h"
#include "lib/utf8.h"
#include "findings/line.h"
#include "findings/findings.h"
#include "findings/output.h"

/* Only printable ASCII may reach a log line of escape_text(). */
static void assert_printable(const char *s)
{
	for (; *s; s++)
		ck_assert_msg((unsigned char)*s >= 0x20 &&
			      (unsigned char)*s < 0x7f,
			      "byte 0x%02x in output", (unsigned char)*s);
}

/* A finding line: valid UTF-8, and no control character at all. */
static void assert_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	ck_assert_msg(utf8_valid(s, strlen(s)), "not UTF-8: %s", s);
	for (; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p != 0x7f &&
			      !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0),
			      "control byte 0x%02x in output", *p);
}

static const struct {
	const char *in;
	const char *kv;
	const char *text;
} cases[] = {
	{ "/usr/bin/ls", "/usr/bin/ls", "/usr/bin/ls" },
	{ "", "\"\"", "" },
	{ "a b", "\"a b\"", "a b" },
	{ "x\ny=1", "\"x\\x0ay=1\"", "x\\x0ay=1" },
	{ "q\"uote", "\"q\\\"uote\"", "q\"uote" },
	{ "back\\slash", "\"back\\\\slash\"", "back\\\\slash" },
	{ "cr\rtab\t", "\"cr\\x0dtab\\x09\"", "cr\\x0dtab\\x09" },
	{ "esc\x1b[31m", "\"esc\\x1b[31m\"", "esc\\x1b[31m" },
	{ "del\x7f", "\"del\\x7f\"", "del\\x7f" },
	/* valid UTF-8 stays in kv; invalid bytes and C1 controls do not */
	{ "utf8 \xc3\xa9", "\"utf8 \xc3\xa9\"", "utf8 \\xc3\\xa9" },
	{ "bad \xff\xc3", "\"bad \\xff\\xc3\"", "bad \\xff\\xc3" },
	{ "c1 \xc2\x85", "\"c1 \\xc2\\x85\"", "c1 \\xc2\\x85" },
	{ "key=value", "\"key=value\"", "key=value" },
	{ "host:22,x@y+z-1.0", "host:22,x@y+z-1.0", "host:22,x@y+z-1.0" },
};

START_TEST(values)
{
	struct sbuf a, b;

	sbuf_init(&a);
	sbuf_init(&b);
	escape_kv_value(&a, cases[_i].in);
	escape_text(&b, cases[_i].in);
	ck_assert_str_eq(sbuf_str(&a), cases[_i].kv);
	ck_assert_str_eq(sbuf_str(&b), cases[_i].text);
	assert_clean(sbuf_str(&a));
	assert_printable(sbuf_str(&b));
	sbuf_free(&a);
	sbuf_free(&b);
}
END_TEST

START_TEST(every_byte)
{
	char in[256];
	struct sbuf a, b;
	int i;

	for (i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	sbuf_init(&a);
	sbuf_init(&b);
	escape_kv_value(&a, in);
	escape_text(&b, in);
	assert_clean(sbuf_str(&a));
	assert_printable(sbuf_str(&b));
	/* A quoted value never ends early: only escaped quotes inside. */
	ck_assert_int_eq(sbuf_str(&a)[0], '"');
	for (i = 1; sbuf_str(&a)[i + 1]; i++)
		if (sbuf_str(&a)[i] == '"')
			ck_assert_int_eq(sbuf_str(&a)[i - 1], '\\');
	sbuf_free(&a);
	sbuf_free(&b);
}
END_TEST

START_TEST(keys)
{
	struct sbuf a;

	sbuf_init(&a);
	escape_kv_key(&a, "attr.remote port=\n");
	ck_assert_str_eq(sbuf_str(&a), "attr.remote_port__");
	sbuf_reset(&a);
	escape_kv_key(&a, "");
	ck_assert_str_eq(sbuf_str(&a), "_");
	sbuf_free(&a);
}
END_TEST

/* Every byte string comes back from the text form; the form is valid. */
START_TEST(utf8_round_trip)
{
	static const char *const in[] = {
		"", "/usr/bin/ls", "a\\b", "\\x41", "\\\\", "tail\\",
		"\xff\xfe", "\xc3", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		"\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\n\r\t\x1b",
		"\xc2\x85\xc2\xa0", "\\\xff", "q\"'|=%s",
	};
	struct sbuf e, d;
	size_t i;
	int b;

	sbuf_init(&e);
	sbuf_init(&d);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		sbuf_reset(&e);
		sbuf_reset(&d);
		utf8_escape(&e, in[i], strlen(in[i]));
		assert_clean(sbuf_str(&e));
		ck_assert(utf8_is_escaped(sbuf_str(&e), e.len));
		ck_assert_int_eq(utf8_unescape(&d, sbuf_str(&e), e.len), 0);
		ck_assert_str_eq(sbuf_str(&d), in[i]);
	}
	/* every single byte and every pair of bytes */
	for (b = 1; b < 65536; b++) {
		char s[3] = { (char)(b & 255), (char)(b >> 8), 0 };

		if (!s[0])
			continue;
		sbuf_reset(&e);
		sbuf_reset(&d);
		utf8_escape(&e, s, strlen(s));
		assert_clean(sbuf_str(&e));
		ck_assert_int_eq(utf8_unescape(&d, sbuf_str(&e), e.len), 0);
		ck_assert_str_eq(sbuf_str(&d), s);
	}
	/* overlong, surrogate and out-of-range forms are not UTF-8 */
	ck_assert(!utf8_valid("\xc0\xaf", 2));
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));
	ck_assert(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	/* a cut never splits a character or an escape */
	ck_assert_int_eq(utf8_cut("a\xc3\xa9", 3, 2), 1);
	ck_assert_int_eq(utf8_cut("a\\xffb", 6, 3), 1);
	ck_assert_int_eq(utf8_cut("a\\xffb", 6, 5), 5);
	sbuf_free(&e);
	sbuf_free(&d);
}
END_TEST

/*
 * json_dump and json_text give the same text, valid UTF-8 whatever a
 * string holds; json_text copies nothing when nothing needs mending.
 */
START_TEST(json_text_mends_or_lends)
{
	static const char *const in[] = {
		"plain", "caf\xc3\xa9 \xe2\x82\xac", "\xff", "a\xc3", "\xed\xa0\x80",
		"\xc0\xaf tail \xf4\x90\x80\x80",
	};
	struct sbuf d, spare;
	const char *text;
	size_t i, len;
	int r;

	sbuf_init(&d);
	sbuf_init(&spare);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "k", json_object_new_string(in[i]));
		sbuf_reset(&d);
		sbuf_reset(&spare);
		r = json_dump(o, JSON_C_TO_STRING_PLAIN, &d);
		ck_assert_int_ge(r, 0);
		ck_assert_int_eq(json_text(o, JSON_C_TO_STRING_PLAIN, &spare,
					   &text, &len), r);
		ck_assert_uint_eq(len, d.len);
		ck_assert(!memcmp(text, sbuf_str(&d), len));
		ck_assert(utf8_valid(text, len));
		if (r == 0) {
			/* lent: json-c's own text, spare untouched */
			ck_assert_ptr_eq(text, json_object_to_json_string_ext(
					 o, JSON_C_TO_STRING_PLAIN));
			ck_assert_uint_eq(spare.len, 0);
		} else {
			ck_assert_ptr_eq(text, sbuf_str(&spare));
			ck_assert_ptr_nonnull(strstr(text, "\\\\x"));
		}
		json_object_put(o);
	}
	sbuf_free(&d);
	sbuf_free(&spare);
}
END_TEST

/* A finding whose evidence is hostile still makes exactly one line. */
START_TEST(finding_line)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	static const struct line_host h = { "host", "0123456789abcdef0123456789abcdef", NULL };
	enum syslog_format fmt;
	const struct finding *f;
	json_object *a = json_object_new_object();
	struct sbuf kv, js;

	json_object_object_add(a, "path",
		json_object_new_string("/tmp/x\nvigild[1]: event=new rule=fake\xff"));
	json_object_object_add(a, "evil key\n", json_object_new_string("v"));
	json_object_object_add(a, "list", json_object_new_array());
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "k\n\"", a, 0,
					 NULL), 1);
	f = findings_at(fs, 0);
	sbuf_init(&kv);
	sbuf_init(&js);
	ck_assert_int_eq(line_finding(&kv, SYSLOG_FORMAT_KV, 8192, f, FEV_NEW,
				      &h, 0), 0);
	ck_assert_int_eq(line_finding(&js, SYSLOG_FORMAT_JSON, 8192, f,
				      FEV_NEW, &h, 0), 0);
	assert_clean(sbuf_str(&kv));
	assert_clean(sbuf_str(&js));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv),
		"attr.path=\"/tmp/x\\x0avigild[1]: event=new rule=fake\\xff\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv), "attr.evil_key_=v"));
	/* an empty list has no value to repeat its key with */
	ck_assert_ptr_null(strstr(sbuf_str(&kv), "attr.list"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv),
		"rule=root-process-insecure-permissions severity=High numeric_severity=9"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv),
		"event=new host=host machine_id=0123456789abcdef0123456789abcdef product=vigil version="));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&js),
		"\"path\":\"/tmp/x\\\\x0avigild[1]: event=new rule=fake\\\\xff\""));
	for (fmt = SYSLOG_FORMAT_OCSF; fmt <= SYSLOG_FORMAT_CEF; fmt++) {
		sbuf_reset(&kv);
		ck_assert_int_eq(line_finding(&kv, fmt, 8192, f, FEV_NEW, &h,
					      0), 0);
		assert_clean(sbuf_str(&kv));
	}
	sbuf_free(&kv);
	sbuf_free(&js);
	findings_free(fs);
}
END_TEST

/*
 * The journal's sentence: the title first, then the rule's key fields,
 * one line whatever the evidence holds, bounded however long it is.
 */
START_TEST(human_line)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	const struct finding *f;
	json_object *a = json_object_new_object(), *ep;
	struct sbuf h;
	char longpath[4096];
	int i;

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	ep = json_object_new_array();
	for (i = 0; i < 40; i++) {
		char e[32];

		snprintf(e, sizeof(e), "10.77.0.%d:23", i);
		json_object_array_add(ep, json_object_new_string(e));
	}
	json_object_object_add(a, "program",
		json_object_new_string("/tmp/t\nvigild[1]: event=new\xff"));
	json_object_object_add(a, "protocol", json_object_new_string("telnet"));
	json_object_object_add(a, "remote_endpoints", ep);
	json_object_object_add(a, "uid", json_object_new_int(1000));
	json_object_object_add(a, "inode", json_object_new_int(77));
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, "telnet|23",
					 a, 0, NULL), 1);
	f = findings_at(fs, 0);
	sbuf_init(&h);
	ck_assert_int_eq(line_human_finding(&h, f, FEV_NEW), 0);
	assert_clean(sbuf_str(&h));
	/* the title is what a reader meets first */
	ck_assert_msg(!strncmp(sbuf_str(&h), f->rule->title,
			       strlen(f->rule->title)), "%s", sbuf_str(&h));
	ck_assert_msg(strstr(sbuf_str(&h), " [Medium, new]: "), "%s", sbuf_str(&h));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h),
		" program=\"/tmp/t\\x0avigild[1]: event=new\\xff\""));
	/* the newest endpoints, and how many more */
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h),
		" remote_endpoints=10.77.0.37:23,10.77.0.38:23,10.77.0.39:23 (+7 more)"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h), " uid=1000"));
	/* noise stays in the fields and VIGIL_LINE */
	ck_assert_ptr_null(strstr(sbuf_str(&h), "inode"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h), f->id));

	/* a path of 4 KiB is cut at 160 bytes, not the line */
	a = json_object_new_object();
	json_object_object_add(a, "path", json_object_new_string(longpath));
	json_object_object_add(a, "reason", json_object_new_string("no NX"));
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, longpath, a, 0,
					 NULL), 1);
	f = findings_at(fs, 1);
	ck_assert_int_eq(line_human_finding(&h, f, FEV_RESOLVED), 0);
	assert_clean(sbuf_str(&h));
	ck_assert_msg(h.len < 400, "%zu bytes: %s", h.len, sbuf_str(&h));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h), "aaa... reason=\"no NX\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&h), ", resolved]: path=/aaa"));

	/* the module that is its own exe is named once */
	a = json_object_new_object();
	json_object_object_add(a, "module", json_object_new_string("/opt/x"));
	json_object_object_add(a, "exe", json_object_new_string("/opt/x"));
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "/opt/x", a, 0,
					 NULL), 1);
	ck_assert_int_eq(line_human_finding(&h, findings_at(fs, 2), FEV_NEW),
			 0);
	ck_assert_msg(strstr(sbuf_str(&h), "[High, new]: module=/opt/x (finding "),
		      "%s", sbuf_str(&h));

	/* a run says what it found and what it could not assess */
	{
		struct run r = { .state = RUN_COMPLETED, .high = 2,
				 .resolved = 1, .observed_known = true };

		strcpy(r.id, "r1\n");
		r.observed.limits = RUN_LIMIT_AUDIT_UNAVAILABLE |
				    RUN_LIMIT_TRACEPOINTS_OFF;
		ck_assert_int_eq(line_human_run(&h, &r), 0);
		assert_clean(sbuf_str(&h));
		ck_assert_str_eq(sbuf_str(&h),
			"Assessment run completed: 2 High, 0 Medium, 0 Low, 0 Informational, 1 resolved; coverage limited by audit-unavailable, tracepoints-off (run r1\\x0a)");
		r.observed.limits = 0;
		strcpy(r.id, "r2");
		ck_assert_int_eq(line_human_run(&h, &r), 0);
		ck_assert_msg(strstr(sbuf_str(&h), "; coverage complete (run r2)"),
			      "%s", sbuf_str(&h));
	}
	sbuf_free(&h);
	findings_free(fs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_loop_test(tc, values, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, every_byte);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, finding_line);
	tcase_add_test(tc, human_line);
	tcase_add_test(tc, utf8_round_trip);
	tcase_add_test(tc, json_text_mends_or_lends);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
