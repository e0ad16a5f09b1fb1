// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compact dpkg index gives the same answer as the one it replaced
 * (tests/unit/pkg_reference.c) for every path of this machine's dpkg
 * database, canonical or as listed, and for near misses, whether built
 * from the lists or read back from its file; for a made-up database with
 * the awkward cases, before and after dpkg changes it (only the changed
 * lists read); and a damaged or foreign index file is refused.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "sources/pkg.h"

#include "sources/pkgindex.h"
#include "pkg_reference.h"

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

/* Is file mapped into this process? */
static int mapped(const char *file)
{
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, file))
			found = 1;
	fclose(f);
	return found;
}

START_TEST(this_machine)
{
	char dir[] = "/tmp/vigil-pkgc-XXXXXX", cache[64];
	struct pkgdb *db, *again;
	struct ref_pkgdb *ref;

	if (access("/var/lib/dpkg/info", R_OK))
		return;		/* not Debian: nothing to compare */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/pkg-index", dir);
	db = pkgdb_new("/var/lib/dpkg", cache);
	ref = ref_pkgdb_new("/var/lib/dpkg");
	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_nonnull(ref);
	ck_assert_uint_gt(pkgdb_lists_read(db), 100);
	compared = 0;
	compare_all("/var/lib/dpkg", db, ref);
	printf("this machine: %zu distinct paths; %zu lookups, all equal\n",
	       pkgdb_count(db), compared);
	ck_assert_uint_gt(pkgdb_count(db), 1000);
	/* read back from its file, no list read: the same answers */
	again = pkgdb_new("/var/lib/dpkg", cache);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(pkgdb_lists_read(again), 0);
	ck_assert_uint_eq(pkgdb_count(again), pkgdb_count(db));
	compared = 0;
	compare_all("/var/lib/dpkg", again, ref);
	printf("read back: %zu lookups, all equal\n", compared);
	/*
	 * Read a segment at a time, never mapped: a map put the whole file
	 * in vigild's RSS, a large folio per fault.
	 */
	ck_assert_int_eq(mapped(cache), 0);
	pkgdb_free(again);
	pkgdb_free(db);
	ref_pkgdb_free(ref);
	unlink(cache);
	rmdir(dir);
}
END_TEST

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A change dpkg makes: the directory's mtime moves, to a new time. */
static void touch_dir(const char *path)
{
	static time_t when = 1000000000;
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = ++when;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/*
 * A container's owner makes its database's info a link to another
 * (here the host's): it is not followed, and nothing is packaged.
 */
START_TEST(info_link_not_followed)
{
	char dir[] = "/tmp/vigil-pkg-XXXXXX", p[PATH_MAX + 64];
	struct pkgdb *db;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/info", dir);
	ck_assert_int_eq(symlink("/var/lib/dpkg/info", p), 0);
	db = pkgdb_new(dir, NULL);
	ck_assert_ptr_nonnull(db);
	ck_assert_uint_eq(pkgdb_count(db), 0);
	ck_assert_ptr_null(pkgdb_owner(db, "/usr/bin/dpkg"));
	pkgdb_free(db);
	unlink(p);
	rmdir(dir);
}
END_TEST

START_TEST(made_up)
{
	char dir[] = "/tmp/vigil-pkg-XXXXXX", p[PATH_MAX + 64], *big;
	char cache[64];
	struct pkgdb *db, *again;
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
	snprintf(cache, sizeof(cache), "%s/pkg-index", dir);
	db = pkgdb_new(dir, cache);
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
	ck_assert_uint_eq(pkgdb_lists_read(db), 3);
	ref_pkgdb_free(ref);

	/*
	 * dpkg changes it: b's list rewritten (one path gone, one new), a
	 * new package whose name sorts first sharing a's file, empty gone.
	 * Only the two lists are read; the answers are a fresh reading's.
	 */
	snprintf(p, sizeof(p), "%s/info/b:amd64.list", dir);
	snprintf(big, 3 * PATH_MAX, "/usr\n%s/real/b-new\n", dir);
	put(p, big);
	snprintf(p, sizeof(p), "%s/info/0first.list", dir);
	snprintf(big, 3 * PATH_MAX, "%s/real/tool\n/opt/0first\n", dir);
	put(p, big);
	snprintf(p, sizeof(p), "%s/info/empty.list", dir);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/info", dir);
	touch_dir(p);
	ck_assert_int_eq(pkgdb_refresh(db), 0);
	ck_assert_uint_eq(pkgdb_lists_read(db), 2);
	ref = ref_pkgdb_new(dir);
	snprintf(p, sizeof(p), "%s/real/tool", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "0first");
	snprintf(p, sizeof(p), "%s/real/b-only", dir);
	ck_assert_ptr_null(pkgdb_owner(db, p));
	snprintf(p, sizeof(p), "%s/real/b-new", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "b:amd64");
	snprintf(p, sizeof(p), "%s/real/shared", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "a");
	compared = 0;
	compare_all(dir, db, ref);
	ck_assert_uint_gt(compared, 20);
	/* nothing changed: nothing read */
	ck_assert_int_eq(pkgdb_refresh(db), 0);
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	/* a package removed */
	snprintf(p, sizeof(p), "%s/info/0first.list", dir);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/info", dir);
	touch_dir(p);
	ck_assert_int_eq(pkgdb_refresh(db), 0);
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	snprintf(p, sizeof(p), "%s/real/tool", dir);
	ck_assert_str_eq(pkgdb_owner(db, p), "a");
	ck_assert_ptr_null(pkgdb_owner(db, "/opt/0first"));
	ref_pkgdb_free(ref);
	ref = ref_pkgdb_new(dir);
	compared = 0;
	compare_all(dir, db, ref);
	/* what a restart reads: the file written at the last change */
	again = pkgdb_new(dir, cache);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(pkgdb_lists_read(again), 0);
	compared = 0;
	compare_all(dir, again, ref);
	pkgdb_free(again);
	pkgdb_free(db);
	ref_pkgdb_free(ref);
	free(big);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *d;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	d = fileio_read(fd, (size_t)st.st_size, len);
	close(fd);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(*len, (size_t)st.st_size);
	return (unsigned char *)d;
}

static void spill(const char *path, const unsigned char *d, size_t len,
		  mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, d, len), (ssize_t)len);
	fchmod(fd, mode);
	close(fd);
}

