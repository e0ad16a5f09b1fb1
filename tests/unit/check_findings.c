// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "findings/findings.h"
#include "findings/state.h"
#include "findings/runnames.h"
#include "findings/store.h"
#include "lib/jsonutil.h"
#include "lib/tag.h"
#include "daemon/sdstatus.h"

struct counts {
	int news, changes, counts_only;
	int ev[FEV_UNACCEPTED + 1];
};

static void on_new(void *data, const struct finding *f,
		   enum finding_event ev)
{
	struct counts *c = data;

	c->ev[ev]++;
	if (ev == FEV_NEW)
		c->news++;
}

static void on_change(void *data, const struct finding *f, bool counts_only)
{
	struct counts *c = data;

	(void)f;
	if (counts_only)
		c->counts_only++;
	else
		c->changes++;
}

static const struct findings_ops ops = { on_new, on_change };

/*
 * The state file's form of fs, through text as the file has it: the
 * array findings_to_json() gives is only to be written.
 */
static json_object *stored_json(const struct findings *fs)
{
	json_object *arr = findings_to_json(fs), *back;

	ck_assert_ptr_nonnull(arr);
	back = json_tokener_parse(json_object_to_json_string_ext(arr,
				  JSON_C_TO_STRING_PRETTY));
	ck_assert_ptr_nonnull(back);
	json_object_put(arr);
	return back;
}

static json_object *attr(const char *k, const char *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, k, json_object_new_string(v));
	return o;
}

/* {k: [v]}: a sighting's evidence list */
static json_object *attrs_list(const char *k, const char *v)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(v));
	json_object_object_add(o, k, a);
	return o;
}

/*
 * f's attributes, as a reader gets them (a cold finding's parsed),
 * held until the next call.
 */
static json_object *attrs_of(const struct finding *f)
{
	static json_object *held;

	json_object_put(held);
	held = finding_attrs(f);
	return held;
}

static const char *get(const struct finding *f, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(attrs_of(f), k, &v))
		return NULL;
	return json_object_get_string(v);
}

/*
 * A full store holds 10,000 of them: on a 64-bit build a finding is
 * 272 bytes with the runs it names (two bytes each, in itself), its
 * small fields packed beside its id and its fingerprint made again
 * when asked; no more.
 */
START_TEST(finding_size)
{
	if (sizeof(void *) == 8)
		ck_assert_uint_le(sizeof(struct finding), 272);
}
END_TEST

/*
 * The run ids a store's findings name: each held once, its number
 * reused once no finding names it, and the table's end said, not
 * overrun.
 */
START_TEST(run_names_numbered)
{
	struct run_names t = { 0 };
	char id[32];
	int a, b, c, i;

	a = run_names_hold(&t, "20261201T000000Z-00000001");
	b = run_names_hold(&t, "20261201T010000Z-00000002");
	ck_assert_int_ge(a, 0);
	ck_assert_int_ne(a, b);
	ck_assert_int_eq(run_names_hold(&t, "20261201T000000Z-00000001"), a);
	ck_assert_int_eq(run_names_find(&t, "20261201T010000Z-00000002"), b);
	ck_assert_str_eq(run_names_text(&t, (uint16_t)a),
			 "20261201T000000Z-00000001");
	run_names_drop(&t, (uint16_t)a);
	ck_assert_int_eq(run_names_find(&t, "20261201T000000Z-00000001"), a);
	run_names_drop(&t, (uint16_t)a);
	ck_assert_int_eq(run_names_find(&t, "20261201T000000Z-00000001"), -1);
	c = run_names_hold(&t, "20261201T020000Z-00000003");
	ck_assert_int_eq(c, a);		/* the free number, again */
	for (i = 0; i < RUN_NAMES_MAX - 2; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		ck_assert_int_ge(run_names_hold(&t, id), 0);
	}
	ck_assert_int_eq(run_names_hold(&t, "one too many"), -1);
	ck_assert_int_eq(run_names_hold(&t, "r7"), run_names_find(&t, "r7"));
	run_names_free(&t);
}
END_TEST

START_TEST(dedup)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c);
	const struct finding *f;

	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/opt/a",
					 attr("reason", "one"), 100, "r1"), 1);
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/opt/a",
					 attr("pid", "7"), 200, "r2"), 0);
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/opt/a",
					 attr("reason", "two"), 150, "r2"), 0);
	ck_assert_uint_eq(findings_count(fs), 1);
	ck_assert_int_eq(c.news, 1);
	/* the new one, then a new run; "reason" replaced is no news */
	ck_assert_int_eq(c.changes, 2);
	ck_assert_int_eq(c.counts_only, 1);
	f = findings_at(fs, 0);
	ck_assert_uint_eq(f->count, 3);
	ck_assert_int_eq(f->first_seen, 100);
	ck_assert_int_eq(f->last_seen, 200);
	ck_assert_str_eq(get(f, "reason"), "two");
	ck_assert_str_eq(get(f, "pid"), "7");
	ck_assert_uint_eq(f->nruns, 2);
	ck_assert(finding_seen_in(f, "r1") && finding_seen_in(f, "r2"));
	ck_assert(!finding_seen_in(f, "r3"));

	/* Another rule or another asset is another finding. */
	ck_assert_int_eq(findings_report(fs, RULE_NO_STACK_COOKIES, "/opt/a",
					 NULL, 300, NULL), 1);
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/opt/b", NULL,
					 300, NULL), 1);
	ck_assert_uint_eq(findings_count(fs), 3);
	ck_assert_ptr_eq(findings_lookup(fs, RULE_NO_DEP, "/opt/a"), f);
	ck_assert_ptr_eq(findings_get(fs, f->id), f);
	ck_assert_ptr_null(findings_get(fs, "not-an-id"));
	ck_assert_ptr_null(findings_lookup(fs, RULE_NO_DEP, "/opt/c"));
	findings_free(fs);
}
END_TEST

START_TEST(stable_ids)
{
	char a[FINDING_ID_LEN + 1], b[FINDING_ID_LEN + 1];

	/*
	 * Ids must never change between versions: pin the values.  The
	 * fingerprint is the id vigil had before ids named the host.
	 */
	finding_make_fingerprint("software-without-dep", "/opt/a", a);
	ck_assert_str_eq(a, "f3d808a5f72ccc21");
	finding_make_id("0123456789abcdef0123456789abcdef",
			"software-without-dep", "/opt/a", a);
	ck_assert_str_eq(a, "5a5ea1326a77f8df");
	/* the same problem on another host: another id */
	finding_make_id("fedcba9876543210fedcba9876543210",
			"software-without-dep", "/opt/a", b);
	ck_assert_str_ne(a, b);
	finding_make_id("", "software-without-dep", "/opt/b", b);
	ck_assert_str_ne(a, b);
	/* The separator keeps "ab"+"c" apart from "a"+"bc". */
	finding_make_id("m", "ab", "c", a);
	finding_make_id("m", "a", "bc", b);
	ck_assert_str_ne(a, b);
	finding_make_id("ma", "b", "c", a);
	finding_make_id("m", "ab", "c", b);
	ck_assert_str_ne(a, b);
}
END_TEST

/*
 * The case: non-root users' binaries fill the store with
 * lesser findings; a High root-process finding must still get in, at
 * the cost of the lowest, least recently seen one.
 */
/* {"uid": uid}: whose process a sighting came from */
static json_object *by_uid(int64_t uid)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "uid", json_object_new_int64(uid));
	return o;
}

static size_t held_by(const struct findings *fs, enum finding_cause_kind k,
		      uid_t uid)
{
	size_t i, n = 0;

	for (i = 0; i < findings_count(fs); i++) {
		const struct finding *f = findings_at(fs, i);

		n += f->cause.kind == k && (k != CAUSE_USER ||
					    f->cause.uid == uid);
	}
	return n;
}

