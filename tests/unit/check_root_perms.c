// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/proctable.h"
#include "rules/root_perms.h"
#include "sources/perms.h"
#include "sources/proc.h"

/* What vigild does with one mapping: the facts, then the rule's verdict. */
static int root_perms_check(const struct stat *st, const char *path,
			    struct perm_verdict *v)
{
	struct perm_facts f;

	if (perms_gather(st, -1, path, &f) < 0)
		return -1;
	return root_perms_judge(&f, path, 0, v);
}

static char top[64];

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/vigil-perm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	ck_assert_int_eq(chmod(top, 0755), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

static void mk(const char *rel, mode_t mode, int is_dir, uid_t uid)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (is_dir)
		ck_assert_int_eq(mkdir(p, mode), 0);
	else
		close(creat(p, mode));
	ck_assert_int_eq(chmod(p, mode), 0);
	ck_assert_int_eq(chown(p, uid, 0), 0);
}

static void check(const char *rel, int insecure, const char *reason,
		  const char *dir_rel)
{
	struct perm_verdict v;
	char p[256], d[256];

	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(root_perms_check(&st, p, &v), 0);
	ck_assert_int_eq(v.insecure, insecure);
	ck_assert_str_eq(v.reason, reason);
	if (dir_rel) {
		snprintf(d, sizeof(d), "%s%s%s", top, *dir_rel ? "/" : "",
			 dir_rel);
		ck_assert_str_eq(v.directory, d);
	} else {
		ck_assert_str_eq(v.directory, "");
	}
}

START_TEST(verdicts)
{
	if (geteuid() != 0)
		return;	/* chown needs root; the integration test covers it */
	mk("ok", 0755, 1, 0);
	mk("ok/lib.so", 0755, 0, 0);
	mk("ok/gw.so", 0775, 0, 0);
	mk("ok/ww.so", 0757, 0, 0);
	mk("ok/user.so", 0755, 0, 65534);
	mk("open", 0777, 1, 0);
	mk("open/lib.so", 0755, 0, 0);
	mk("sticky", 01777, 1, 0);
	mk("sticky/lib.so", 0755, 0, 0);
	mk("users", 0755, 1, 65534);
	mk("users/lib.so", 0755, 0, 0);
	mk("open/deep", 0755, 1, 0);
	mk("open/deep/lib.so", 0755, 0, 0);

	check("ok/lib.so", 0, "", NULL);
	check("ok/gw.so", 1, "file is group-writable (mode 0775)", NULL);
	check("ok/ww.so", 1, "file is world-writable (mode 0757)", NULL);
	check("ok/user.so", 1, "file is owned by uid 65534", NULL);
	check("open/lib.so", 1,
	      "directory is group- and world-writable (mode 0777) without the sticky bit",
	      "open");
	check("open/deep/lib.so", 1,
	      "directory is group- and world-writable (mode 0777) without the sticky bit",
	      "open");
	check("sticky/lib.so", 0, "", NULL);
	check("users/lib.so", 1, "directory is owned by uid 65534", "users");
}
END_TEST

