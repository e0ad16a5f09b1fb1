// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
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
	ck_assert_int_eq(state_load(path, &o, &err), STATE_ABSENT);
	ck_assert_int_eq(state_write_atomic(path, doc, strlen(doc), 0640,
					    &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(state_load(path, &o, &err), STATE_LOADED);
	ck_assert(json_object_object_get_ex(o, "findings", &v));
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
	ck_assert_int_eq(state_load(path, &o, &err), STATE_MOVED_ASIDE);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(count_entries("state.json.corrupt-"), 1);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&err), "moved it to"));
	/* The next start finds no file and begins empty. */
	sbuf_reset(&err);
	ck_assert_int_eq(state_load(path, &o, &err), STATE_ABSENT);
	sbuf_free(&err);
}
END_TEST

START_TEST(symlink_and_dir_refused)
{
	json_object *o;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(state_load(path, &o, &err), STATE_MOVED_ASIDE);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	sbuf_reset(&err);
	ck_assert_int_eq(state_load(path, &o, &err), STATE_MOVED_ASIDE);
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
	ck_assert_int_eq(state_load(path, &o, &err), STATE_ABSENT);
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
		ck_assert_int_eq(state_load(path, &o, &err), STATE_LOADED);
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
	suite_add_tcase(s, tc);
	return unit_run(s);
}