/*
 * A local user makes as many findings as it likes (issue 25, 1): what
 * root's processes caused never gives way to them, another user keeps
 * a fair share, and who lost what is counted by cause.
 */
START_TEST(eviction_by_cause)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	json_object *st, *v;
	char key[32];
	int i;

	/* root's, seen longest ago */
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/opt/root%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, key,
						 by_uid(0), 1 + i, NULL), 1);
	}
	for (i = 0; i < 140; i++) {
		snprintf(key, sizeof(key), "/tmp/link%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, key,
						 by_uid(65534), 100 + i, NULL),
				 1);
	}
	ck_assert_uint_eq(findings_count(fs), 100);
	ck_assert_uint_eq(held_by(fs, CAUSE_ROOT, 0), 10);
	ck_assert_uint_eq(held_by(fs, CAUSE_USER, 65534), 90);
	ck_assert_uint_eq(findings_evicted(fs), 50);
	/* its own oldest went */
	ck_assert_ptr_null(findings_lookup(fs, RULE_NO_DEP, "/tmp/link49"));
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_NO_DEP, "/tmp/link50"));
	/* another user, within its share, pushes out the flood's */
	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "/home/u/bin%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, key,
						 by_uid(1000), 300, NULL), 1);
	}
	ck_assert_uint_eq(held_by(fs, CAUSE_USER, 1000), 5);
	ck_assert_uint_eq(held_by(fs, CAUSE_USER, 65534), 85);
	/* root's new Informational one: the flood's Medium gives way */
	ck_assert_int_eq(findings_report(fs, RULE_UNUSED_PORTS, "tcp|9|/d",
					 by_uid(0), 301, NULL), 1);
	ck_assert_uint_eq(held_by(fs, CAUSE_ROOT, 0), 11);
	ck_assert_uint_eq(held_by(fs, CAUSE_USER, 65534), 84);
	/* a flood finding root ran too is root's business now */
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/tmp/link60",
					 by_uid(0), 302, NULL), 0);
	ck_assert_int_eq(findings_lookup(fs, RULE_NO_DEP,
					 "/tmp/link60")->cause.kind,
			 CAUSE_ROOT);
	for (i = 140; i < 400; i++) {
		snprintf(key, sizeof(key), "/tmp/link%d", i);
		findings_report(fs, RULE_NO_DEP, key, by_uid(65534), 400 + i,
				NULL);
	}
	ck_assert_uint_eq(held_by(fs, CAUSE_ROOT, 0), 12);
	ck_assert_uint_eq(held_by(fs, CAUSE_USER, 1000), 5);
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_NO_DEP, "/opt/root0"));
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_NO_DEP, "/tmp/link60"));
	st = findings_evict_stats(fs);
	ck_assert(json_object_object_get_ex(st, "65534", &v));
	ck_assert(json_object_object_get_ex(v, "evicted", &v));
	ck_assert_int_eq(json_object_get_int64(v),
			 (int64_t)findings_evicted(fs));
	ck_assert(!json_object_object_get_ex(st, "root or several users",
					     &v));
	json_object_put(st);
	findings_free(fs);
}
END_TEST

/* A store of root's findings only: a user's new one is refused. */
START_TEST(eviction_refused_by_cause)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	json_object *st, *v, *a;
	char key[32];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "tcp|%d|/d", i);
		ck_assert_int_eq(findings_report(fs, RULE_UNUSED_PORTS, key,
						 by_uid(0), 1, NULL), 1);
	}
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "/x",
					 json_object_new_object(), 2, NULL),
			 -ENOSPC);
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/tmp/x",
					 by_uid(65534), 2, NULL), -ENOSPC);
	ck_assert_uint_eq(findings_dropped(fs), 2);
	ck_assert_uint_eq(findings_evicted(fs), 0);
	st = findings_evict_stats(fs);
	ck_assert(json_object_object_get_ex(st, "65534", &v));
	ck_assert(json_object_object_get_ex(v, "refused", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1);
	ck_assert(json_object_object_get_ex(st, "unknown", &v));
	json_object_put(st);
	/* the cause goes to the state file and back */
	a = finding_to_json(findings_at(fs, 0));
	ck_assert(json_object_object_get_ex(a, "caused_by", &v));
	ck_assert_str_eq(json_object_get_string(
		json_object_object_get(v, "kind")), "root");
	json_object_put(a);
	findings_free(fs);
}
END_TEST

/*
 * The same sighting again, handed in as the store escaped it: counted
 * as findings_report() would, and nothing escaped twice.
 */
START_TEST(report_again_escapes_once)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	json_object *a = json_object_new_object(), *v;
	const struct finding *f;

	json_object_object_add(a, "connections", json_object_new_int64(1));
	json_object_object_add(a, "program",
			       json_object_new_string("/tmp/a\\b\xff"));
	json_object_get(a);
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_GENERAL, "http|/c",
					 a, 10, "r1"), 1);
	ck_assert_int_eq(findings_report_again(fs, RULE_CLIENT_GENERAL,
					       "http|/c", json_object_get(a),
					       12, "r1"), 0);
	ck_assert_int_eq(findings_report_again(fs, RULE_CLIENT_GENERAL,
					       "http|/c", a, 13, "r2"), 0);
	f = findings_lookup(fs, RULE_CLIENT_GENERAL, "http|/c");
	ck_assert_uint_eq(f->count, 3);
	ck_assert_int_eq(f->last_seen, 13);
	ck_assert_uint_eq(f->nruns, 2);
	ck_assert(json_object_object_get_ex(attrs_of(f), "connections", &v));
	ck_assert_int_eq(json_object_get_int64(v), 3);
	/* escaped once: the backslash doubled, the byte as \xff */
	ck_assert_str_eq(get(f, "program"), "/tmp/a\\\\b\\xff");
	findings_free(fs);
}
END_TEST

static json_object *sighting(int pid, const char *remote)
{
	json_object *a = json_object_new_object(), *eps;

	eps = json_object_new_array();
	json_object_array_add(eps, json_object_new_string(remote));
	json_object_object_add(a, "connections", json_object_new_int64(1));
	json_object_object_add(a, "pid", json_object_new_int(pid));
	json_object_object_add(a, "remote", json_object_new_string(remote));
	json_object_object_add(a, "remote_endpoints", eps);
	return a;
}

/*
 * A finding gone cold (not seen for FINDING_HOT_SECONDS at a run's end)
 * reads as it did, comes back whole at its next sighting, and writes
 * the same state entry; a finding never cold beside it agrees.
 */
START_TEST(cold_finding_reads_and_thaws)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	struct findings *hot = findings_new(100, NULL, NULL);
	const int64_t t0 = 1000, later = t0 + FINDING_HOT_SECONDS + 1;
	const struct finding *f, *g;
	json_object *before, *after, *x, *y, *v;

	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, "telnet|/c",
					 sighting(1, "10.0.0.1:23"), t0, "r1"),
			 1);
	ck_assert_int_eq(findings_report(hot, RULE_CLIENT_LOGIN, "telnet|/c",
					 sighting(1, "10.0.0.1:23"), t0, "r1"),
			 1);
	f = findings_lookup(fs, RULE_CLIENT_LOGIN, "telnet|/c");
	g = findings_lookup(hot, RULE_CLIENT_LOGIN, "telnet|/c");
	before = finding_attrs(f);
	/* the same run's end, later (cold) and at once (still hot) */
	findings_end_run(fs, "r1", later);
	findings_end_run(hot, "r1", t0 + 1);
	ck_assert_ptr_null(f->attrs);
	ck_assert_ptr_nonnull(f->frozen);
	ck_assert_ptr_nonnull(g->attrs);
	after = finding_attrs(f);
	ck_assert(json_object_equal(before, after));
	/* a reader's tree is its own: changing it leaves f cold and as is */
	json_object_object_add(after, "pid", json_object_new_int(99));
	json_object_put(after);
	ck_assert_ptr_null(f->attrs);
	x = finding_to_json(f);
	y = finding_to_json(g);
	ck_assert(json_object_equal(x, y));
	json_object_put(x);
	json_object_put(y);
	/* seen again: thawed, and the evidence adds up as if never cold */
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, "telnet|/c",
					 sighting(2, "10.0.0.2:23"), later,
					 "r2"), 0);
	ck_assert_int_eq(findings_report(hot, RULE_CLIENT_LOGIN, "telnet|/c",
					 sighting(2, "10.0.0.2:23"), later,
					 "r2"), 0);
	ck_assert_ptr_nonnull(f->attrs);
	ck_assert_ptr_null(f->frozen);
	ck_assert(json_object_equal(f->attrs, g->attrs));
	ck_assert(json_object_object_get_ex(f->attrs, "connections", &v));
	ck_assert_int_eq(json_object_get_int64(v), 2);
	ck_assert(json_object_object_get_ex(f->attrs, "remote_endpoints",
					    &v));
	ck_assert_uint_eq(json_object_array_length(v), 2);
	json_object_put(before);
	findings_free(fs);
	findings_free(hot);
}
END_TEST

