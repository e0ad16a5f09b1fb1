// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs back from a state file as vigild reads it: each run's record
 * streamed entry by entry (jsonstream's inner_key), in whatever shape a
 * hand or an older vigil left it, and the runs loaded the same as when
 * the whole array was one json-c tree (assess_load_json()).
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "findings/assess.h"
#include "findings/state.h"
#include "lib/jsonutil.h"

static char path[] = "/tmp/vigil-runload-XXXXXX";

static void put(const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	int fd;

	strcpy(path, "/tmp/vigil-runload-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

/* What a reader was handed, in order: "run" and "seen" events. */
struct got {
	json_object *events;
	int abandoned;
};

static void note(struct got *g, const char *what, json_object *parent,
		 json_object *o)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, what, json_object_get(o));
	/* what the run held when the entry came: its members so far */
	if (parent)
		json_object_object_add(e, "so_far",
				       json_object_get(json_object_object_get(
						parent, "id")));
	json_object_array_add(g->events, e);
}

static int got_finding(void *data, json_object *head, json_object *f,
		       struct sbuf *err)
{
	(void)data;
	(void)head;
	(void)f;
	(void)err;
	return 0;
}

static int got_run(void *data, json_object *head, json_object *run,
		   struct sbuf *err)
{
	(void)head;
	(void)err;
	note(data, "run", NULL, run);
	return 0;
}

static int got_seen(void *data, json_object *run, json_object *entry,
		    struct sbuf *err)
{
	(void)err;
	note(data, "seen", run, entry);
	return 0;
}

static void got_abandon(void *data)
{
	struct got *g = data;

	g->abandoned++;
}

static const struct state_reader reader = {
	.finding = got_finding,
	.run = got_run,
	.run_seen = got_seen,
	.abandon = got_abandon,
};

static enum state_load_result load(struct got *g, json_object **head)
{
	struct sbuf err;
	enum state_load_result r;

	g->events = json_object_new_array();
	g->abandoned = 0;
	sbuf_init(&err);
	r = state_load(path, &reader, g, head, &err);
	sbuf_free(&err);
	return r;
}

static json_object *event(const struct got *g, size_t i, const char *what)
{
	json_object *e = json_object_array_get_idx(g->events, i), *v;

	ck_assert_ptr_nonnull(e);
	ck_assert_msg(json_object_object_get_ex(e, what, &v),
		      "event %zu: %s, not %s", i,
		      json_object_to_json_string(e), what);
	return v;
}

/*
 * The entries of a run's record come before the run, each with the
 * members read before them; the run keeps an empty array for them.
 * Every other shape goes to run() whole: an element that is no object,
 * a "findings" that is no array.  Both arrays of a name written twice
 * are streamed.  The runs leave head.
 */
START_TEST(record_streamed)
{
	struct got g;
	json_object *head = NULL, *v;

	put("{\"version\":1,\"runs\":[ {\"id\":\"r1\",\"findings\":"
	    "[{\"id\":\"a\"}, {\"id\":\"b\"}],\"state\":\"completed\"},"
	    "\"text\", null, {\"findings\":5,\"id\":\"r2\"},"
	    "{\"findings\":[],\"id\":\"r3\"},"
	    "{\"id\":\"r4\",\"findings\":[1],\"findings\":[[2]]}],"
	    "\"findings\":[]}");
	ck_assert_int_eq(load(&g, &head), STATE_LOADED);
	ck_assert(!json_object_object_get_ex(head, "runs", NULL));
	ck_assert_uint_eq(json_object_array_length(g.events), 10);
	ck_assert_str_eq(json_get_str(event(&g, 0, "seen"), "id"), "a");
	ck_assert_str_eq(json_get_str(json_object_array_get_idx(g.events, 0),
				      "so_far"), "r1");
	ck_assert_str_eq(json_get_str(event(&g, 1, "seen"), "id"), "b");
	v = event(&g, 2, "run");
	ck_assert_str_eq(json_get_str(v, "state"), "completed");
	ck_assert(json_object_object_get_ex(v, "findings", &v));
	ck_assert_uint_eq(json_object_array_length(v), 0);
	ck_assert_str_eq(json_object_get_string(event(&g, 3, "run")), "text");
	ck_assert_ptr_null(event(&g, 4, "run"));
	v = event(&g, 5, "run");
	ck_assert_int_eq(json_object_get_int(json_object_object_get(
				v, "findings")), 5);
	v = event(&g, 6, "run");
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(
				v, "findings")), 0);
	ck_assert_int_eq(json_object_get_int(event(&g, 7, "seen")), 1);
	ck_assert_int_eq(json_object_get_int(json_object_array_get_idx(
				event(&g, 8, "seen"), 0)), 2);
	ck_assert_str_eq(json_get_str(event(&g, 9, "run"), "id"), "r4");
	ck_assert_int_eq(g.abandoned, 0);
	json_object_put(head);
	json_object_put(g.events);
}
END_TEST

