// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "findings/findings.h"
#include "findings/output.h"

/* Only printable ASCII may reach a log line. */
static void assert_printable(const char *s)
{
	for (; *s; s++)
		ck_assert_msg((unsigned char)*s >= 0x20 &&
			      (unsigned char)*s < 0x7f,
			      "byte 0x%02x in output", (unsigned char)*s);
}

static const struct {
	const char *in;
	const char *kv;
	const char *text;
} cases[] = {
	{ "/usr/bin/ls", "/usr/bin/ls", "/usr/bin/ls" },
	{ "", "\"\"", "" },
	{ "a b", "\"a b\"", "a b" },
	{ "x\ny=1", "\"x\\ny=1\"", "x\\x0ay=1" },
	{ "q\"uote", "\"q\\\"uote\"", "q\"uote" },
	{ "back\\slash", "\"back\\\\slash\"", "back\\\\slash" },
	{ "cr\rtab\t", "\"cr\\rtab\\t\"", "cr\\x0dtab\\x09" },
	{ "esc\x1b[31m", "\"esc\\x1b[31m\"", "esc\\x1b[31m" },
	{ "del\x7f", "\"del\\x7f\"", "del\\x7f" },
	{ "utf8 \xc3\xa9", "\"utf8 \\xc3\\xa9\"", "utf8 \\xc3\\xa9" },
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
	assert_printable(sbuf_str(&a));
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
	assert_printable(sbuf_str(&a));
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

/* A finding whose evidence is hostile still makes exactly one line. */
START_TEST(finding_line)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	const struct finding *f;
	json_object *a = json_object_new_object();
	struct sbuf kv, js;

	json_object_object_add(a, "path",
		json_object_new_string("/tmp/x\nvigild[1]: event=new rule=fake"));
	json_object_object_add(a, "evil key\n", json_object_new_string("v"));
	json_object_object_add(a, "list", json_object_new_array());
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "k\n\"", a, 0,
					 NULL), 1);
	f = findings_at(fs, 0);
	sbuf_init(&kv);
	sbuf_init(&js);
	output_format_kv(&kv, f, "new");
	output_format_json(&js, f, "new");
	assert_printable(sbuf_str(&kv));
	assert_printable(sbuf_str(&js));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv),
		"attr.path=\"/tmp/x\\nvigild[1]: event=new rule=fake\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv), "attr.evil_key_=v"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv), "attr.list=\"[]\""));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&kv),
		"rule=root-process-insecure-permissions severity=High numeric_severity=9"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&js),
		"\"path\":\"/tmp/x\\nvigild[1]: event=new rule=fake\""));
	sbuf_free(&kv);
	sbuf_free(&js);
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
	suite_add_tcase(s, tc);
	return unit_run(s);
}