/*
 * The same sightings, handed in again or built anew each time, make
 * the same evidence, whatever came between the repeats.
 */
START_TEST(report_again_same_as_anew)
{
	struct findings *again = findings_new(100, NULL, NULL);
	struct findings *anew = findings_new(100, NULL, NULL);
	json_object *a = sighting(1, "10.0.0.1:23"), *a2;
	json_object *b = sighting(2, "10.0.0.2:23");
	const int order[] = { 0, 0, 0, 1, 0, 0, 1, 1, 0 };
	const struct finding *f, *g;
	json_object *v;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		json_object *s = order[i] ? b : a;
		int pid = order[i] ? 2 : 1;
		const char *r = order[i] ? "10.0.0.2:23" : "10.0.0.1:23";

		ck_assert_int_ge(i < 2 ?
			findings_report(again, RULE_CLIENT_LOGIN, "telnet|/c",
					json_object_get(s), 10 + i, NULL) :
			findings_report_again(again, RULE_CLIENT_LOGIN,
					      "telnet|/c", json_object_get(s),
					      10 + i, NULL), 0);
		ck_assert_int_ge(findings_report(anew, RULE_CLIENT_LOGIN,
						 "telnet|/c", sighting(pid, r),
						 10 + i, NULL), 0);
	}
	f = findings_lookup(again, RULE_CLIENT_LOGIN, "telnet|/c");
	g = findings_lookup(anew, RULE_CLIENT_LOGIN, "telnet|/c");
	a2 = finding_attrs(g);
	ck_assert(json_object_equal(attrs_of(f), a2));
	json_object_put(a2);
	ck_assert(json_object_object_get_ex(attrs_of(f), "connections", &v));
	ck_assert_int_eq(json_object_get_int64(v), 9);
	ck_assert(json_object_object_get_ex(attrs_of(f), "pid", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	ck_assert_uint_eq(f->count, 9);
	json_object_put(a);
	json_object_put(b);
	findings_free(again);
	findings_free(anew);
}
END_TEST

/*
 * A sighting again that only moves counts may be saved later; one that
 * adds evidence, joins a run, or reopens the finding may not.
 */
START_TEST(counts_only_changes)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c);
	json_object *a = sighting(1, "10.0.0.1:23");

	findings_report(fs, RULE_CLIENT_LOGIN, "telnet|/c",
			json_object_get(a), 10, "r1");
	ck_assert_int_eq(c.changes, 1);
	findings_report_again(fs, RULE_CLIENT_LOGIN, "telnet|/c",
			      json_object_get(a), 11, "r1");
	findings_report_again(fs, RULE_CLIENT_LOGIN, "telnet|/c",
			      json_object_get(a), 12, "r1");
	ck_assert_int_eq(c.changes, 1);
	ck_assert_int_eq(c.counts_only, 2);
	/* a new remote endpoint: evidence grew */
	findings_report(fs, RULE_CLIENT_LOGIN, "telnet|/c",
			sighting(1, "10.0.0.9:23"), 13, "r1");
	ck_assert_int_eq(c.changes, 2);
	/* the same, in a new run */
	findings_report_again(fs, RULE_CLIENT_LOGIN, "telnet|/c",
			      json_object_get(a), 14, "r2");
	ck_assert_int_eq(c.changes, 3);
	ck_assert_int_eq(c.counts_only, 2);
	json_object_put(a);
	findings_free(fs);
}
END_TEST

/* The line "systemctl status vigild" shows, from the store. */
/* {connections: n}: a client sighting's count */
static json_object *conns(int64_t n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "connections", json_object_new_int64(n));
	return o;
}

static int64_t count_attr(const struct finding *f, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(attrs_of(f), k, &v) ?
	       json_object_get_int64(v) : -1;
}

/*
 * Uses counted under "unknown" and named later move out: the finding
 * says how many, is told as updated at the run's end, and is resolved
 * at once when none of its uses was its own.
 */
START_TEST(correct_moves_counts)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c);
	const struct finding *f;
	const char *key = "telnet|unknown";

	ck_assert_ptr_nonnull(fs);
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, key, conns(1),
					 100, "r1"), 1);
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, key, conns(1),
					 101, "r1"), 0);
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, key, conns(1),
					 102, "r1"), 0);
	/* not a count of the rule's evidence, or no such finding */
	ck_assert_int_eq(findings_correct(fs, RULE_CLIENT_LOGIN, key,
					  "remote_endpoints", 1, 103), -EINVAL);
	ck_assert_int_eq(findings_correct(fs, RULE_CLIENT_LOGIN, "x|unknown",
					  "connections", 1, 103), -ENOENT);
	ck_assert_int_eq(findings_correct(fs, RULE_CLIENT_LOGIN, key,
					  "connections", 1, 103), 0);
	f = findings_lookup(fs, RULE_CLIENT_LOGIN, key);
	ck_assert_int_eq(count_attr(f, "connections"), 2);
	ck_assert_int_eq(count_attr(f, FINDING_NAMED_LATER), 1);
	ck_assert_int_eq(f->status, FINDING_OPEN);
	/* told at the run's end, like any evidence that changed */
	ck_assert_int_eq(c.ev[FEV_UPDATED], 0);
	findings_end_run(fs, "r1", 104);
	ck_assert_int_eq(c.ev[FEV_UPDATED], 1);
	/* more than it has: what it has moves, and it is resolved now */
	ck_assert_int_eq(findings_correct(fs, RULE_CLIENT_LOGIN, key,
					  "connections", 5, 105), 1);
	f = findings_lookup(fs, RULE_CLIENT_LOGIN, key);
	ck_assert_int_eq(count_attr(f, "connections"), 0);
	ck_assert_int_eq(count_attr(f, FINDING_NAMED_LATER), 3);
	ck_assert_int_eq(f->status, FINDING_RESOLVED);
	ck_assert_int_eq(f->resolved_at, 105);
	ck_assert_int_eq(c.ev[FEV_RESOLVED], 1);
	/* nothing left to move */
	ck_assert_int_eq(findings_correct(fs, RULE_CLIENT_LOGIN, key,
					  "connections", 1, 106), -ENOENT);
	/* seen again: reopened, and its count starts from there */
	ck_assert_int_eq(findings_report(fs, RULE_CLIENT_LOGIN, key, conns(1),
					 107, "r2"), 0);
	f = findings_lookup(fs, RULE_CLIENT_LOGIN, key);
	ck_assert_int_eq(f->status, FINDING_OPEN);
	ck_assert_int_eq(count_attr(f, "connections"), 1);
	ck_assert_int_eq(c.ev[FEV_REOPENED], 1);
	findings_free(fs);
}
END_TEST