/*
 * A record of 20,000 entries, each padded by its index so that they
 * fall across every point of the reader's 64 KiB chunks, comes whole
 * and in order.
 */
START_TEST(record_across_chunks)
{
	FILE *f = fopen(path, "we");
	json_object *head = NULL, *e;
	struct got g;
	int i;

	ck_assert_ptr_nonnull(f);
	fputs("{\"version\":1,\"findings\":[],\"runs\":[{\"id\":\"r\","
	      "\"findings\":[", f);
	for (i = 0; i < 20000; i++)
		fprintf(f, "%s{\"i\":%d,\"p\":\"%*s\\u00e9\"}", i ? ", " : "",
			i, i % 61, "");
	fputs("]}]}", f);
	fclose(f);
	ck_assert_int_eq(load(&g, &head), STATE_LOADED);
	ck_assert_uint_eq(json_object_array_length(g.events), 20001);
	for (i = 0; i < 20000; i++) {
		e = event(&g, (size_t)i, "seen");
		ck_assert_int_eq(json_object_get_int(json_object_object_get(
					e, "i")), i);
		ck_assert_int_eq(json_object_get_string_len(
				json_object_object_get(e, "p")), i % 61 + 2);
	}
	event(&g, 20000, "run");
	json_object_put(head);
	json_object_put(g.events);
}
END_TEST

/*
 * A file that proves broken after runs were handed over: abandoned,
 * and moved aside, whether the break is inside a record, in a run, or
 * a "runs" that is no array.
 */
static const char *const broken[] = {
	"{\"version\":1,\"runs\":[{\"id\":\"r\",\"findings\":[{\"i\":1},"
	"{\"i\":]}]}",
	"{\"version\":1,\"runs\":[{\"id\":\"r\",\"findings\":[]},"
	"{\"id\" \"s\"}]}",
	"{\"version\":1,\"runs\":[{\"id\":\"r\"}],\"findings\":[],"
	"\"runs\":{}}",
	"{\"runs\":[{\"id\":\"r\",\"findings\":[1]}],\"version\":2}",
};

START_TEST(broken_abandoned)
{
	json_object *head = NULL;
	struct got g;

	put(broken[_i]);
	ck_assert_int_eq(load(&g, &head), STATE_MOVED_ASIDE);
	ck_assert_ptr_null(head);
	ck_assert_int_eq(g.abandoned, 1);
	json_object_put(g.events);
}
END_TEST

