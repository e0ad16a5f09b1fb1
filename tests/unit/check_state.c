// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "findings/state.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vigil-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.json", dir);
}

static int count_entries(const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A reader that gathers the findings handed over, as vigild stores them. */
struct got {
	json_object *arr;
	int abandoned;
};

static int got_finding(void *data, json_object *head, json_object *f,
		       struct sbuf *err)
{
	struct got *g = data;

	(void)head;
	json_object_array_add(g->arr, json_object_get(f));
	return 0;
}

static void got_abandon(void *data)
{
	struct got *g = data;

	json_object_put(g->arr);
	g->arr = json_object_new_array();
	g->abandoned++;
}

static const struct state_reader reader = {
	.finding = got_finding,
	.abandon = got_abandon,
};
static struct got got;

static enum state_load_result load(json_object **head, struct sbuf *err)
{
	json_object_put(got.arr);
	got.arr = json_object_new_array();
	got.abandoned = 0;
	return state_load(path, &reader, &got, head, err);
}

static void put(const char *text)
{
	FILE *f = fopen(path, "we");

	fputs(text, f);
	fclose(f);
}

START_TEST(round_trip)
{
	const char *doc = "{\"version\":1,\"findings\":[],\"runs\":[]}";
	json_object *o, *v;
	struct sbuf err;
	struct stat st;

	sbuf_init(&err);
	ck_assert_int_eq(load(&o, &err), STATE_ABSENT);
	ck_assert_int_eq(state_write_atomic(path, doc, strlen(doc), 0640,
					    &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(load(&o, &err), STATE_LOADED);
	/* the findings went to the reader, the rest stays in head */
	ck_assert(!json_object_object_get_ex(o, "findings", &v));
	ck_assert(json_object_object_get_ex(o, "runs", &v));
	ck_assert_uint_eq(json_object_array_length(got.arr), 0);
	json_object_put(o);
	/* No temporary file is left behind. */
	ck_assert_int_eq(count_entries(".state.json.tmp."), 0);
	sbuf_free(&err);
}
END_TEST

static const char *const corrupt[] = {
	"{\"version\":1,\"findings\":[",		/* truncated */
	"garbage",
	"",
	"[1,2,3]",
	"{\"version\":2}",
	"{\"findings\":[]}",
	"{\"version\":1} trailing",
	"{\"version\":1,\"findings\":{\"a\":1}}",	/* not an array */
	"{\"version\":1,\"findings\":[],\"runs\":7}",
};

START_TEST(corrupt_moved_aside)
{
	json_object *o = (void *)1;
	struct sbuf err;

	sbuf_init(&err);
	put(corrupt[_i]);
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(count_entries("state.json.corrupt-"), 1);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), "moved it to"));
	/* The next start finds no file and begins empty. */
	sbuf_reset(&err);
	ck_assert_int_eq(load(&o, &err), STATE_ABSENT);
	sbuf_free(&err);
}
END_TEST

START_TEST(symlink_and_dir_refused)
{
	json_object *o;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	sbuf_reset(&err);
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	/* Two in the same second still get names of their own. */
	ck_assert_int_eq(count_entries("state.json.corrupt-"), 2);
	sbuf_free(&err);
}
END_TEST

START_TEST(stale_temp_removed)
{
	char tmp[160];
	json_object *o;
	struct sbuf err;

	sbuf_init(&err);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp.AbC123", dir);
	close(creat(tmp, 0600));
	snprintf(tmp, sizeof(tmp), "%s/.other.tmp.AbC123", dir);
	close(creat(tmp, 0600));
	ck_assert_int_eq(load(&o, &err), STATE_ABSENT);
	ck_assert_int_eq(count_entries(".state.json.tmp."), 0);
	ck_assert_int_eq(count_entries(".other.tmp."), 1);
	sbuf_free(&err);
}
END_TEST

START_TEST(write_errors)
{
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(state_write_atomic("/nonexistent-dir/state.json",
					    "{}", 2, 0640, &err), -1);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), "/nonexistent-dir"));
	sbuf_free(&err);
}
END_TEST