START_TEST(status_line)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	const struct finding *f;
	char line[160];

	sdstatus_line(fs, line, sizeof(line));
	ck_assert_str_eq(line, "0 open findings");
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/opt/a", NULL, 10,
					 NULL), 1);
	sdstatus_line(fs, line, sizeof(line));
	ck_assert_str_eq(line, "1 open finding: 1 Medium");
	findings_report(fs, RULE_ROOT_PERMS, "/opt/b", NULL, 10, NULL);
	findings_report(fs, RULE_UNUSED_PORTS, "tcp|1|/c", NULL, 10, NULL);
	findings_report(fs, RULE_UNUSED_PORTS, "tcp|2|/c", NULL, 10, NULL);
	f = findings_lookup(fs, RULE_UNUSED_PORTS, "tcp|2|/c");
	ck_assert_int_eq(findings_accept(fs, f->id, "lab", 0, "root", 11), 0);
	sdstatus_line(fs, line, sizeof(line));
	ck_assert_str_eq(line, "3 open findings: 1 High, 1 Medium, "
			 "1 Informational; 1 accepted");
	/* cut to the buffer, never past it */
	sdstatus_line(fs, line, 12);
	ck_assert_str_eq(line, "3 open find");
	findings_free(fs);
}
END_TEST

START_TEST(eviction_keeps_what_matters)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	char key[32];
	int i;

	for (i = 0; i < 97; i++) {
		snprintf(key, sizeof(key), "/home/u/bin%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, key, NULL,
						 100 + i, NULL), 1);
	}
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "tcp|%d|/opt/d", 9000 + i);
		ck_assert_int_eq(findings_report(fs, RULE_UNUSED_PORTS, key,
						 NULL, 50 - i, NULL), 1);
	}
	ck_assert_uint_eq(findings_count(fs), 100);
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "/usr/sbin/d",
					 NULL, 300, NULL), 1);
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_ROOT_PERMS,
					      "/usr/sbin/d"));
	/* The Informational one seen longest ago went first. */
	ck_assert_ptr_null(findings_lookup(fs, RULE_UNUSED_PORTS,
					   "tcp|9002|/opt/d"));
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_UNUSED_PORTS,
					      "tcp|9001|/opt/d"));
	ck_assert_uint_eq(findings_count(fs), 100);
	ck_assert_uint_eq(findings_evicted(fs), 1);
	ck_assert_uint_eq(findings_dropped(fs), 0);
	/* Then the Medium ones, least recently seen first. */
	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "/usr/sbin/e%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, key, NULL,
						 301, NULL), 1);
	}
	ck_assert_ptr_null(findings_lookup(fs, RULE_UNUSED_PORTS,
					   "tcp|9000|/opt/d"));
	ck_assert_ptr_null(findings_lookup(fs, RULE_NO_DEP, "/home/u/bin2"));
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_NO_DEP,
					      "/home/u/bin3"));
	ck_assert_uint_eq(findings_evicted(fs), 6);
	/* Every finding is still reachable by its id after the moves. */
	for (i = 0; i < (int)findings_count(fs); i++)
		ck_assert_ptr_eq(findings_get(fs, findings_at(fs, i)->id),
				 findings_at(fs, i));
	findings_free(fs);
}
END_TEST

START_TEST(bounded)
{
	struct findings *fs = findings_new(3, NULL, NULL);
	const struct finding *f;
	char run[32];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(run, sizeof(run), "/k%d", i);
		ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, run, NULL,
						 1, NULL), 1);
	}
	/* Full of High findings: a Medium one is refused, and counted. */
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/k9",
					 attr("a", "b"), 1, NULL), -ENOSPC);
	ck_assert_uint_eq(findings_dropped(fs), 1);
	ck_assert_uint_eq(findings_evicted(fs), 0);
	/* Updates of known findings still work when full. */
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "/k0", NULL, 2,
					 NULL), 0);
	for (i = 0; i < 40; i++) {
		snprintf(run, sizeof(run), "run-%02d", i);
		findings_report(fs, RULE_ROOT_PERMS, "/k1", NULL, 3, run);
	}
	f = findings_lookup(fs, RULE_ROOT_PERMS, "/k1");
	ck_assert_uint_eq(f->nruns, FINDING_MAX_RUNS);
	ck_assert_str_eq(finding_run(f, FINDING_MAX_RUNS - 1), "run-39");
	ck_assert_str_eq(finding_run(f, 0), "run-24");
	/* Same severity: the least recently seen (/k2, seen at 1) gives way. */
	ck_assert_int_eq(findings_report(fs, RULE_ROOT_PERMS, "/k3", NULL, 4,
					 NULL), 1);
	ck_assert_ptr_null(findings_lookup(fs, RULE_ROOT_PERMS, "/k2"));
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_ROOT_PERMS, "/k0"));
	ck_assert_uint_eq(findings_evicted(fs), 1);
	ck_assert_int_eq(findings_report(fs, RULE_COUNT, "/x", NULL, 1, NULL),
			 -EINVAL);
	ck_assert_int_eq(findings_report(fs, RULE_NO_DEP, "/x",
					 json_object_new_array(), 1, NULL),
			 -EINVAL);
	findings_free(fs);
}
END_TEST

/*
 * The state file's writer: a frozen finding's attributes go into the
 * file as the text kept (not parsed to be written again), a hot one's
 * from its tree; the document parses, and both load back the same.
 */
START_TEST(stored_writes_frozen_text)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	json_object *arr, *back, *o;
	unsigned int skipped;
	struct sbuf err, text;
	const struct finding *cold;
	char *frozen;

	sbuf_init(&err);
	sbuf_init(&text);
	o = attrs_list("pids", "17");
	json_object_object_add(o, "path", json_object_new_string("/opt/q\"t\""));
	findings_report(a, RULE_NO_DEP, "/opt/cold", o, 1000, "r1");
	ck_assert_uint_eq(findings_freeze(a, 2000), 1);
	cold = findings_at(a, 0);
	ck_assert_ptr_null(cold->attrs);
	ck_assert_ptr_nonnull(cold->frozen);
	frozen = strdup(cold->frozen);
	findings_report(a, RULE_NO_STACK_COOKIES, "/opt/hot",
			attr("reason", "no canary \xff"), 3000, "r1");
	arr = findings_to_json(a);
	ck_assert_ptr_nonnull(arr);
	ck_assert_int_ge(json_dump(arr, JSON_C_TO_STRING_PRETTY |
				   JSON_C_TO_STRING_NOSLASHESCAPE, &text), 0);
	json_object_put(arr);
	/* the cold one's text, as kept; freezing did not thaw it */
	ck_assert_ptr_nonnull(strstr(sbuf_str(&text), frozen));
	ck_assert_ptr_null(findings_at(a, 0)->attrs);
	back = json_tokener_parse(sbuf_str(&text));
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(json_object_array_length(back), 2);
	ck_assert_int_eq(findings_load_json(b, back, &skipped, &err), 0);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_str_eq(get(findings_get(b, findings_at(a, 0)->id), "path"),
			 "/opt/q\"t\"");
	ck_assert_str_eq(get(findings_get(b, findings_at(a, 1)->id), "reason"),
			 "no canary \\xff");
	/* and b, all of it frozen now, writes the same document */
	arr = stored_json(b);
	ck_assert(json_object_equal(arr, back));
	json_object_put(arr);
	json_object_put(back);
	free(frozen);
	sbuf_free(&text);
	sbuf_free(&err);
	findings_free(a);
	findings_free(b);
}
END_TEST

