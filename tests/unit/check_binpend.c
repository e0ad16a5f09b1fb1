// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sightings held while the package index is built: a file is held by
 * what was mapped when it was seen, not by its name later (a file
 * replaced under the same name is still the first one), one descriptor
 * per file however many sightings, a deleted file held as unreadable,
 * and a full queue refuses without losing what it holds.
 */
#include "build.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

#include "sources/binpend.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/check_binpend.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A new file dir/name holding text; its map as /proc/PID/maps says. */
static void make_map(const char *name, const char *text, struct proc_map *m,
		     char *path, size_t len)
{
	struct stat st;
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(stat(path, &st), 0);
	memset(m, 0, sizeof(*m));
	m->path = path;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
}

struct seen {
	char path[128];
	char exe[64];
	pid_t pid;
	int fd;
	ino_t ino, fd_ino;
	char first;		/* the file's first byte, read by fd */
};

struct drained {
	struct seen s[8];
	size_t n;
};

static void record(struct binary_event *ev, int fd, void *data)
{
	struct drained *d = data;
	struct seen *s = &d->s[d->n++];
	struct stat st;

	ck_assert_uint_le(d->n, 8);
	ck_assert_ptr_null(ev->package);
	ck_assert_ptr_null(ev->verdict);
	snprintf(s->path, sizeof(s->path), "%s", ev->path);
	snprintf(s->exe, sizeof(s->exe), "%s", ev->exe);
	s->pid = ev->pid;
	s->fd = fd;
	s->ino = ev->ino;
	if (fd >= 0) {
		ck_assert_int_eq(fstat(fd, &st), 0);
		s->fd_ino = st.st_ino;
		ck_assert_int_eq(pread(fd, &s->first, 1, 0), 1);
	}
}

static struct proc_info info(pid_t pid, const char *exe)
{
	struct proc_info pi = { .pid = pid, .euid = 0 };

	snprintf(pi.comm, sizeof(pi.comm), "t%d", (int)pid);
	snprintf(pi.exe, sizeof(pi.exe), "%s", exe);
	return pi;
}

START_TEST(held_by_what_was_mapped)
{
	struct binpend *q = binpend_new();
	struct proc_map a, b, gone;
	char pa[128], pb[128], pg[128], tmp[160];
	struct proc_info p1 = info(101, "/usr/bin/one");
	struct proc_info p2 = info(102, "/usr/bin/two");
	struct drained d = { 0 };
	ino_t first_a;

	ck_assert_ptr_nonnull(q);
	make_map("a", "A", &a, pa, sizeof(pa));
	make_map("b", "B", &b, pb, sizeof(pb));
	make_map("gone", "G", &gone, pg, sizeof(pg));
	gone.deleted = true;
	first_a = a.ino;
	ck_assert_int_eq(binpend_hold(q, &p1, &a), 0);
	ck_assert_int_eq(binpend_hold(q, &p2, &a), 0);
	ck_assert_int_eq(binpend_hold(q, &p2, &b), 0);
	ck_assert_int_eq(binpend_hold(q, &p1, &gone), 0);
	ck_assert_uint_eq(binpend_count(q), 4);
	/* the name now leads to another file: the held one is the first */
	snprintf(tmp, sizeof(tmp), "%s/a.new", dir);
	{
		FILE *f = fopen(tmp, "w");

		ck_assert_ptr_nonnull(f);
		fputs("Z", f);
		fclose(f);
	}
	ck_assert_int_eq(rename(tmp, pa), 0);
	binpend_drain(q, record, &d);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(binpend_count(q), 0);
	/* in the order held, each with its own process */
	ck_assert_str_eq(d.s[0].path, pa);
	ck_assert_str_eq(d.s[0].exe, "/usr/bin/one");
	ck_assert_int_eq(d.s[0].pid, 101);
	ck_assert_int_eq(d.s[1].pid, 102);
	ck_assert_str_eq(d.s[2].path, pb);
	/* one descriptor for both sightings of a: the file first mapped */
	ck_assert_int_ge(d.s[0].fd, 0);
	ck_assert_int_eq(d.s[0].fd, d.s[1].fd);
	ck_assert_uint_eq(d.s[0].fd_ino, first_a);
	ck_assert_uint_eq(d.s[0].ino, first_a);
	ck_assert_int_eq(d.s[0].first, 'A');
	ck_assert_int_ne(d.s[2].fd, d.s[0].fd);
	ck_assert_int_eq(d.s[2].first, 'B');
	/* deleted and not reachable by map_files: held, as unreadable */
	ck_assert_int_eq(d.s[3].fd, -1);
	/* closed by the queue */
	ck_assert_int_eq(fcntl(d.s[0].fd, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(fcntl(d.s[2].fd, F_GETFD), -1);
	binpend_free(q);
}
END_TEST

START_TEST(full_refuses_and_keeps)
{
	struct binpend *q = binpend_new();
	struct proc_info p = info(7, "/x");
	struct proc_map m[BINPEND_FILES + 1];
	static char paths[BINPEND_FILES + 1][128];
	struct drained d = { 0 };
	size_t i;

	ck_assert_ptr_nonnull(q);
	for (i = 0; i <= BINPEND_FILES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%zu", i);
		make_map(name, "F", &m[i], paths[i], sizeof(paths[i]));
	}
	for (i = 0; i < BINPEND_FILES; i++)
		ck_assert_int_eq(binpend_hold(q, &p, &m[i]), 0);
	/* one file more: refused, nothing changed */
	ck_assert_int_eq(binpend_hold(q, &p, &m[BINPEND_FILES]), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_uint_eq(binpend_count(q), BINPEND_FILES);
	/* another sighting of a file held: taken */
	ck_assert_int_eq(binpend_hold(q, &p, &m[0]), 0);
	ck_assert_uint_eq(binpend_count(q), BINPEND_FILES + 1);
	binpend_free(q);	/* closes them all */
	/* the sightings' cap */
	q = binpend_new();
	ck_assert_ptr_nonnull(q);
	for (i = 0; i < BINPEND_MAX; i++)
		ck_assert_int_eq(binpend_hold(q, &p, &m[0]), 0);
	ck_assert_int_eq(binpend_hold(q, &p, &m[0]), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_uint_eq(binpend_count(q), BINPEND_MAX);
	/* drained, room again */
	{
		struct binpend *one = binpend_new();

		ck_assert_ptr_nonnull(one);
		ck_assert_int_eq(binpend_hold(one, &p, &m[1]), 0);
		binpend_drain(one, record, &d);
		ck_assert_uint_eq(d.n, 1);
		ck_assert_int_eq(d.s[0].first, 'F');
		ck_assert_int_eq(binpend_hold(one, &p, &m[1]), 0);
		ck_assert_uint_eq(binpend_count(one), 1);
		binpend_free(one);
	}
	binpend_free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("binpend");
	TCase *tc = tcase_create("binpend");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, held_by_what_was_mapped);
	tcase_add_test(tc, full_refuses_and_keeps);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
