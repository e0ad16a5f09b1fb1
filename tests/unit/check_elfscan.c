// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/elfscan.h"
#include "lib/fileio.h"

static char *orig;
static size_t orig_len;
static char tmp[] = "/tmp/vigil-elf-XXXXXX";

static void load(void)
{
	int fd = open("/bin/true", O_RDONLY);
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	orig_len = (size_t)st.st_size;
	orig = malloc(orig_len);
	ck_assert_int_eq(read(fd, orig, orig_len), (ssize_t)orig_len);
	close(fd);
}

static int analyze(const char *buf, size_t len, struct elf_verdict *v)
{
	int fd = mkstemp(tmp), r;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	r = elf_analyze_fd(fd, v);
	close(fd);
	unlink(tmp);
	strcpy(tmp + strlen(tmp) - 6, "XXXXXX");
	return r;
}

/* Every verdict is one of the defined values, reasons are strings. */
static void sane(const struct elf_verdict *v)
{
	ck_assert(v->dep <= ELF_NO && v->stack_cookies <= ELF_NO);
	ck_assert(v->pie <= PIE_DSO && v->relro <= RELRO_FULL);
	ck_assert(memchr(v->dep_reason, 0, sizeof(v->dep_reason)));
	ck_assert(memchr(v->cookie_reason, 0, sizeof(v->cookie_reason)));
}

START_TEST(whole)
{
	struct elf_verdict v;

	load();
	ck_assert_int_eq(analyze(orig, orig_len, &v), 0);
	ck_assert_int_eq(v.dep, ELF_YES);
	ck_assert_int_eq(v.stack_cookies, ELF_YES);
	free(orig);
}
END_TEST

START_TEST(truncations)
{
	struct elf_verdict v;
	size_t len;

	load();
	for (len = 0; len < orig_len; len += len < 4096 ? 7 : 509) {
		if (analyze(orig, len, &v) == 0)
			sane(&v);
		else
			ck_assert_int_eq(errno, ENOEXEC);
		/* Cut inside the headers: nothing may pass as "yes". */
		if (len < 64 + 13 * 56 && len >= 64)
			ck_assert_int_ne(v.dep, ELF_YES);
	}
	free(orig);
}
END_TEST

START_TEST(corruptions)
{
	struct elf_verdict v;
	unsigned int seed = 12345;
	char *buf;
	int i, k;

	load();
	buf = malloc(orig_len);
	for (i = 0; i < 400; i++) {
		memcpy(buf, orig, orig_len);
		/* Hit the headers most: that is where lengths live. */
		for (k = 0; k < 8; k++) {
			size_t at = (size_t)rand_r(&seed) %
				    (k < 6 ? 1024 : orig_len);
			buf[at] = (char)rand_r(&seed);
		}
		if (analyze(buf, orig_len, &v) == 0)
			sane(&v);
	}
	free(buf);
	free(orig);
}
END_TEST

START_TEST(not_elf)
{
	struct elf_verdict v;

	ck_assert_int_eq(analyze("#!/bin/sh\n", 10, &v), -1);
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_int_eq(elf_analyze_path("/nonexistent", &v), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(elf_analyze_path("/etc/hostname", &v), -1);
	ck_assert_int_eq(errno, ENOEXEC);
}
END_TEST

START_TEST(cache)
{
	struct elf_cache *c = elf_cache_new(16, 1 << 20);
	const struct elf_verdict *v;
	struct stat st;
	int err, fd = open("/bin/true", O_RDONLY), nfd;

	ck_assert_int_ge(fd, 0);
	v = elf_cache_get_fd(c, fd, elf_judge_inprocess, NULL, &err);
	ck_assert_ptr_nonnull(v);
	v = elf_cache_get_fd(c, fd, elf_judge_inprocess, NULL, &err);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(elf_cache_hits(c), 1);
	ck_assert_uint_eq(elf_cache_misses(c), 1);
	close(fd);
	/* Errors are verdicts too: not ELF, cached as ENOEXEC. */
	nfd = fileio_open_regular("/etc/hostname", &st);
	ck_assert_int_ge(nfd, 0);
	ck_assert_ptr_null(elf_cache_get_fd(c, nfd, elf_judge_inprocess, NULL,
					    &err));
	ck_assert_int_eq(err, ENOEXEC);
	close(nfd);
	elf_cache_free(c);
}
END_TEST

/*
 * A verdict comes back from the cache exactly as judged, its entry
 * takes its texts' length (not 4.4 KB), and the byte bound holds: what
 * does not fit is judged again, never kept.
 */
START_TEST(cache_compact_and_bounded)
{
	static const char *const files[] = {
		"/bin/true", "/bin/ls", "/usr/bin/env",
	};
	struct elf_cache *c = elf_cache_new(64, 1 << 20), *tiny;
	struct elf_verdict want;
	const struct elf_verdict *got;
	size_t i;
	int err, fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fd = open(files[i], O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(elf_analyze_fd(fd, &want), 0);
		elf_cache_get_fd(c, fd, elf_judge_inprocess, NULL, &err);
		got = elf_cache_get_fd(c, fd, elf_judge_inprocess, NULL, &err);
		ck_assert_ptr_nonnull(got);
		ck_assert_mem_eq(got, &want, sizeof(want));
		close(fd);
	}
	ck_assert_uint_eq(elf_cache_hits(c), 3);
	ck_assert_uint_lt(elf_cache_bytes(c), 3 * 512);
	elf_cache_free(c);
	tiny = elf_cache_new(64, 100);
	fd = open("/bin/true", O_RDONLY);
	ck_assert_ptr_nonnull(elf_cache_get_fd(tiny, fd, elf_judge_inprocess,
					       NULL, &err));
	ck_assert_ptr_nonnull(elf_cache_get_fd(tiny, fd, elf_judge_inprocess,
					       NULL, &err));
	ck_assert_uint_eq(elf_cache_hits(tiny), 0);
	ck_assert_uint_eq(elf_cache_bytes(tiny), 0);
	close(fd);
	elf_cache_free(tiny);
}
END_TEST

/*
 * The e_shoff wrap (issue 8): a runnable ELF whose section header
 * offset is 2^64-64 with e_shnum 0.  Once SIGSEGV in vigild.
 */
START_TEST(shoff_wrap)
{
	/* Large enough that a file-sized buffer would be mmap'd by malloc. */
	size_t len = 256 * 1024;
	uint64_t off = (uint64_t)0 - 64;
	struct elf_verdict v;
	char *buf = calloc(1, len);

	load();
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, orig, orig_len < len ? orig_len : len);
	memcpy(buf + 0x28, &off, 8);
	memset(buf + 0x3c, 0, 2);
	ck_assert_int_eq(analyze(buf, len, &v), 0);
	sane(&v);
	ck_assert_int_eq(v.stack_cookies, ELF_UNKNOWN);
	free(buf);
	free(orig);
}
END_TEST