START_TEST(json_round_trip)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	const struct finding *fa, *fb;
	json_object *arr, *bogus, *one;
	unsigned int skipped;
	struct sbuf err;
	const char *s1;
	char *s1copy;

	sbuf_init(&err);
	findings_report(a, RULE_ROOT_PERMS, "/bin/x\n/lib/y\n\"q\"",
			attr("reason", "dir \x01 writable"), 1763800000, "r1");
	findings_report(a, RULE_ROOT_PERMS, "/bin/x\n/lib/y\n\"q\"", NULL,
			1763800100, "r2");
	findings_report(a, RULE_UNUSED_PORTS, "tcp/0.0.0.0/8080", NULL,
			1763800200, NULL);
	arr = findings_to_json(a);
	s1 = json_object_to_json_string(arr);
	s1copy = strdup(s1);

	/* Through text, as the state file does it. */
	json_object_put(arr);
	arr = json_tokener_parse(s1copy);
	bogus = json_object_new_object();
	json_object_object_add(bogus, "rule",
			       json_object_new_string("no-such-rule"));
	json_object_array_add(arr, bogus);
	json_object_array_add(arr, json_object_new_int(5));
	ck_assert_int_eq(findings_load_json(b, arr, &skipped, &err), 0);
	ck_assert_uint_eq(skipped, 2);
	ck_assert_uint_eq(findings_count(b), 2);
	fa = findings_at(a, 0);
	fb = findings_at(b, 0);
	ck_assert_str_eq(fa->id, fb->id);
	ck_assert_str_eq(fa->asset_key, fb->asset_key);
	ck_assert_ptr_eq(fa->rule, fb->rule);
	ck_assert_int_eq(fb->first_seen, 1763800000);
	ck_assert_int_eq(fb->last_seen, 1763800100);
	ck_assert_uint_eq(fb->count, 2);
	ck_assert_uint_eq(fb->nruns, 2);
	/* kept in the escaped text form (lib/utf8.h) */
	ck_assert_str_eq(get(fb, "reason"), "dir \\x01 writable");
	json_object_put(arr);
	arr = stored_json(b);
	/* the same document; b's attributes come as compact text */
	{
		json_object *first = json_tokener_parse(s1copy);

		ck_assert(json_object_equal(arr, first));
		json_object_put(first);
	}
	/* What could not be loaded goes back into the file as it was. */
	ck_assert_int_eq(findings_append_kept(b, arr), 0);
	ck_assert_uint_eq(json_object_array_length(arr), 4);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(arr, 2), "rule")), "no-such-rule");
	ck_assert_int_eq(json_object_get_int(json_object_array_get_idx(arr, 3)),
			 5);
	json_object_array_del_idx(arr, 2, 2);
	/* A reloaded finding keeps deduplicating. */
	ck_assert_int_eq(findings_report(b, RULE_UNUSED_PORTS,
					 "tcp/0.0.0.0/8080", NULL, 1, NULL), 0);
	one = json_object_new_int(1);
	ck_assert_int_eq(findings_load_json(b, one, &skipped, &err), -1);
	json_object_put(one);
	free(s1copy);
	json_object_put(arr);
	findings_free(a);
	findings_free(b);
	sbuf_free(&err);
}
END_TEST

static json_object *host_named(const char *name)
{
	json_object *h = json_object_new_object();

	json_object_object_add(h, "hostname", json_object_new_string(name));
	json_object_object_add(h, "machine_id", json_object_new_string(
				       "0123456789abcdef0123456789abcdef"));
	return h;
}

static const char *hostname_of(const struct finding *f)
{
	return f->host ? json_get_str(f->host, "hostname") : NULL;
}

/*
 * doc written to a file of its own and read into fs through
 * state_load(), as vigild reads its state file; the document's other
 * members returned (the caller puts them).
 */
static json_object *load_through_file(struct findings *fs, json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc,
		JSON_C_TO_STRING_PLAIN);
	struct findings_loading l = { .fs = fs };
	char path[] = "/tmp/vigil-stored-XXXXXX";
	json_object *head = NULL;
	struct sbuf err;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	sbuf_init(&err);
	ck_assert_int_eq(state_load(path, &findings_state_reader, &l, &head,
				    &err), STATE_LOADED);
	findings_load_done(fs);
	unlink(path);
	sbuf_free(&err);
	return head;
}

/*
 * The state file's form leaves out the rule's text and a host that is
 * the document's; a file read back gives each finding the host it was
 * seen on all the same, through state_load() as vigild reads it.
 */
START_TEST(stored_form_through_a_file)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	json_object *before = host_named("before"), *now = host_named("now");
	json_object *doc = json_object_new_object(), *arr, *e, *head;
	const struct finding *f;

	findings_set_host(a, before);
	findings_report(a, RULE_ROOT_PERMS, "/opt/old", NULL, 1763800000, NULL);
	findings_set_host(a, now);	/* a reload renamed the host */
	findings_report(a, RULE_UNUSED_PORTS, "tcp/0.0.0.0/8080", NULL,
			1763800100, NULL);
	arr = stored_json(a);
	/* the older finding names its host; the newer has the document's */
	e = json_object_array_get_idx(arr, 0);
	ck_assert_str_eq(json_get_str(json_object_object_get(e, "host"),
				      "hostname"), "before");
	e = json_object_array_get_idx(arr, 1);
	ck_assert(!json_object_object_get_ex(e, "host", NULL));
	ck_assert(!json_object_object_get_ex(e, "title", NULL));
	ck_assert(!json_object_object_get_ex(e, "description", NULL));
	ck_assert(!json_object_object_get_ex(e, "fingerprint", NULL));
	ck_assert_str_eq(json_get_str(e, "id"), findings_at(a, 1)->id);
	/* the public form keeps all of it */
	e = finding_to_json(findings_at(a, 1));
	ck_assert_str_eq(json_get_str(e, "title"),
			 findings_at(a, 1)->rule->title);
	ck_assert_str_eq(json_get_str(json_object_object_get(e, "host"),
				      "hostname"), "now");
	json_object_put(e);

	json_object_object_add(doc, "version",
			       json_object_new_int(STATE_VERSION));
	json_object_object_add(doc, "host", json_object_get(now));
	json_object_object_add(doc, "findings", arr);
	findings_set_host(b, now);
	head = load_through_file(b, doc);
	ck_assert_uint_eq(findings_count(b), 2);
	f = findings_get(b, findings_at(a, 0)->id);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(hostname_of(f), "before");
	f = findings_get(b, findings_at(a, 1)->id);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(hostname_of(f), "now");
	ck_assert_str_eq(finding_fingerprint(f).s,
			 finding_fingerprint(findings_at(a, 1)).s);
	/* and written again, the same document */
	arr = stored_json(b);
	ck_assert(json_object_equal(arr, json_object_object_get(doc,
							      "findings")));
	json_object_put(arr);
	json_object_put(head);

	/* an older vigild writes "host": {} back for it: the document's */
	e = json_object_array_get_idx(json_object_object_get(doc, "findings"),
				      1);
	json_object_object_add(e, "host", json_object_new_object());
	findings_forget_all(b);
	head = load_through_file(b, doc);
	f = findings_get(b, findings_at(a, 1)->id);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(hostname_of(f), "now");
	ck_assert_str_eq(hostname_of(findings_get(b, findings_at(a, 0)->id)),
			 "before");
	json_object_put(head);
	json_object_put(doc);
	json_object_put(before);
	json_object_put(now);
	findings_free(a);
	findings_free(b);
}
END_TEST

/*
 * A reload makes the host anew: a finding seen on an equal one shares
 * the new object (and is stored without a host of its own), even when
 * only the configuration's tags changed; one seen on another host keeps
 * its own.
 */