/* Two large documents that differ everywhere. */
static char *make_doc(char fill, size_t n)
{
	char *s = malloc(n + 64);
	size_t p;

	snprintf(s, 64, "{\"version\":1,\"fill\":\"");
	p = strlen(s);
	memset(s + p, fill, n);
	snprintf(s + p + n, 64 - p, "\"}");
	return s;
}

/*
 * kill -9 a writer at arbitrary moments: the file is always one of the
 * complete documents, never a mix or a truncation.
 */
START_TEST(kill_during_writes)
{
	const size_t n = 4 * 1024 * 1024;
	char *a = make_doc('a', n), *b = make_doc('b', n);
	struct sbuf err;
	int i, old_ok = 0;

	sbuf_init(&err);
	ck_assert_int_eq(state_write_atomic(path, a, strlen(a), 0640, &err),
			 0);
	for (i = 0; i < 40; i++) {
		struct timespec ts = { 0, (long)(i % 10) * 3000000L };
		json_object *o, *v;
		pid_t pid = fork();
		const char *fill;

		ck_assert_int_ne(pid, -1);
		if (pid == 0) {
			struct sbuf e;
			int k;

			sbuf_init(&e);
			for (k = 0; k < 1000; k++)
				state_write_atomic(path, k & 1 ? a : b,
						   strlen(a), 0640, &e);
			_exit(0);
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ck_assert_int_eq(load(&o, &err), STATE_LOADED);
		ck_assert(json_object_object_get_ex(o, "fill", &v));
		fill = json_object_get_string(v);
		ck_assert_uint_eq(strlen(fill), n);
		ck_assert(fill[0] == 'a' || fill[0] == 'b');
		ck_assert(fill[n - 1] == fill[0]);
		old_ok++;
		json_object_put(o);
	}
	ck_assert_int_eq(old_ok, 40);
	ck_assert_int_eq(count_entries(".state.json.tmp."), 0);
	free(a);
	free(b);
	sbuf_free(&err);
}
END_TEST

/*
 * A document of n findings, each padded by its index so that values,
 * strings, numbers and punctuation fall across every point of the
 * reader's 64 KiB chunks; "version" first, or last (a hand edit).
 */
static void put_many(int n, bool version_last, bool truncate)
{
	FILE *f = fopen(path, "we");
	int i;

	fputs(version_last ? "{ \"findings\" : [\n" :
	      "{\"version\":1,\"written\":\"x\",\"findings\":[", f);
	/* "attributes" compact, as vigild writes them, across chunks */
	for (i = 0; i < n; i++)
		fprintf(f, "%s {\"i\": %d, \"pad\": \"%*s\", \"a\": "
			"[1, 2.5, null, true, {\"k\": \"\\u00e9\\\"\"}]"
			",\"attributes\":{\"n\":%d,\"p\":\"%*s\\\"\"}}",
			i ? ",\n" : "", i, i % 97, "", i, i % 89, "");
	if (truncate) {
		fputs(", {\"i\": 12", f);
	} else {
		fputs("\n] , \"runs\": [ ]", f);
		fputs(version_last ? ", \"version\" :1 }\n" : "}", f);
	}
	fclose(f);
}

static void check_many(int n)
{
	json_object *f, *v;
	char want[128];
	int i;

	ck_assert_uint_eq(json_object_array_length(got.arr), (size_t)n);
	for (i = 0; i < n; i++) {
		f = json_object_array_get_idx(got.arr, i);
		ck_assert(json_object_object_get_ex(f, "i", &v));
		ck_assert_int_eq(json_object_get_int(v), i);
		ck_assert(json_object_object_get_ex(f, "pad", &v));
		ck_assert_int_eq(json_object_get_string_len(v), i % 97);
		ck_assert(json_object_object_get_ex(f, "a", &v));
		v = json_object_array_get_idx(v, 4);
		ck_assert(json_object_object_get_ex(v, "k", &v));
		ck_assert_str_eq(json_object_get_string(v), "\xc3\xa9\"");
		/* the attributes' text kept whole, wherever the chunks fell */
		ck_assert(json_object_object_get_ex(f, "attributes", &v));
		snprintf(want, sizeof(want), "{\"n\":%d,\"p\":\"%*s\\\"\"}", i,
			 i % 89, "");
		ck_assert_ptr_nonnull(json_object_get_userdata(v));
		ck_assert_str_eq(json_object_to_json_string(v), want);
	}
}

START_TEST(streamed_across_chunks)
{
	json_object *o = NULL, *v;
	struct sbuf err;

	sbuf_init(&err);
	put_many(5000, false, false);
	ck_assert_int_eq(load(&o, &err), STATE_LOADED);
	check_many(5000);
	ck_assert_int_eq(got.abandoned, 0);
	ck_assert(json_object_object_get_ex(o, "written", &v));
	ck_assert(json_object_object_get_ex(o, "runs", &v));
	json_object_put(o);
	/* the version after the findings: they wait for it */
	put_many(3000, true, false);
	ck_assert_int_eq(load(&o, &err), STATE_LOADED);
	check_many(3000);
	json_object_put(o);
	sbuf_free(&err);
}
END_TEST

/*
 * A finding's "attributes" written compact, as vigild writes them, keep
 * the file's text as their serializer; anything else is written anew:
 * white space, a second member of that name, a value that is no object
 * or array, and whatever json-c lets through that is not JSON.  The
 * kept text is exactly the member's, wherever strings hide its name.
 */
static const struct {
	const char *elem;
	const char *kept;	/* NULL: not kept */
	const char *tree;	/* the value json-c parsed */
} attr_cases[] = {
	{ "{\"id\":\"a\",\"attributes\":{\"p\":\"/a\",\"n\":1,\"l\":[1,true,"
	  "null,false,-25,0,10,-0],\"o\":{\"x\":\"\\u00e9\\\"q\\\\\"}},"
	  "\"count\":1}",
	  "{\"p\":\"/a\",\"n\":1,\"l\":[1,true,null,false,-25,0,10,-0],"
	  "\"o\":{\"x\":\"\\u00e9\\\"q\\\\\"}}", NULL },
	{ "{\"attributes\":{\"d\":1.5,\"e\":1e3}}", NULL,
	  "{\"d\":1.5,\"e\":1000.0}" },
	{ "{\"attributes\":{\"attributes\":{\"z\":[]}},\"n\":2}",
	  "{\"attributes\":{\"z\":[]}}", NULL },
	{ "{\"note\":\"x\\\",\\\"attributes\\\":{\\\"evil\\\":1}\","
	  "\"attributes\":{\"ok\":1}}", "{\"ok\":1}", NULL },
	{ "{\"attributes\":[1,2]}", "[1,2]", NULL },
	{ "{\"attributes\": {\"p\": \"/a\"}}", NULL, "{\"p\":\"/a\"}" },
	{ "{\"attributes\":{\"a\":1},\"x\":1,\"attributes\":{\"b\":2}}",
	  NULL, "{\"b\":2}" },
	{ "{\"attributes\":{\"a\":1},\"why\":\"attributes\"}", NULL,
	  "{\"a\":1}" },
	{ "{\"attr\\u0069butes\":{\"a\":1}}", NULL, "{\"a\":1}" },
	{ "{\"attributes\":\"text\"}", NULL, "\"text\"" },
};

/* Syntax json-c may take that is not JSON: never kept when loaded. */
static const char *const lenient[] = {
	"{\"attributes\":{\"a\":TRUE}}",
	"{\"attributes\":{\"a\":NaN}}",
	"{\"attributes\":{\"a\":nan}}",
	"{\"attributes\":{\"a\":'q'}}",
	"{\"attributes\":{\"a\":/* c */1}}",
	"{\"attributes\":{\"a\":\"tab\tin\"}}",
	"{\"attributes\":{\"a\":[1,]}}",
	"{\"attributes\":{\"a\":1,}}",
	"{\"attributes\":{\"a\":01}}",
	"{\"attributes\":{\"a\":00}}",
	"{\"attributes\":{\"a\":1e}}",
	"{\"attributes\":{\"a\":[-05]}}",
	"{\"attributes\":{\"a\":+1}}",
	"{\"attributes\":{\"a\":Infinity}}",
	"{\"attributes\":{\"a\":-Infinity}}",
};

static json_object *attrs_of_got(size_t i)
{
	json_object *e = json_object_array_get_idx(got.arr, i), *v;

	ck_assert(json_object_object_get_ex(e, "attributes", &v));
	return v;
}

START_TEST(attributes_text_kept)
{
	json_object *o, *v, *want;
	struct sbuf doc, err;
	const char *text;
	size_t i, n = sizeof(attr_cases) / sizeof(attr_cases[0]);

	sbuf_init(&doc);
	sbuf_init(&err);
	sbuf_adds(&doc, "{\"version\":1,\"findings\":[");
	for (i = 0; i < n; i++)
		sbuf_printf(&doc, "%s%s", i ? "," : "", attr_cases[i].elem);
	sbuf_adds(&doc, "]}");
	put(sbuf_str(&doc));
	ck_assert_int_eq(load(&o, &err), STATE_LOADED);
	ck_assert_uint_eq(json_object_array_length(got.arr), n);
	for (i = 0; i < n; i++) {
		v = attrs_of_got(i);
		text = json_object_to_json_string_ext(v,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		if (attr_cases[i].kept) {
			ck_assert_msg(json_object_get_userdata(v) != NULL,
				      "case %zu not kept", i);
			ck_assert_str_eq(text, attr_cases[i].kept);
			want = json_tokener_parse(attr_cases[i].kept);
		} else {
			ck_assert_msg(json_object_get_userdata(v) == NULL,
				      "case %zu kept", i);
			want = json_tokener_parse(attr_cases[i].tree);
		}
		ck_assert_ptr_nonnull(want);
		ck_assert_msg(json_object_equal(v, want), "case %zu", i);
		json_object_put(want);
	}
	json_object_put(o);

	for (i = 0; i < sizeof(lenient) / sizeof(lenient[0]); i++) {
		json_tokener *tok = json_tokener_new();

		sbuf_reset(&doc);
		sbuf_printf(&doc, "{\"version\":1,\"findings\":[%s]}",
			    lenient[i]);
		put(sbuf_str(&doc));
		if (load(&o, &err) != STATE_LOADED) {
			json_tokener_free(tok);
			continue;	/* json-c refused it: nothing kept */
		}
		v = attrs_of_got(0);
		ck_assert_msg(json_object_get_userdata(v) == NULL,
			      "lenient %zu kept", i);
		/* written anew by json-c: its strict parser takes it */
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		want = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
		ck_assert_msg(want != NULL, "lenient %zu: %s", i, text);
		json_object_put(want);
		json_tokener_free(tok);
		json_object_put(o);
	}
	sbuf_free(&doc);
	sbuf_free(&err);
}
END_TEST

/* Unusable after findings were handed over: all are taken back. */
START_TEST(late_corruption_abandons)
{
	json_object *o = (void *)1;
	struct sbuf err;

	sbuf_init(&err);
	put_many(4000, false, true);
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(got.abandoned, 1);
	ck_assert_uint_eq(json_object_array_length(got.arr), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), "not valid JSON"));
	sbuf_reset(&err);
	/* a wrong version after findings: none is ever handed over */
	put("{\"findings\":[{\"i\":1},{\"i\":2}],\"version\":2}");
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	ck_assert_uint_eq(json_object_array_length(got.arr), 0);
	ck_assert_int_eq(got.abandoned, 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), "version 1"));
	sbuf_reset(&err);
	put("{\"version\":1,\"findings\":[{\"i\":1}],\"runs\":{}}");
	ck_assert_int_eq(load(&o, &err), STATE_MOVED_ASIDE);
	ck_assert_int_eq(got.abandoned, 1);
	ck_assert_uint_eq(json_object_array_length(got.arr), 0);
	sbuf_free(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, round_trip);
	tcase_add_loop_test(tc, corrupt_moved_aside, 0,
			    sizeof(corrupt) / sizeof(corrupt[0]));
	tcase_add_test(tc, symlink_and_dir_refused);
	tcase_add_test(tc, stale_temp_removed);
	tcase_add_test(tc, write_errors);
	tcase_add_test(tc, kill_during_writes);
	tcase_add_test(tc, streamed_across_chunks);
	tcase_add_test(tc, late_corruption_abandons);
	tcase_add_test(tc, attributes_text_kept);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