/* ELF64 files of 52 to 63 bytes: once read past their buffer. */
START_TEST(short_elf64)
{
	struct elf_verdict v;
	size_t len;

	load();
	for (len = 16; len < 64; len++)
		if (analyze(orig, len, &v) == 0)
			sane(&v);
	free(orig);
}
END_TEST

/* A FIFO or a device is never opened, not even to look. */
START_TEST(not_regular)
{
	char fifo[] = "/tmp/vigil-fifo-XXXXXX";
	struct elf_verdict v;
	struct stat st;
	int fd = mkstemp(fifo);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* Opening a FIFO for reading would block here without O_PATH. */
	ck_assert_int_eq(fileio_open_regular(fifo, &st), -1);
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_int_eq(elf_analyze_path(fifo, &v), -1);
	unlink(fifo);
	ck_assert_int_eq(fileio_open_regular("/dev/null", &st), -1);
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_int_eq(fileio_open_regular("/tmp", &st), -1);
	ck_assert_int_eq(errno, EISDIR);
}
END_TEST

/*
 * Every name vigil judges by is found (the table stays sorted and the
 * first-byte test lets each through); names near them are not.
 */
START_TEST(symbol_classes)
{
	static const char *const cookies[] = {
		"__stack_chk_fail", "__stack_chk_guard",
		"__stack_chk_fail_local", "__intel_security_cookie",
	};
	static const char *const writers[] = {
		"memcpy", "memmove", "strcpy", "strncpy", "strcat", "strncat",
		"sprintf", "snprintf", "vsprintf", "vsnprintf", "gets",
		"fgets", "read", "pread", "recv", "recvfrom", "fread", "scanf",
		"sscanf", "fscanf", "getline", "realpath", "__memcpy_chk",
		"__strcpy_chk", "__sprintf_chk", "__snprintf_chk",
		"__read_chk", "__fgets_chk", "stpcpy", "wcscpy", "memset",
	};
	static const char *const none[] = {
		"", "m", "mem", "memcpyx", "Memcpy", "_memcpy", "_Z6memcpyPv",
		"__stack_chk_fai", "__stack_chk_fail_locals", "runtime.mainx",
		"__intel_security_cookie_and_more_than_that", "main", "printf",
		"\xff\xfe", "read\xff",
	};
	size_t i;

	for (i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++)
		ck_assert_msg(elf_sym_class(cookies[i]) == ELF_SYM_COOKIE,
			      "%s", cookies[i]);
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		ck_assert_msg(elf_sym_class(writers[i]) == ELF_SYM_WRITER,
			      "%s", writers[i]);
	ck_assert(elf_sym_class("runtime.main") == ELF_SYM_GO);
	ck_assert(elf_sym_class("runtime.morestack") == ELF_SYM_GO);
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ck_assert_msg(elf_sym_class(none[i]) == ELF_SYM_NONE,
			      "%s", none[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elfscan");
	TCase *tc = tcase_create("elfscan");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, whole);
	tcase_add_test(tc, truncations);
	tcase_add_test(tc, corruptions);
	tcase_add_test(tc, not_elf);
	tcase_add_test(tc, cache);
	tcase_add_test(tc, cache_compact_and_bounded);
	tcase_add_test(tc, shoff_wrap);
	tcase_add_test(tc, short_elf64);
	tcase_add_test(tc, not_regular);
	tcase_add_test(tc, symbol_classes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