START_TEST(reload_shares_an_equal_host)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	json_object *h1 = host_named("h"), *h2 = host_named("h");
	json_object *h3 = host_named("h"), *other = host_named("other");
	const struct finding *f, *g;

	json_object_object_add(h3, "tags", json_tokener_parse(
				       "{\"owner\": \"team-new\"}"));
	findings_set_host(fs, h1);
	findings_report(fs, RULE_ROOT_PERMS, "/opt/a", NULL, 1763800000, NULL);
	f = findings_at(fs, 0);
	ck_assert_ptr_eq(f->host, h1);
	findings_set_host(fs, h2);		/* the same host, made anew */
	ck_assert_ptr_eq(f->host, h2);
	findings_set_host(fs, h3);		/* the tags changed */
	ck_assert_ptr_eq(f->host, h3);
	findings_set_host(fs, other);		/* renamed: its own stays */
	ck_assert_ptr_eq(f->host, h3);
	findings_report(fs, RULE_ROOT_PERMS, "/opt/b", NULL, 1763800100, NULL);
	g = findings_at(fs, 1);
	ck_assert_ptr_eq(g->host, other);
	json_object_put(h1);
	json_object_put(h2);
	json_object_put(h3);
	json_object_put(other);
	findings_free(fs);
}
END_TEST

/*
 * A finding's own tags: checked as the configuration's are, at most
 * TAG_MAX, kept through the state file, and what a hand-edited state
 * file says wrongly is dropped.
 */
START_TEST(tags_set_kept_checked)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	const struct finding *f;
	json_object *arr, *t;
	unsigned int skipped;
	struct sbuf err;
	char key[8], id[FINDING_ID_LEN + 1];
	int i;

	sbuf_init(&err);
	findings_report(a, RULE_NO_DEP, "/opt/x", NULL, 1763800000, "r1");
	f = findings_at(a, 0);
	snprintf(id, sizeof(id), "%s", f->id);
	ck_assert_int_eq(findings_tag(a, id, "owner", "team-b"), 0);
	ck_assert_int_eq(findings_tag(a, id, "owner", "team-c"), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
		f->tags, "owner")), "team-c");
	ck_assert_int_eq(findings_tag(a, id, "1st", "x"), -EINVAL);
	ck_assert_int_eq(findings_tag(a, id, "k", "a\\b"), -EINVAL);
	ck_assert_int_eq(findings_tag(a, id, "k", "a\nb"), -EINVAL);
	ck_assert_int_eq(findings_tag(a, id, "k", "\xff"), -EINVAL);
	ck_assert_int_eq(findings_tag(a, "0123456789abcdef", "k", "v"),
			 -ENOENT);
	ck_assert_int_eq(findings_tag(a, id, "nosuch", NULL), -ENOENT);
	for (i = 1; i < TAG_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_int_eq(findings_tag(a, id, key, "v"), 0);
	}
	ck_assert_int_eq(findings_tag(a, id, "one-more", "v"), -E2BIG);
	ck_assert_int_eq(findings_tag(a, id, "owner", "team-d"), 0);
	ck_assert_int_eq(findings_tag(a, id, "k1", NULL), 0);
	arr = stored_json(a);
	/* a hand-edited entry: bad keys and values are not loaded */
	t = json_object_object_get(json_object_array_get_idx(arr, 0), "tags");
	json_object_object_add(t, "bad key", json_object_new_string("v"));
	json_object_object_add(t, "num", json_object_new_int(5));
	json_object_object_add(t, "ctl", json_object_new_string("a\x01"));
	ck_assert_int_eq(findings_load_json(b, arr, &skipped, &err), 0);
	f = findings_at(b, 0);
	ck_assert_int_eq(json_object_object_length(f->tags), TAG_MAX - 1);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
		f->tags, "owner")), "team-d");
	ck_assert(!json_object_object_get_ex(f->tags, "k1", NULL));
	ck_assert(!json_object_object_get_ex(f->tags, "num", NULL));
	/* all taken away: no "tags" at all */
	t = json_object_get(f->tags);
	json_object_object_foreach(t, k, v) {
		(void)v;
		ck_assert_int_eq(findings_tag(b, f->id, k, NULL), 0);
	}
	json_object_put(t);
	ck_assert_ptr_null(f->tags);
	/*
	 * The host's tags are the configuration's now: a finding read back
	 * from a state file written under other tags shows the new ones.
	 */
	t = json_object_new_object();
	json_object_object_add(t, "hostname", json_object_new_string("h"));
	json_object_object_add(t, "tags", json_tokener_parse(
				       "{\"owner\": \"team-new\"}"));
	findings_set_host(b, t);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
		json_object_object_get(f->host, "tags"), "owner")), "team-new");
	json_object_object_del(t, "tags");
	findings_set_host(b, t);
	ck_assert(!json_object_object_get_ex(f->host, "tags", NULL));
	json_object_put(t);
	json_object_put(arr);
	findings_free(a);
	findings_free(b);
	sbuf_free(&err);
}
END_TEST

START_TEST(fields)
{
	struct findings *fs = findings_new(10, NULL, NULL);
	json_object *o, *v, *host = json_object_new_object();
	static const char *const keys[] = {
		"id", "rule", "title", "severity", "numeric_severity",
		"description", "recommendation", "attributes", "host",
		"first_seen", "last_seen", "count", "runs",
	};
	size_t i;

	json_object_object_add(host, "hostname", json_object_new_string("h"));
	findings_set_host(fs, host);
	findings_report(fs, RULE_CLIENT_GENERAL, "ftp/ftp", NULL, 0, "r");
	o = finding_to_json(findings_at(fs, 0));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(json_object_object_get_ex(o, keys[i], NULL),
			      "missing %s", keys[i]);
	json_object_object_get_ex(o, "severity", &v);
	ck_assert_str_eq(json_object_get_string(v), "Low");
	json_object_object_get_ex(o, "numeric_severity", &v);
	ck_assert_int_eq(json_object_get_int(v), 3);
	json_object_object_get_ex(o, "first_seen", &v);
	ck_assert_str_eq(json_object_get_string(v), "1970-01-01T00:00:00Z");
	json_object_object_get_ex(o, "host", &v);
	ck_assert_str_eq(json_object_get_string(
		json_object_object_get(v, "hostname")), "h");
	json_object_put(o);
	json_object_put(host);
	findings_free(fs);
}
END_TEST

START_TEST(severities)
{
	static const int want[RULE_COUNT] = {
		[RULE_CLIENT_LOGIN] = 6, [RULE_CLIENT_GENERAL] = 3,
		[RULE_UNUSED_PORTS] = 0, [RULE_SERVER_PROTOCOLS] = 0,
		[RULE_NO_DEP] = 6, [RULE_NO_STACK_COOKIES] = 6,
		[RULE_ROOT_PERMS] = 9,
	};
	enum vigil_severity s;
	int i;

	for (i = 0; i < RULE_COUNT; i++) {
		ck_assert_int_eq(rule_meta(i)->severity, want[i]);
		ck_assert_ptr_eq(rule_meta_by_name(rule_meta(i)->id),
				 rule_meta(i));
	}
	ck_assert_int_eq(severity_parse("high", &s), 0);
	ck_assert_int_eq(s, SEV_HIGH);
	ck_assert_int_eq(severity_parse("0", &s), 0);
	ck_assert_int_eq(s, SEV_INFORMATIONAL);
	ck_assert_int_eq(severity_parse("critical", &s), -1);
}
END_TEST

/* conf/vigil.catalog explains each rule under its MESSAGE_ID. */
START_TEST(catalog_matches_rules)
{
	FILE *f = fopen(TOP_SRCDIR "/conf/vigil.catalog", "re");
	char line[4096], id[64] = "";
	int seen[RULE_COUNT] = { 0 }, i;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "-- ", 3)) {
			snprintf(id, sizeof(id), "%.40s", line + 3);
			continue;
		}
		for (i = 0; i < RULE_COUNT; i++) {
			const struct rule_meta *m = rule_meta(i);
			char subject[256];

			if (strcmp(id, m->message_id))
				continue;
			snprintf(subject, sizeof(subject),
				 "Subject: vigil finding: %s", m->title);
			if (!strcmp(line, subject))
				seen[i] |= 1;
			if (!strcmp(line, m->description))
				seen[i] |= 2;
			if (!strncmp(line, "What to do: ", 12) &&
			    !strcmp(line + 12, m->recommendation))
				seen[i] |= 4;
		}
	}
	fclose(f);
	for (i = 0; i < RULE_COUNT; i++)
		ck_assert_msg(seen[i] == 7, "catalog entry of %s: %d",
			      rule_meta(i)->id, seen[i]);
}
END_TEST