/* Runs as vigild writes them: a few findings, seen in some runs. */
static json_object *a_document(struct findings *fs)
{
	static const char *const ids[] = {
		"20261201T000000Z-00000001", "20261201T010000Z-00000002",
		"20261201T020000Z-00000003", "20261201T030000Z-00000004",
	};
	json_object *doc = json_object_new_object(), *runs, *r, *rec;
	size_t i, k;

	for (i = 0; i < 40; i++) {
		char key[32];
		json_object *a = json_object_new_object();

		snprintf(key, sizeof(key), "/opt/x/%zu", i);
		json_object_object_add(a, "path",
				       json_object_new_string(key));
		ck_assert_int_ge(findings_report(fs, RULE_NO_STACK_COOKIES, key,
						 a, 1764547200 + (int64_t)i,
						 ids[i % 4]), 0);
	}
	json_object_object_add(doc, "version", json_object_new_int(1));
	json_object_object_add(doc, "written",
			       json_object_new_string("2026-12-01T05:00:00Z"));
	json_object_object_add(doc, "findings", findings_to_json(fs));
	runs = json_object_new_array();
	for (i = 0; i < 4; i++) {
		r = json_object_new_object();
		json_object_object_add(r, "id", json_object_new_string(ids[i]));
		json_object_object_add(r, "state", json_object_new_string(
			i == 3 ? "collecting" : "completed"));
		json_object_object_add(r, "start", json_object_new_string(
			i == 3 ? "2026-12-01T03:00:00Z" :
				 "2026-12-01T00:00:00Z"));
		json_object_object_add(r, "duration", json_object_new_int(3600));
		if (i == 1) {	/* an older vigil's: no record */
			json_object_array_add(runs, r);
			continue;
		}
		rec = json_object_new_array();
		for (k = 0; k < findings_count(fs); k++) {
			const struct finding *f = findings_at(fs, k);
			json_object *e;

			if (!finding_seen_in(f, ids[i]))
				continue;
			e = json_object_new_object();
			json_object_object_add(e, "id",
					       json_object_new_string(f->id));
			json_object_object_add(e, "rule",
				json_object_new_string(f->rule->id));
			json_object_array_add(rec, e);
		}
		/* entries that name nothing are left out */
		json_object_array_add(rec, json_object_new_string("x"));
		json_object_array_add(rec, NULL);
		json_object_object_add(r, "findings", rec);
		json_object_array_add(runs, r);
	}
	json_object_array_add(runs, json_object_new_string("no run"));
	json_object_object_add(doc, "runs", runs);
	return doc;
}

/*
 * The same file loaded as vigild loads it and as the whole runs array
 * in one tree: the same runs, records, and the collecting run closed
 * as interrupted with its findings counted.
 */
START_TEST(same_as_whole)
{
	struct loop *loop = loop_new();
	struct findings *src = findings_new(100, NULL, NULL);
	struct findings *fa = findings_new(100, NULL, NULL);
	struct findings *fb = findings_new(100, NULL, NULL);
	struct assess *aa = assess_new(loop, fa, NULL, NULL);
	struct assess *ab = assess_new(loop, fb, NULL, NULL);
	struct assess_loading l = { .findings = { .fs = fa }, .a = aa };
	struct findings_loading lb = { .fs = fb };
	json_object *doc = a_document(src), *head = NULL, *ja, *jb, *arr;
	json_object *ta, *tb;
	const struct run *r;
	struct sbuf err;

	sbuf_init(&err);
	put(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
	ck_assert_int_eq(state_load(path, &assess_state_reader, &l, &head,
				    &err), STATE_LOADED);
	findings_load_done(fa);
	assess_loading_finish(&l, 1764565200);
	assess_loading_free(&l);
	ck_assert_uint_eq(l.runs_skipped, 1);
	json_object_put(head);
	ck_assert_int_eq(state_load(path, &findings_state_reader, &lb, &head,
				    &err), STATE_LOADED);
	findings_load_done(fb);
	ck_assert(json_object_object_get_ex(head, "runs", &arr));
	ck_assert_int_eq(assess_load_json(ab, arr, 1764565200, &err), 0);
	json_object_put(head);
	/* as the state file has them: records are text, not json-c trees */
	ta = assess_to_json(aa, true);
	tb = assess_to_json(ab, true);
	ja = json_tokener_parse(json_object_to_json_string_ext(
		ta, JSON_C_TO_STRING_PLAIN));
	jb = json_tokener_parse(json_object_to_json_string_ext(
		tb, JSON_C_TO_STRING_PLAIN));
	json_object_put(ta);
	json_object_put(tb);
	ck_assert_ptr_nonnull(ja);
	ck_assert_ptr_nonnull(jb);
	ck_assert_msg(json_object_equal(ja, jb), "%.1000s\nnot\n%.1000s",
		      json_object_to_json_string(ja),
		      json_object_to_json_string(jb));
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(
		json_object_array_get_idx(ja, 0), "findings")), 10);
	ck_assert_uint_eq(assess_count(aa), 4);
	r = assess_at(aa, 0);
	ck_assert_uint_eq(r->nseen, 10);
	r = assess_at(aa, 1);	/* its record worked out from the findings */
	ck_assert_uint_eq(r->nseen, 10);
	r = assess_at(aa, 3);
	ck_assert_int_eq(r->state, RUN_CANCELED);
	ck_assert(strstr(r->reason, "interrupted"));
	ck_assert_uint_eq(r->medium + r->high + r->low + r->info, 10);
	json_object_put(ja);
	json_object_put(jb);
	json_object_put(doc);
	assess_free(aa);
	assess_free(ab);
	findings_free(src);
	findings_free(fa);
	findings_free(fb);
	loop_free(loop);
	sbuf_free(&err);
}
END_TEST