START_TEST(identity_and_errors)
{
	struct perm_verdict v;
	struct stat st;
	char p[256];

	snprintf(p, sizeof(p), "%s/f", top);
	close(creat(p, 0644));
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(root_perms_check(&st, p, &v), 0);
	/* The name leads to another file now: directories not judged. */
	st.st_ino++;
	ck_assert_int_eq(root_perms_check(&st, p, &v), -1);
	ck_assert_int_eq(errno, ESTALE);
	ck_assert_int_eq(root_perms_check(&st, "relative", &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* A deleted file has no name: the file alone is judged. */
	ck_assert_int_eq(root_perms_check(&st, NULL, &v), 0);
	ck_assert(!v.insecure);
	st.st_mode |= S_IWOTH;
	ck_assert_int_eq(root_perms_check(&st, NULL, &v), 0);
	ck_assert(v.insecure);
	snprintf(p, sizeof(p), "%s/missing", top);
	st.st_mode &= ~(mode_t)S_IWOTH;
	ck_assert_int_eq(root_perms_check(&st, p, &v), -1);
	ck_assert_int_eq(errno, ESTALE);
}
END_TEST

/* Lines as the kernel writes them, including an escaped newline. */
static const char maps[] =
	"55d0c6a00000-55d0c6a02000 r--p 00000000 fe:01 1311 /usr/bin/cat\n"
	"55d0c6a02000-55d0c6a07000 r-xp 00002000 fe:01 1311 /usr/bin/cat\n"
	"55d0c6a07000-55d0c6a0a000 r-xp 00007000 fe:01 1311 /usr/bin/cat\n"
	"7f1e0a000000-7f1e0a100000 rw-p 00000000 00:00 0 \n"
	"7f1e0a200000-7f1e0a300000 r-xp 00000000 fe:01 2001                       /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f1e0a400000-7f1e0a401000 r-xp 00000000 00:05 77 /memfd:x (deleted)\n"
	"7f1e0a500000-7f1e0a501000 r-xp 00000000 fe:01 3003 /tmp/a\\012b c\n"
	"7ffd5a9c1000-7ffd5a9c3000 r-xp 00000000 00:00 0                          [vdso]\n"
	"garbage line\n"
	"7f1e0a600000-7f1e0a601000 r-xp 00000000 fe:01 4004 /opt/no-newline";

/*
 * A container's names are its own: /ww/lib.so inside a root at top/r
 * is top/r/ww/lib.so, and an absolute link in there ("/lib" -> "/ww")
 * leads to its /ww, never the host's.  Its 0777 /ww is what is judged.
 */
START_TEST(names_in_a_container_root)
{
	struct perm_verdict v;
	struct perm_facts f;
	struct stat st;
	char p[256];
	int root;

	mk("r", 0755, 1, 0);
	mk("r/ww", 0777, 1, 0);
	mk("r/ww/lib.so", 0644, 0, 0);
	snprintf(p, sizeof(p), "%s/r/lib", top);
	ck_assert_int_eq(symlink("/ww", p), 0);
	snprintf(p, sizeof(p), "%s/r/ww/lib.so", top);
	ck_assert_int_eq(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/r", top);
	root = open(p, O_PATH | O_DIRECTORY);
	ck_assert_int_ge(root, 0);
	/* through the link: the same file, found inside the root */
	ck_assert_int_eq(perms_gather(&st, root, "/lib/lib.so", &f), 0);
	ck_assert_int_eq(f.dirs_err, 0);
	ck_assert_int_eq(perms_gather(&st, root, "/ww/lib.so", &f), 0);
	ck_assert_uint_eq(f.ndirs, 2);
	ck_assert_uint_eq(f.dirs[0].mode & 07777, 0777);
	ck_assert_int_eq(root_perms_judge(&f, "/ww/lib.so", 0, &v), 0);
	ck_assert_int_eq(v.insecure, 1);
	ck_assert_str_eq(v.directory, "/ww");
	/* vigild's own root has no /ww: not this file, not judged */
	ck_assert_int_eq(perms_gather(&st, -1, "/ww/lib.so", &f), 0);
	ck_assert_int_eq(f.dirs_err, ESTALE);
	close(root);
}
END_TEST

START_TEST(parse_maps)
{
	FILE *f = fmemopen((void *)maps, sizeof(maps) - 1, "r");
	struct proc_info pi;

	memset(&pi, 0, sizeof(pi));
	ck_assert_int_eq(proc_parse_maps(f, &pi), 0);
	fclose(f);
	ck_assert_uint_eq(pi.nmaps, 5);
	ck_assert_str_eq(pi.maps[0].path, "/usr/bin/cat");
	ck_assert_uint_eq(pi.maps[0].ino, 1311);
	ck_assert_uint_eq(major(pi.maps[0].dev), 0xfe);
	ck_assert_uint_eq(minor(pi.maps[0].dev), 1);
	ck_assert_str_eq(pi.maps[1].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	ck_assert_str_eq(pi.maps[2].path, "/memfd:x (deleted)");
	ck_assert_str_eq(pi.maps[3].path, "/tmp/a\nb c");
	ck_assert_str_eq(pi.maps[4].path, "/opt/no-newline");
	ck_assert_uint_eq(pi.maps[0].start, 0x55d0c6a02000UL);
	ck_assert_uint_eq(pi.maps[0].end, 0x55d0c6a07000UL);
	ck_assert(!pi.maps[0].resolved);
	proc_info_clear(&pi);
}
END_TEST

/* Map file PROT_EXEC in this process; returns the address. */
static void *map_exec(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0755);
	void *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	ck_assert(p != MAP_FAILED);
	close(fd);
	return p;
}

static const struct proc_map *find_map(const struct proc_info *pi,
				       const void *addr)
{
	size_t i;

	for (i = 0; i < pi->nmaps; i++)
		if (pi->maps[i].start == (unsigned long)addr)
			return &pi->maps[i];
	return NULL;
}

/*
 * Names a user chooses to hide a file (issue 8): a directory called
 * " (deleted)" and one with a literal backslash-012 are told apart from
 * a really deleted file and a real newline, and what is opened is what
 * is mapped.
 */
START_TEST(resolve_hostile_names)
{
	char d1[256], d2[256], d3[256], f1[300], f2[300], f3[300], f4[300];
	const struct proc_map *m;
	void *a1, *a2, *a3, *a4;
	struct proc_info pi;
	struct stat st;
	int fd;

	if (geteuid() != 0)
		return;	/* map_files needs CAP_CHECKPOINT_RESTORE */
	snprintf(d1, sizeof(d1), "%s/x (deleted)", top);
	snprintf(d2, sizeof(d2), "%s/a\\012b", top);
	snprintf(d3, sizeof(d3), "%s/nl\nx", top);
	ck_assert_int_eq(mkdir(d1, 0777), 0);
	ck_assert_int_eq(mkdir(d2, 0777), 0);
	ck_assert_int_eq(mkdir(d3, 0777), 0);
	snprintf(f1, sizeof(f1), "%s/lib (deleted)", d1);
	snprintf(f2, sizeof(f2), "%s/lib", d2);
	snprintf(f3, sizeof(f3), "%s/lib", d3);
	snprintf(f4, sizeof(f4), "%s/gone", top);
	a1 = map_exec(f1);
	a2 = map_exec(f2);
	a3 = map_exec(f3);
	a4 = map_exec(f4);
	ck_assert_int_eq(unlink(f4), 0);

	memset(&pi, 0, sizeof(pi));
	ck_assert_int_eq(proc_read_pid(getpid(), &pi), 0);
	m = find_map(&pi, a1);
	ck_assert_ptr_nonnull(m);
	ck_assert(m->resolved && !m->deleted);
	ck_assert_str_eq(m->path, f1);
	m = find_map(&pi, a2);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->path, f2);	/* not a newline */
	ck_assert(!m->deleted);
	m = find_map(&pi, a3);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->path, f3);	/* a real newline */
	m = find_map(&pi, a4);
	ck_assert_ptr_nonnull(m);
	ck_assert(m->deleted);
	ck_assert_str_eq(m->path, f4);
	/* The deleted file is still judged: it is opened by its mapping. */
	fd = proc_map_open(getpid(), m, &st);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(st.st_nlink, 0);
	close(fd);
	proc_info_clear(&pi);
	munmap(a1, 4096);
	munmap(a2, 4096);
	munmap(a3, 4096);
	munmap(a4, 4096);
}
END_TEST

/* Without a range, a name is opened only if it is the mapped inode. */
START_TEST(open_by_name_checks_inode)
{
	struct proc_map m = { .path = "/bin/true" };
	struct stat st, real;
	int fd;

	ck_assert_int_eq(stat("/bin/true", &real), 0);
	m.dev = real.st_dev;
	m.ino = real.st_ino;
	fd = proc_map_open(getpid(), &m, &st);
	ck_assert_int_ge(fd, 0);
	close(fd);
	m.ino++;
	ck_assert_int_eq(proc_map_open(getpid(), &m, &st), -1);
	ck_assert_int_eq(errno, ESTALE);
	m.dev = 0;
	m.ino = 0;
	ck_assert_int_eq(proc_map_open(getpid(), &m, &st), -1);
	ck_assert_int_eq(errno, ESTALE);
	m.path = "/dev/null";
	ck_assert_int_eq(stat("/dev/null", &real), 0);
	m.dev = real.st_dev;
	m.ino = real.st_ino;
	ck_assert_int_eq(proc_map_open(getpid(), &m, &st), -1);
	ck_assert_int_eq(errno, ENOEXEC);
}
END_TEST

START_TEST(parse_status_self)
{
	struct proc_info pi;
	int fd = open("/proc/self", O_RDONLY | O_DIRECTORY);

	memset(&pi, 0, sizeof(pi));
	ck_assert_int_eq(proc_read_status(fd, &pi), 0);
	ck_assert_int_eq(pi.ruid, getuid());
	ck_assert_int_eq(pi.euid, geteuid());
	ck_assert_str_eq(pi.comm, "check_root_perm");
	close(fd);
}
END_TEST

static struct proc_info info(pid_t pid, const char *exe, uid_t uid)
{
	struct proc_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.pid = pid;
	pi.ruid = pi.euid = uid;
	snprintf(pi.exe, sizeof(pi.exe), "%s", exe);
	snprintf(pi.comm, sizeof(pi.comm), "c%d", (int)pid);
	return pi;
}

START_TEST(table)
{
	struct proc_table *t = proc_table_new();
	struct proc_info a = info(10, "/bin/a", 0), b = info(4106, "/bin/b", 5);
	const struct proc_entry *e;
	pid_t p;

	/* 10 and 4106 share a bucket. */
	proc_table_scan_begin(t);
	ck_assert_int_eq(proc_table_update(t, &a), 0);
	ck_assert_int_eq(proc_table_update(t, &b), 0);
	ck_assert_uint_eq(proc_table_scan_end(t), 0);
	e = proc_table_get(t, 4106);
	ck_assert_str_eq(e->exe, "/bin/b");
	ck_assert_int_eq(e->euid, 5);
	/* An exec changes the program of a known pid. */
	a = info(10, "/usr/bin/new", 0);
	ck_assert_int_eq(proc_table_update(t, &a), 0);
	ck_assert_str_eq(proc_table_get(t, 10)->exe, "/usr/bin/new");
	ck_assert_uint_eq(proc_table_count(t), 2);
	/* The next scan sees only 10: 4106 is pruned. */
	proc_table_scan_begin(t);
	ck_assert_int_eq(proc_table_update(t, &a), 0);
	ck_assert_uint_eq(proc_table_scan_end(t), 1);
	ck_assert_ptr_null(proc_table_get(t, 4106));
	ck_assert_uint_eq(proc_table_count(t), 1);
	/* Bounded. */
	for (p = 100; p < 100 + PROC_MAX_PIDS - 1; p++) {
		b = info(p, "/x", 1);
		ck_assert_int_eq(proc_table_update(t, &b), 0);
	}
	b = info(1, "/x", 1);
	ck_assert_int_eq(proc_table_update(t, &b), -1);
	ck_assert_int_eq(errno, ENOSPC);
	proc_table_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("root_perms");
	TCase *tc = tcase_create("root_perms");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, identity_and_errors);
	tcase_add_test(tc, names_in_a_container_root);
	tcase_add_test(tc, parse_maps);
	tcase_add_test(tc, resolve_hostile_names);
	tcase_add_test(tc, open_by_name_checks_inode);
	tcase_add_test(tc, parse_status_self);
	tcase_add_test(tc, table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