/* Two hosts, one problem: two ids, one fingerprint. */
START_TEST(fleet_ids)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	json_object *ha = json_object_new_object();
	json_object *hb = json_object_new_object();
	const struct finding *fa, *fb;

	json_object_object_add(ha, "machine_id", json_object_new_string(
		"0123456789abcdef0123456789abcdef"));
	json_object_object_add(hb, "machine_id", json_object_new_string(
		"fedcba9876543210fedcba9876543210"));
	findings_set_host(a, ha);
	findings_set_host(b, hb);
	findings_report(a, RULE_UNUSED_PORTS, "tcp|8080", NULL, 1, "r");
	findings_report(b, RULE_UNUSED_PORTS, "tcp|8080", NULL, 1, "r");
	fa = findings_at(a, 0);
	fb = findings_at(b, 0);
	ck_assert_str_ne(fa->id, fb->id);
	ck_assert_str_eq(finding_fingerprint(fa).s, finding_fingerprint(fb).s);
	ck_assert_ptr_eq(findings_get(a, fa->id), fa);
	ck_assert_ptr_null(findings_get(a, fb->id));
	json_object_put(ha);
	json_object_put(hb);
	findings_free(a);
	findings_free(b);
}
END_TEST

/*
 * new once; updated at most once per run and only when evidence grew;
 * resolved after a whole run without a sighting; reopened when seen
 * again; and the lifecycle survives the state file.
 */
START_TEST(lifecycle)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c), *fs2;
	const struct finding *f;
	json_object *arr;
	unsigned int skipped;
	struct sbuf err;
	int i;

	for (i = 0; i < 3; i++)
		findings_report(fs, RULE_NO_DEP, "/opt/a",
				attrs_list("programs", "/opt/a"), 10, "run1");
	ck_assert_int_eq(c.ev[FEV_NEW], 1);
	ck_assert_int_eq(findings_end_run(fs, "run1", 20), 0);
	/* seen once at first, no evidence grew: no update */
	ck_assert_int_eq(c.ev[FEV_UPDATED], 0);
	/* run2: a new program, twice, and another: one update at the end */
	findings_report(fs, RULE_NO_DEP, "/opt/a", attrs_list("programs",
			"/opt/b"), 30, "run2");
	findings_report(fs, RULE_NO_DEP, "/opt/a", attrs_list("programs",
			"/opt/c"), 31, "run2");
	ck_assert_int_eq(c.ev[FEV_UPDATED], 0);
	ck_assert_int_eq(findings_end_run(fs, "run2", 40), 0);
	ck_assert_int_eq(c.ev[FEV_UPDATED], 1);
	/* run3: same program again: nothing new */
	findings_report(fs, RULE_NO_DEP, "/opt/a", attrs_list("programs",
			"/opt/c"), 50, "run3");
	findings_end_run(fs, "run3", 60);
	ck_assert_int_eq(c.ev[FEV_UPDATED], 1);
	/* run4 without it: resolved, once */
	ck_assert_int_eq(findings_end_run(fs, "run4", 70), 1);
	ck_assert_int_eq(findings_end_run(fs, "run5", 80), 0);
	ck_assert_int_eq(c.ev[FEV_RESOLVED], 1);
	f = findings_at(fs, 0);
	ck_assert_int_eq(f->status, FINDING_RESOLVED);
	ck_assert_int_eq(f->resolved_at, 70);
	/* the state file keeps it resolved */
	arr = stored_json(fs);
	fs2 = findings_new(100, NULL, NULL);
	sbuf_init(&err);
	ck_assert_int_eq(findings_load_json(fs2, arr, &skipped, &err), 0);
	ck_assert_int_eq(findings_at(fs2, 0)->status, FINDING_RESOLVED);
	ck_assert_int_eq(findings_at(fs2, 0)->resolved_at, 70);
	ck_assert_str_eq(findings_at(fs2, 0)->id, f->id);
	/* seen again: reopened, not new */
	findings_report(fs, RULE_NO_DEP, "/opt/a", NULL, 90, "run6");
	ck_assert_int_eq(c.ev[FEV_REOPENED], 1);
	ck_assert_int_eq(c.ev[FEV_NEW], 1);
	ck_assert_int_eq(findings_at(fs, 0)->status, FINDING_OPEN);
	json_object_put(arr);
	sbuf_free(&err);
	findings_free(fs2);
	findings_free(fs);
}
END_TEST

/*
 * An accepted finding is recorded and counted but not announced; its
 * acceptance ending (or taken back) announces it again.
 */
START_TEST(accepted_is_quiet)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c), *fs2;
	const struct finding *f;
	char id[FINDING_ID_LEN + 1];
	unsigned int skipped;
	struct sbuf err;
	json_object *arr;

	findings_report(fs, RULE_NO_DEP, "/opt/a", attr("path", "/opt/a"),
			10, "run1");
	f = findings_at(fs, 0);
	memcpy(id, f->id, sizeof(id));
	ck_assert_int_eq(findings_accept(fs, "0000000000000000", "r", 0,
					 "t", 11), -ENOENT);
	ck_assert_int_eq(findings_accept(fs, id, "r", 11, "t", 11), -EINVAL);
	ck_assert_int_eq(findings_accept(fs, id, "vendor fix due\n\xff",
					 100, "vigilctl (uid 0)", 12), 0);
	ck_assert_int_eq(c.ev[FEV_ACCEPTED], 1);
	f = findings_get(fs, id);
	ck_assert_ptr_nonnull(f->quiet);
	ck_assert_str_eq(f->quiet->reason, "vendor fix due\\x0a\\xff");
	ck_assert_uint_eq(findings_count_quiet(fs), 1);
	/* sightings are counted, nothing is told, not even resolution */
	findings_report(fs, RULE_NO_DEP, "/opt/a", attrs_list("programs",
			"/opt/p"), 20, "run2");
	ck_assert_int_eq(findings_end_run(fs, "run2", 30), 0);
	ck_assert_int_eq(findings_end_run(fs, "run3", 40), 1);
	findings_report(fs, RULE_NO_DEP, "/opt/a", NULL, 50, "run4");
	ck_assert_uint_eq(findings_get(fs, id)->count, 3);
	ck_assert_int_eq(c.ev[FEV_NEW], 1);
	ck_assert_int_eq(c.ev[FEV_UPDATED] + c.ev[FEV_RESOLVED] +
			 c.ev[FEV_REOPENED] + c.ev[FEV_UNACCEPTED], 0);
	/* the state file keeps it, and loading it tells nothing */
	arr = stored_json(fs);
	fs2 = findings_new(100, &ops, &c);
	sbuf_init(&err);
	ck_assert_int_eq(findings_load_json(fs2, arr, &skipped, &err), 0);
	findings_set_exceptions(fs2, NULL, 60);
	ck_assert_str_eq(findings_get(fs2, id)->quiet->reason,
			 "vendor fix due\\x0a\\xff");
	ck_assert_int_eq(findings_get(fs2, id)->quiet->until, 100);
	ck_assert_int_eq(c.ev[FEV_ACCEPTED] + c.ev[FEV_UNACCEPTED], 1);
	/* until passes: announced again, once; the next check is at 100 */
	ck_assert_int_eq(findings_check_acceptance(fs2, 99), 100);
	ck_assert_int_eq(c.ev[FEV_UNACCEPTED], 0);
	ck_assert_int_eq(findings_check_acceptance(fs2, 100), 0);
	ck_assert_int_eq(findings_check_acceptance(fs2, 101), 0);
	ck_assert_int_eq(c.ev[FEV_UNACCEPTED], 1);
	ck_assert_ptr_null(findings_get(fs2, id)->quiet);
	/* taking it back: told at once */
	ck_assert_int_eq(findings_unaccept(fs, id, 60), 0);
	ck_assert_int_eq(c.ev[FEV_UNACCEPTED], 2);
	ck_assert_int_eq(findings_unaccept(fs, id, 61), -EALREADY);
	json_object_put(arr);
	sbuf_free(&err);
	findings_free(fs2);
	findings_free(fs);
}
END_TEST

