// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Alpine's package database as a container's owner may write it:
 * real records, and hostile ones (a path with "..", a line longer than
 * the bound, a record with no package, a FIFO, a link out of the
 * root, a file too big).  Nothing of them may own a path.
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

#include "sources/apkdb.h"

static char root[64];

static void write_db(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/lib/apk/db/installed", root);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int root_fd(void)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void setup(void)
{
	char path[128];

	snprintf(root, sizeof(root), "/tmp/check-apkdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/lib", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/lib/apk", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/lib/apk/db", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* As apk writes it (two records of an Alpine 3.19 image, cut short). */
static const char real_db[] =
	"C:Q1eVpkPfYz6JxZk8YqMlr2+F3ZbFI=\n"
	"P:busybox\n"
	"V:1.36.1-r15\n"
	"A:x86_64\n"
	"S:510279\n"
	"T:Size optimized toolbox of many common UNIX utilities\n"
	"F:bin\n"
	"R:busybox\n"
	"a:0:0:755\n"
	"Z:Q1WnAhvTT0kbaZQ6WPbvpUAHqAAHE=\n"
	"F:etc\n"
	"R:securetty\n"
	"\n"
	"C:Q1yFqeKtfm9DXVSWwkF2T5mx4vTqk=\n"
	"P:curl\n"
	"V:8.5.0-r0\n"
	"F:usr/bin\n"
	"R:curl\n"
	"F:\n"
	"R:.rootfile\n"
	"\n"
	"P:other\n"
	"F:bin\n"
	"R:busybox\n";

START_TEST(real_records)
{
	int fd = root_fd();
	struct apkdb *db;

	write_db(real_db);
	db = apkdb_load(fd);
	ck_assert_ptr_nonnull(db);
	ck_assert_str_eq(apkdb_owner(db, "/bin/busybox"), "busybox");
	ck_assert_str_eq(apkdb_owner(db, "/etc/securetty"), "busybox");
	ck_assert_str_eq(apkdb_owner(db, "/usr/bin/curl"), "curl");
	ck_assert_str_eq(apkdb_owner(db, "/.rootfile"), "curl");
	ck_assert_ptr_null(apkdb_owner(db, "/usr/bin/wget"));
	ck_assert_ptr_null(apkdb_owner(db, "bin/busybox"));
	/* the first package that lists a path owns it */
	ck_assert_uint_eq(apkdb_count(db), 4);
	apkdb_free(db);
	close(fd);
}
END_TEST

START_TEST(hostile_records)
{
	char *text = malloc(3 * APKDB_MAX_LINE + 512), *p;
	int fd = root_fd();
	struct apkdb *db;

	ck_assert_ptr_nonnull(text);
	p = text;
	/* no package yet: owns nothing */
	p += sprintf(p, "F:usr/bin\nR:orphan\n\n");
	/* "..", ".", empty components, a / in a file name */
	p += sprintf(p, "P:evil\nF:usr/../etc\nR:shadow\nF:usr//bin\nR:a\n"
		     "F:./bin\nR:b\nF:bin\nR:../c\nR:d/e\nR:..\nR:ok\n\n");
	/* a line longer than the bound, as the F: of a record */
	p += sprintf(p, "P:long\nF:");
	memset(p, 'x', 2 * APKDB_MAX_LINE);
	p += 2 * APKDB_MAX_LINE;
	p += sprintf(p, "\nR:after-long\nF:sbin\nR:fine\n\n");
	/* a record with a bad name: its files own nothing */
	p += sprintf(p, "P:../x\nF:bin\nR:bad-name\n");
	write_db(text);
	db = apkdb_load(fd);
	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_null(apkdb_owner(db, "/usr/bin/orphan"));
	ck_assert_ptr_null(apkdb_owner(db, "/etc/shadow"));
	ck_assert_ptr_null(apkdb_owner(db, "/usr/bin/a"));
	ck_assert_ptr_null(apkdb_owner(db, "/bin/b"));
	ck_assert_ptr_null(apkdb_owner(db, "/c"));
	ck_assert_ptr_null(apkdb_owner(db, "/bin/d/e"));
	ck_assert_str_eq(apkdb_owner(db, "/bin/ok"), "evil");
	ck_assert_ptr_null(apkdb_owner(db, "/after-long"));
	ck_assert_str_eq(apkdb_owner(db, "/sbin/fine"), "long");
	ck_assert_ptr_null(apkdb_owner(db, "/bin/bad-name"));
	ck_assert_uint_eq(apkdb_count(db), 2);
	apkdb_free(db);
	free(text);
	close(fd);
}
END_TEST

START_TEST(not_a_database)
{
	char path[128], target[128];
	int fd = root_fd();

	/* none */
	ck_assert_ptr_null(apkdb_load(fd));
	ck_assert_int_eq(errno, ENOENT);
	/* a FIFO, which would block a reader */
	snprintf(path, sizeof(path), "%s/lib/apk/db/installed", root);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_ptr_null(apkdb_load(fd));
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
	/* a link to vigild's own files: resolved in the root, or refused */
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_ptr_null(apkdb_load(fd));
	unlink(path);
	/* a directory link out of the root stays inside it */
	snprintf(path, sizeof(path), "%s/lib/apk/db", root);
	ck_assert_int_eq(rename(path, strcat(strcpy(target, path), ".d")), 0);
	ck_assert_int_eq(symlink("/var/lib/dpkg", path), 0);
	ck_assert_ptr_null(apkdb_load(fd));
	ck_assert_int_eq(errno, ENOENT);
	unlink(path);
	ck_assert_int_eq(rename(target, path), 0);
	/* too big */
	snprintf(path, sizeof(path), "%s/lib/apk/db/installed", root);
	ck_assert_int_eq(truncate(path, 0) == 0 || errno == ENOENT, 1);
	write_db("P:x\n");
	ck_assert_int_eq(truncate(path, APKDB_MAX_BYTES + 1), 0);
	ck_assert_ptr_null(apkdb_load(fd));
	ck_assert_int_eq(errno, EFBIG);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("apkdb");
	TCase *tc = tcase_create("apkdb");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, real_records);
	tcase_add_test(tc, hostile_records);
	tcase_add_test(tc, not_a_database);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