/*
 * Whatever the file holds, a start either reads it or reads the lists
 * (it never crashes or hangs), and what it answers is a package name
 * (a sealed file may rename a package: it is vigild's own, checked for
 * being sound, not for being true) or none.
 */
static size_t start_with(const char *dir, const char *cache,
			 const char *probe)
{
	struct pkgdb *db = pkgdb_new(dir, cache);
	const char *o;
	size_t read;

	ck_assert_ptr_nonnull(db);
	read = pkgdb_lists_read(db);
	o = pkgdb_owner(db, probe);
	if (o)
		ck_assert(*o && strlen(o) <= NAME_MAX && !strchr(o, '/'));
	/* damage in the index is found when a lookup first reads it */
	if (pkgdb_lists_read(db) > read)
		read = pkgdb_lists_read(db);
	pkgdb_owner(db, "/");
	pkgdb_owner(db, "/zzz");
	pkgdb_free(db);
	return read;
}

/*
 * A dpkg directory made in dir (a mkdtemp template) whose one package
 * lists n paths, /usr/share/many/file00000 on, indexed into cache (64
 * bytes); the index file's bytes, *len of them.
 */
static unsigned char *many_index(char *dir, char *cache, size_t n,
				 size_t *len)
{
	char p[PATH_MAX];
	struct pkgdb *db;
	size_t i;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/info", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/info/many.list", dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++)
		fprintf(f, "/usr/share/many/file%05zu\n", i);
	fclose(f);
	snprintf(cache, 64, "%s/pkg-index", dir);
	db = pkgdb_new(dir, cache);
	ck_assert_uint_eq(pkgdb_count(db), n);
	pkgdb_free(db);
	return slurp(cache, len);
}

/*
 * An index of many segments, damaged in its last: a start maps it and
 * answers from the sound segments without reading a list; the first
 * lookup that reads the damaged one reads the lists again and answers
 * from them, and the file is written anew.
 */