/* A configured exception keeps a finding quiet from its first sighting. */
START_TEST(exception_from_birth)
{
	struct counts c = { 0 };
	struct findings *fs = findings_new(100, &ops, &c);
	struct exceptions ex = { 0 };
	const struct finding *f;
	json_object *a;

	ck_assert_int_eq(exceptions_add(&ex, rule_meta(RULE_UNUSED_PORTS),
					"/opt/legacy/*", NULL, 8080,
					"legacy", 100, "t.conf:3"), 0);
	ck_assert_int_eq(exceptions_add(&ex, NULL, NULL, "/srv/\\*", 0,
					"odd names", 0, "t.conf:9"), 0);
	findings_set_exceptions(fs, &ex, 10);
	a = attr("program", "/opt/legacy/bin/adm");
	json_object_object_add(a, "port", json_object_new_int(8080));
	findings_report(fs, RULE_UNUSED_PORTS, "tcp|8080|adm", a, 10, "r1");
	/* another port, another program: announced */
	a = attr("program", "/opt/legacy/bin/adm");
	json_object_object_add(a, "port", json_object_new_int(8081));
	findings_report(fs, RULE_UNUSED_PORTS, "tcp|8081|adm", a, 10, "r1");
	a = attr("program", "/usr/sbin/adm");
	json_object_object_add(a, "port", json_object_new_int(8080));
	findings_report(fs, RULE_UNUSED_PORTS, "tcp|8080|x", a, 10, "r1");
	/* the escaped form of a backslash matches a backslash */
	findings_report(fs, RULE_NO_DEP, "/srv/\\q", attr("path", "/srv/\\q"),
			10, "r1");
	ck_assert_int_eq(c.ev[FEV_NEW], 2);
	f = findings_lookup(fs, RULE_UNUSED_PORTS, "tcp|8080|adm");
	ck_assert_ptr_nonnull(f->quiet);
	ck_assert_str_eq(f->quiet->by, "t.conf:3");
	ck_assert(!f->announced);
	ck_assert_ptr_nonnull(findings_lookup(fs, RULE_NO_DEP,
					      "/srv/\\q")->quiet);
	/* never told: when the exception ends it is told as new */
	ck_assert_int_eq(findings_check_acceptance(fs, 50), 100);
	findings_check_acceptance(fs, 100);
	ck_assert_int_eq(c.ev[FEV_NEW], 3);
	ck_assert_int_eq(c.ev[FEV_UNACCEPTED], 0);
	/* an exception added later quiets an announced finding: told once */
	findings_set_exceptions(fs, NULL, 101);
	exceptions_clear(&ex);
	ck_assert_int_eq(exceptions_add(&ex, NULL, "/usr/sbin/*", NULL, 0,
					"r", 0, "t.conf:1"), 0);
	findings_set_exceptions(fs, &ex, 102);
	ck_assert_int_eq(c.ev[FEV_ACCEPTED], 1);
	findings_set_exceptions(fs, &ex, 103);
	ck_assert_int_eq(c.ev[FEV_ACCEPTED], 1);
	findings_free(fs);
	exceptions_clear(&ex);
}
END_TEST

/* Raw bytes in a key and attributes are kept in the escaped text form. */
START_TEST(escaped_on_entry)
{
	struct findings *fs = findings_new(100, NULL, NULL);
	const struct finding *f;

	findings_report(fs, RULE_NO_DEP, "/tmp/\xff\n",
			attr("path", "/tmp/\xff\n\\"), 1, "r");
	f = findings_at(fs, 0);
	ck_assert_str_eq(f->asset_key, "/tmp/\\xff\\x0a");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
		attrs_of(f), "path")), "/tmp/\\xff\\x0a\\\\");
	/* looked up by the raw key, as rules know it */
	ck_assert_ptr_eq(findings_lookup(fs, RULE_NO_DEP, "/tmp/\xff\n"), f);
	findings_free(fs);
}
END_TEST

/*
 * A state file's attributes are kept as the file has them only when
 * every string is in the escaped text form: one edited to hold a raw
 * byte is put in form on the way in, and written so.
 */
START_TEST(file_text_kept_only_escaped)
{
	struct findings *a = findings_new(100, NULL, NULL);
	struct findings *b = findings_new(100, NULL, NULL);
	json_object *doc = json_object_new_object(), *head, *e, *at;
	const struct finding *f;
	const char *text;

	findings_report(a, RULE_NO_DEP, "/opt/a", attr("path", "/opt/a"), 1,
			NULL);
	findings_report(a, RULE_NO_DEP, "/opt/b", attr("path", "/opt/b"), 1,
			NULL);
	json_object_object_add(doc, "version",
			       json_object_new_int(STATE_VERSION));
	json_object_object_add(doc, "findings", stored_json(a));
	/* the second finding's path edited to hold raw bytes */
	e = json_object_array_get_idx(json_object_object_get(doc, "findings"),
				      1);
	at = json_object_object_get(e, "attributes");
	json_object_object_add(at, "path",
			       json_object_new_string("/opt/\xff"));
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	ck_assert_ptr_nonnull(strstr(text, "\xff"));
	head = load_through_file(b, doc);
	ck_assert_uint_eq(findings_count(b), 2);
	f = findings_get(b, findings_at(a, 0)->id);
	ck_assert_str_eq(get(f, "path"), "/opt/a");
	f = findings_get(b, findings_at(a, 1)->id);
	ck_assert_str_eq(get(f, "path"), "/opt/\\xff");
	/* and so in what is written */
	e = stored_json(b);
	text = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	ck_assert_ptr_null(strstr(text, "\xff"));
	ck_assert_ptr_nonnull(strstr(text, "/opt/\\\\xff"));
	json_object_put(e);
	json_object_put(head);
	json_object_put(doc);
	findings_free(a);
	findings_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("findings");
	TCase *tc = tcase_create("findings");

	tcase_add_test(tc, finding_size);
	tcase_add_test(tc, run_names_numbered);
	tcase_add_test(tc, dedup);
	tcase_add_test(tc, eviction_keeps_what_matters);
	tcase_add_test(tc, eviction_by_cause);
	tcase_add_test(tc, report_again_escapes_once);
	tcase_add_test(tc, report_again_same_as_anew);
	tcase_add_test(tc, status_line);
	tcase_add_test(tc, counts_only_changes);
	tcase_add_test(tc, correct_moves_counts);
	tcase_add_test(tc, eviction_refused_by_cause);
	tcase_add_test(tc, stable_ids);
	tcase_add_test(tc, fleet_ids);
	tcase_add_test(tc, lifecycle);
	tcase_add_test(tc, escaped_on_entry);
	tcase_add_test(tc, file_text_kept_only_escaped);
	tcase_add_test(tc, accepted_is_quiet);
	tcase_add_test(tc, exception_from_birth);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, json_round_trip);
	tcase_add_test(tc, stored_writes_frozen_text);
	tcase_add_test(tc, stored_form_through_a_file);
	tcase_add_test(tc, reload_shares_an_equal_host);
	tcase_add_test(tc, tags_set_kept_checked);
	tcase_add_test(tc, fields);
	tcase_add_test(tc, severities);
	tcase_add_test(tc, catalog_matches_rules);
	tcase_add_test(tc, cold_finding_reads_and_thaws);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