/* A completed run of id, its record findings (taken). */
static json_object *a_run(const char *id, json_object *findings)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "id", json_object_new_string(id));
	json_object_object_add(r, "state",
			       json_object_new_string("completed"));
	json_object_object_add(r, "start", json_object_new_string(
		"2026-12-01T00:00:00Z"));
	json_object_object_add(r, "findings", findings);
	return r;
}

/* runs loaded into a fresh store, written out and parsed back. */
static json_object *written_back(json_object *runs)
{
	struct loop *loop = loop_new();
	struct findings *fs = findings_new(10, NULL, NULL);
	struct assess *a = assess_new(loop, fs, NULL, NULL);
	json_object *out, *back;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(assess_load_json(a, runs, 0, &err), 0);
	out = assess_to_json(a, true);
	back = json_tokener_parse(json_object_to_json_string_ext(out,
				  JSON_C_TO_STRING_PRETTY));
	ck_assert_ptr_nonnull(back);
	json_object_put(out);
	assess_free(a);
	findings_free(fs);
	loop_free(loop);
	sbuf_free(&err);
	return back;
}

/*
 * A record goes out as text written from its entries, not a json-c
 * tree: every field of every entry as it came in, and an empty record
 * as [].
 */
START_TEST(record_written_back)
{
	static const char *const rec =
		"[{\"id\":\"0123456789abcdef\",\"rule\":\"software-without-dep\"},"
		"{\"id\":\"fedcba9876543210\",\"rule\":\"insecure-server-protocols\","
		"\"count\":3,\"first_seen\":\"2026-12-01T00:00:01Z\","
		"\"last_seen\":\"2026-12-01T00:59:00Z\",\"accepted\":true}]";
	json_object *runs = json_object_new_array(), *back, *v;

	json_object_array_add(runs, a_run("20261201T000000Z-00000001",
					  json_tokener_parse(rec)));
	json_object_array_add(runs, a_run("20261201T010000Z-00000002",
					  json_object_new_array()));
	back = written_back(runs);
	v = json_object_object_get(json_object_array_get_idx(back, 0),
				   "findings");
	ck_assert(json_object_equal(v, json_object_object_get(
		json_object_array_get_idx(runs, 0), "findings")));
	v = json_object_object_get(json_object_array_get_idx(back, 1),
				   "findings");
	ck_assert(json_object_is_type(v, json_type_array));
	ck_assert_uint_eq(json_object_array_length(v), 0);
	json_object_put(back);
	json_object_put(runs);
}
END_TEST