START_TEST(damaged_late)
{
	char dir[] = "/tmp/vigil-pkgl-XXXXXX", p[PATH_MAX], cache[64];
	struct pkgidx_head h;
	unsigned char *good;
	struct pkgdb *db;
	char *list;
	size_t len;

	good = many_index(dir, cache, 5000, &len);
	memcpy(&h, good, sizeof(h));
	ck_assert_uint_ge(h.nsegs, 4);
	/* a byte of the last segment, near the end of the index */
	good[len - 3] ^= 0x20;
	spill(cache, good, len, 0600);

	db = pkgdb_new(dir, cache);
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file00010"), "many");
	ck_assert_ptr_null(pkgdb_owner(db, "/usr/share/many/file00010x"));
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	list = pkgdb_owner(db, "/usr/share/many/file04998") ? "many" : NULL;
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(pkgdb_lists_read(db), 1);
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file04999"), "many");
	pkgdb_free(db);
	/* written anew: sound again */
	db = pkgdb_new(dir, cache);
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file04999"), "many");
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	pkgdb_free(db);
	free(good);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

/*
 * Damage in a middle segment: a lookup reads only the segments its
 * answer rests on, not each one its search passes through, so paths
 * elsewhere are answered from the index; one inside finds the damage.
 */
START_TEST(damaged_middle)
{
	char dir[] = "/tmp/vigil-pkgm-XXXXXX", p[PATH_MAX], cache[64];
	const char *mark = "/usr/share/many/file02576";
	unsigned char *good, *at;
	struct pkgdb *db;
	size_t len;

	good = many_index(dir, cache, 5000, &len);
	/* a block's first path, whole, in the third of five segments */
	at = memmem(good, len, mark, strlen(mark));
	ck_assert_ptr_nonnull(at);
	at[strlen(mark) - 1] ^= 0x01;
	spill(cache, good, len, 0600);

	db = pkgdb_new(dir, cache);
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file00010"), "many");
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file04999"), "many");
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file01300"), "many");
	ck_assert_ptr_null(pkgdb_owner(db, "/usr/share/many/file0"));
	ck_assert_ptr_null(pkgdb_owner(db, "/usr/zzz"));
	ck_assert_uint_eq(pkgdb_lists_read(db), 0);
	/* inside the damaged segment: found, and the lists answer */
	ck_assert_str_eq(pkgdb_owner(db, "/usr/share/many/file02600"), "many");
	ck_assert_uint_eq(pkgdb_lists_read(db), 1);
	ck_assert_str_eq(pkgdb_owner(db, mark), "many");
	pkgdb_free(db);
	free(good);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(damaged_file)
{
	char dir[] = "/tmp/vigil-pkgd-XXXXXX", p[PATH_MAX], cache[64];
	char probe[PATH_MAX];
	unsigned char *good, *bad;
	struct pkgidx_head h;
	size_t len, i, refused = 0, read;
	struct pkgdb *db;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/info", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/info/a.list", dir);
	put(p, "/.\n/usr\n/usr/bin\n/usr/bin/a\n/usr/share/a/one\n");
	snprintf(p, sizeof(p), "%s/info/b.list", dir);
	put(p, "/.\n/usr\n/usr/bin/b\n/usr/share/b/two\n");
	snprintf(cache, sizeof(cache), "%s/pkg-index", dir);
	snprintf(probe, sizeof(probe), "/usr/bin/a");
	db = pkgdb_new(dir, cache);
	ck_assert_str_eq(pkgdb_owner(db, probe), "a");
	pkgdb_free(db);
	ck_assert_uint_eq(start_with(dir, cache, probe), 0);
	good = slurp(cache, &len);
	ck_assert_uint_gt(len, sizeof(h));
	bad = malloc(len);
	ck_assert_ptr_nonnull(bad);

	/* every byte flipped, checksum left: each one refused */
	for (i = 0; i < len; i++) {
		memcpy(bad, good, len);
		bad[i] ^= 0x41;
		spill(cache, bad, len, 0600);
		ck_assert_msg(start_with(dir, cache, probe) == 2,
			      "byte %zu flipped: read", i);
		/* and the answer comes from the lists read again */
		db = pkgdb_new(dir, cache);
		ck_assert_str_eq(pkgdb_owner(db, probe), "a");
		pkgdb_free(db);
	}
	/* every byte set to 16 values, sealed again: never a crash */
	for (i = 0; i < len; i++) {
		unsigned int v;

		for (v = 0; v < 256; v += 17) {
			memcpy(bad, good, len);
			bad[i] = (unsigned char)v;
			pkgidx_seal(bad, len);
			spill(cache, bad, len, 0600);
			read = start_with(dir, cache, probe);
			refused += read == 2;
		}
	}
	/* every length cut short */
	for (i = 0; i < len; i++) {
		spill(cache, good, i, 0600);
		ck_assert_uint_eq(start_with(dir, cache, probe), 2);
	}
	/* sound, but writable by others, or of another directory */
	spill(cache, good, len, 0666);
	ck_assert_uint_eq(start_with(dir, cache, probe), 2);
	spill(cache, good, len, 0600);
	snprintf(p, sizeof(p), "%s/../%s", dir, strrchr(dir, '/') + 1);
	ck_assert_uint_eq(start_with(p, cache, probe), 2);
	/* a FIFO where the file should be: refused, not waited on */
	unlink(cache);
	ck_assert_int_eq(mkfifo(cache, 0600), 0);
	ck_assert_uint_eq(start_with(dir, cache, probe), 2);
	unlink(cache);
	spill(cache, good, len, 0600);
	ck_assert_uint_eq(start_with(dir, cache, probe), 0);
	printf("damaged index files: %zu byte flips refused; of %zu "
	       "re-sealed changes %zu refused, the rest read safely\n",
	       len, len * 16, refused);
	free(good);
	free(bad);
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
	tcase_add_test(tc, info_link_not_followed);
	tcase_add_test(tc, damaged_file);
	tcase_add_test(tc, damaged_late);
	tcase_add_test(tc, damaged_middle);
	tcase_add_test(tc, this_machine);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
