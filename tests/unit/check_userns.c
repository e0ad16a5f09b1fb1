// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root of a user namespace: the map text (hostile too), and real user
 * namespaces made here, as podman --uidmap makes them.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules/root_perms.h"
#include "sources/userns.h"

START_TEST(map_lookup)
{
	uid_t out = 7;

	ck_assert_int_eq(userns_map_lookup(
		"         0     200000      65536\n", 0, &out), 0);
	ck_assert_uint_eq(out, 200000);
	ck_assert_int_eq(userns_map_lookup(
		"0 1000 1\n1 100000 65536\n", 33, &out), 0);
	ck_assert_uint_eq(out, 100032);
	ck_assert_int_eq(userns_map_lookup(
		"0 0 4294967295\n", 0, &out), 0);
	ck_assert_uint_eq(out, 0);
	/* an empty map (nothing written yet) maps nothing */
	errno = 0;
	ck_assert_int_eq(userns_map_lookup("", 0, &out), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(userns_map_lookup("1 5000 10\n", 0, &out), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* Text no kernel writes is refused whole, never half-used. */
START_TEST(map_hostile)
{
	static const char *const bad[] = {
		"0 200000\n", "0 200000 65536 9\n", "x 1 1\n",
		"0 -1 1\n", "0 4294967296 1\n", "0 1 0\n",
		"0 4294967295 2\n", "4294967295 0 2\n", "0 1 1\n\n",
		"0 1 1\t\n", "0 1 1\n+1 2 3\n",
	};
	char many[341 * 8 + 1] = "";
	uid_t out = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(userns_map_lookup(bad[i], 0, &out) == -1 &&
			      errno == EINVAL, "accepted: %s", bad[i]);
	}
	/* more lines than the kernel allows */
	for (i = 0; i < 341; i++)
		strcat(many, "9 9 1\n");
	errno = 0;
	ck_assert_int_eq(userns_map_lookup(many, 9, &out), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(out, 7);
}
END_TEST

/*
 * A child in a user namespace of its own, whose uid 0 is host uid base
 * (map "0 base count"), then setresuid(inside): what vigild sees.
 * Returns its pid; *sync is written to let it go.
 */
static pid_t child_in_userns(uid_t base, unsigned int count, uid_t inside,
			     int *release)
{
	int ready[2], go[2], done[2];
	char path[64], map[64], c;
	pid_t pid;
	int fd;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		if (setresgid(inside, inside, inside) < 0 ||
		    setresuid(inside, inside, inside) < 0)
			_exit(2);
		if (write(done[1], "d", 1) != 1)
			_exit(1);
		/* until the test is done with it */
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	snprintf(map, sizeof(map), "0 %u %u\n", (unsigned int)base, count);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, map, strlen(map)), (ssize_t)strlen(map));
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, map, strlen(map)), (ssize_t)strlen(map));
	close(fd);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(read(done[0], &c, 1), 1);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	close(go[0]);
	*release = go[1];
	return pid;
}

static void release(pid_t pid, int fd)
{
	int st;

	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

START_TEST(real_namespaces)
{
	ino_t self = userns_self();
	uid_t root = 7;
	int fd;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "real_namespaces: needs root, not run\n");
		return;
	}
	ck_assert_uint_ne(self, 0);
	/* root inside: host uid 300000, named as that namespace's root */
	pid = child_in_userns(300000, 1000, 0, &fd);
	ck_assert(userns_root_of(pid, self, 300000, 300000, &root));
	ck_assert_uint_eq(root, 300000);
	release(pid, fd);
	/* uid 5 inside (host 300005): not root there */
	root = 7;
	pid = child_in_userns(300000, 1000, 5, &fd);
	ck_assert(!userns_root_of(pid, self, 300005, 300005, &root));
	ck_assert_uint_eq(root, 7);
	release(pid, fd);
	/* vigild's own namespace is never "another's root" */
	ck_assert(!userns_root_of(getpid(), self, 300000, 300000, &root));
	/* a pid that is gone */
	ck_assert(!userns_root_of(pid, self, 300000, 300000, &root));
}
END_TEST

/* The rule's side: a namespace's root owns its files; nobody else. */
START_TEST(judged_against_its_root)
{
	struct perm_facts f = { 0 };
	struct perm_verdict v;

	f.file.uid = 200000;
	f.file.gid = 200000;
	f.file.mode = S_IFREG | 0755;
	f.ndirs = 2;
	f.dirs[0] = (struct perm_node){ .uid = 200000, .mode = S_IFDIR | 0755 };
	f.dirs[1] = (struct perm_node){ .uid = 0, .mode = S_IFDIR | 0755 };
	ck_assert_int_eq(root_perms_judge(&f, "/opt/lib.so", 200000, &v), 0);
	ck_assert(!v.insecure);
	/* the same file for host root: a container's root can change it */
	ck_assert_int_eq(root_perms_judge(&f, "/opt/lib.so", 0, &v), 0);
	ck_assert(v.insecure);
	ck_assert_str_eq(v.reason, "file is owned by uid 200000");
	/* another uid of the namespace (33 there) */
	f.file.uid = 200033;
	ck_assert_int_eq(root_perms_judge(&f, "/opt/lib.so", 200000, &v), 0);
	ck_assert(v.insecure);
	f.file.uid = 200000;
	f.dirs[0].uid = 200033;
	ck_assert_int_eq(root_perms_judge(&f, "/opt/lib.so", 200000, &v), 0);
	ck_assert(v.insecure);
	ck_assert_str_eq(v.directory, "/opt");
	/* world-writable is insecure whoever's root it is */
	f.dirs[0].uid = 200000;
	f.file.mode = S_IFREG | 0757;
	ck_assert_int_eq(root_perms_judge(&f, "/opt/lib.so", 200000, &v), 0);
	ck_assert(v.insecure);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userns");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, map_lookup);
	tcase_add_test(tc, map_hostile);
	tcase_add_test(tc, real_namespaces);
	tcase_add_test(tc, judged_against_its_root);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