/*
 * A record entry is held in 24 bytes: its id as a number, its times
 * and count in 32 bits.  Every id comes back as it was; what does not
 * fit (a time before 1970 or past 2106, a count past 2^32 - 1) is read
 * as unknown, or kept at the most there can be.
 */
START_TEST(record_entry_bounds)
{
	static const char *const ids[] = {
		"0000000000000000", "ffffffffffffffff", "00000000000000a1",
		"8000000000000000",
	};
	static const char *const bad[] = {
		"", "000000000000000", "00000000000000000", "000000000000000A",
		"000000000000000g", "-000000000000001", " 000000000000001",
	};
	char back[FINDING_ID_LEN + 1];
	struct run_finding e;
	size_t i;

	ck_assert_uint_eq(sizeof(struct run_finding), 24);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		memset(&e, 0, sizeof(e));
		ck_assert_int_eq(run_finding_set_id(&e, ids[i]), 0);
		run_finding_id(&e, back);
		ck_assert_str_eq(back, ids[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(run_finding_set_id(&e, bad[i]), -1);
	run_finding_set_seen(&e, 3, 1764547201, 1764550740);
	ck_assert_uint_eq(e.count, 3);
	ck_assert_uint_eq(e.first, 1764547201);
	ck_assert_uint_eq(e.last, 1764550740);
	run_finding_set_seen(&e, 5000000000ULL, 1, 4294967295LL);
	ck_assert_uint_eq(e.count, 4294967295U);
	ck_assert_uint_eq(e.last, 4294967295U);
	run_finding_set_seen(&e, 3, -1, 10);
	ck_assert_uint_eq(e.count + e.first + e.last, 0);
	run_finding_set_seen(&e, 3, 10, 4294967296LL);
	ck_assert_uint_eq(e.count + e.first + e.last, 0);
	run_finding_set_seen(&e, 0, 10, 20);
	ck_assert_uint_eq(e.count + e.first + e.last, 0);
}
END_TEST

/* The same through the state file's text, and back. */
START_TEST(record_entry_bounds_written)
{
	static const char *const rec =
		"[{\"id\":\"ffffffffffffffff\",\"rule\":\"software-without-dep\","
		"\"count\":5000000000,\"first_seen\":\"2026-12-01T00:00:01Z\","
		"\"last_seen\":\"2026-12-01T00:59:00Z\"},"
		"{\"id\":\"0000000000000000\",\"rule\":\"software-without-dep\","
		"\"count\":2,\"first_seen\":\"1969-12-31T23:59:59Z\","
		"\"last_seen\":\"2026-12-01T00:59:00Z\"},"
		"{\"id\":\"00000000000000A1\",\"rule\":\"software-without-dep\"}]";
	static const char *const want =
		"[{\"id\":\"ffffffffffffffff\",\"rule\":\"software-without-dep\","
		"\"count\":4294967295,\"first_seen\":\"2026-12-01T00:00:01Z\","
		"\"last_seen\":\"2026-12-01T00:59:00Z\"},"
		"{\"id\":\"0000000000000000\",\"rule\":\"software-without-dep\"}]";
	json_object *runs = json_object_new_array(), *back, *w;

	json_object_array_add(runs, a_run("20261201T000000Z-00000001",
					  json_tokener_parse(rec)));
	back = written_back(runs);
	w = json_tokener_parse(want);
	ck_assert_msg(json_object_equal(json_object_object_get(
		json_object_array_get_idx(back, 0), "findings"), w),
		"written back: %s", json_object_to_json_string(back));
	json_object_put(w);
	json_object_put(back);
	json_object_put(runs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runload");
	TCase *tc = tcase_create("runload");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, record_streamed);
	tcase_add_test(tc, record_across_chunks);
	tcase_add_loop_test(tc, broken_abandoned, 0,
			    sizeof(broken) / sizeof(broken[0]));
	tcase_add_test(tc, same_as_whole);
	tcase_add_test(tc, record_written_back);
	tcase_add_test(tc, record_entry_bounds);
	tcase_add_test(tc, record_entry_bounds_written);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
