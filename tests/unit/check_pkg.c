// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compact dpkg index gives the same answer as the one it replaced
 * (tests/unit/pkg_reference.c) for every path of this machine's dpkg
 * database, canonical or as listed, and for near misses; and for a
 * made-up database with the awkward cases.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/pkg.h"

struct ref_pkgdb;
struct ref_pkgdb *ref_pkgdb_new(const char *dir);
void ref_pkgdb_free(struct ref_pkgdb *db);
const char *ref_pkgdb_owner(struct ref_pkgdb *db, const char *path);

static size_t compared;

static void same(struct pkgdb *db, struct ref_pkgdb *ref, const char *path)
{
	const char *a = pkgdb_owner(db, path), *b = ref_pkgdb_owner(ref, path);

	if (!a || !b)
		ck_assert_msg(a == b, "%s: %s, reference %s", path,
			      a ? a : "none", b ? b : "none");
	else
		ck_assert_msg(!strcmp(a, b), "%s: %s, reference %s", path, a,
			      b);
	compared++;
}

/* path with its directory resolved, as both indexes keep it */
static void canonical(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX], real[PATH_MAX];

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir)) {
		snprintf(out, len, "%s", path);
		return;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (!realpath(dir, real))
		snprintf(real, sizeof(real), "%s", dir);
	snprintf(out, len, "%s%s", strcmp(real, "/") ? real : "", slash);
}

/* Every listed path of every package, and near misses, both ways. */
static void compare_all(const char *dpkg, struct pkgdb *db,
			struct ref_pkgdb *ref)
{
	char info[PATH_MAX], c[PATH_MAX + 8], *line = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(info, sizeof(info), "%s/info", dpkg);
	d = opendir(info);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		ssize_t len;
		FILE *f;

		if (n <= 5 || strcmp(de->d_name + n - 5, ".list"))
			continue;
		snprintf(c, sizeof(c), "%s/%s", info, de->d_name);
		f = fopen(c, "re");
		if (!f)
			continue;
		while ((len = getline(&line, &cap, f)) > 0) {
			if (line[len - 1] == '\n')
				line[--len] = '\0';
			if (len >= PATH_MAX)
				continue;
			same(db, ref, line);
			canonical(line, c, PATH_MAX);
			same(db, ref, c);
			strcat(c, "~");
			same(db, ref, c);
			if (len > 1) {
				line[len - 1] = '\0';
				same(db, ref, line);
			}
		}
		fclose(f);
	}
	free(line);
	closedir(d);
	same(db, ref, "/");
	same(db, ref, "");
	same(db, ref, "/nonexistent/vigil");
	same(db, ref, "\x7f\xff");
}

START_TEST(this_machine)
{
	struct pkgdb *db;
	struct ref_pkgdb *ref;

	if (access("/var/lib/dpkg/info", R_OK))
		return;		/* not Debian: nothing to compare */
	db = pkgdb_new("/var/lib/dpkg");
	ref = ref_pkgdb_new("/var/lib/dpkg");
	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_nonnull(ref);
	compared = 0;
	compare_all("/var/lib/dpkg", db, ref);
	printf("this machine: %zu distinct paths; %zu lookups, all equal\n",
	       pkgdb_count(db), compared);
	ck_assert_uint_gt(pkgdb_count(db), 1000);
	pkgdb_free(db);
	ref_pkgdb_free(ref);
}
END_TEST

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(made_up)
{
	char dir[] = "/tmp/vigil-pkg-XXXXXX", p[PATH_MAX + 64], *big;
	struct pkgdb *db;
	struct ref_pkgdb *ref;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/info", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/real", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/link", dir);
	ck_assert_int_eq(symlink("real", p), 0);
	/* a listed twice, through a symlinked directory and not */
	snprintf(p, sizeof(p), "%s/info/a.list", dir);
	big = malloc(3 * PATH_MAX);
	ck_assert_ptr_nonnull(big);
	snprintf(big, 3 * PATH_MAX,
		 "/.\n%s/link/tool\n%s/real/shared\nno-slash\n\n/%0*d\n/usr\n",
		 dir, dir, PATH_MAX + 10, 7);
	put(p, big);
	snprintf(p, sizeof(p), "%s/info/b:amd64.list", dir);
	snprintf(big, 3 * PATH_MAX, "/usr\n%s/link/shared\n%s/real/b-only\n",
		 dir, dir);
	put(p, big);
	snprintf(p, sizeof(p), "%s/info/empty.list", dir);
	put(p, "");
	snprintf(p, sizeof(p), "%s/info/notes.txt", dir);
	put(p, "/etc/passwd\n");
	db = pkgdb_new(dir);
	ref = ref_pkgdb_new(dir);
	ck_assert_ptr_nonnull(db);
	snprintf(p, sizeof(p), "%s/real/tool", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "a");
	snprintf(p, sizeof(p), "%s/real/b-only", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "b:amd64");
	ck_assert_ptr_null(pkgdb_owner(db, "/etc/passwd"));
	ck_assert_ptr_null(pkgdb_owner(db, "no-slash"));
	compared = 0;
	compare_all(dir, db, ref);
	ck_assert_uint_gt(compared, 20);
	pkgdb_free(db);
	ref_pkgdb_free(ref);
	free(big);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pkg");
	TCase *tc = tcase_create("pkg");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, made_up);
	tcase_add_test(tc, this_machine);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
