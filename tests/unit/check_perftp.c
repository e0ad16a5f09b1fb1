// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tracepoint records: a __data_loc string is taken only when it lies
 * whole within its record and ends in its NUL; field offsets are read
 * from the kernel's own format files (where tracefs can be read).
 */
#include "build.h"

#include <check.h>
#include <stdint.h>
#include <string.h>
#include "unit.h"

#include "lib/perftp.h"

/* A record of size bytes whose __data_loc at 8 says (start, len). */
static void put_loc(uint8_t *raw, uint32_t start, uint32_t len)
{
	uint32_t loc = start | len << 16;

	memcpy(raw + 8, &loc, 4);
}

START_TEST(data_loc_bounds)
{
	uint8_t raw[64];
	const char *s;
	size_t len;

	memset(raw, 'x', sizeof(raw));
	memcpy(raw + 16, "/usr/bin/curl", 14);
	put_loc(raw, 16, 14);
	s = perftp_data_loc(raw, sizeof(raw), 8, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "/usr/bin/curl");
	ck_assert_uint_eq(len, 13);
	/* past the record's end, by start or by length */
	put_loc(raw, 60, 14);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	put_loc(raw, 16, 60);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	put_loc(raw, 0xffff, 0xffff);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	/* no NUL where the string should end */
	put_loc(raw, 16, 5);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	/* empty, and a locator itself outside the record */
	put_loc(raw, 16, 0);
	ck_assert_ptr_null(perftp_data_loc(raw, sizeof(raw), 8, &len));
	ck_assert_ptr_null(perftp_data_loc(raw, 10, 8, &len));
}
END_TEST

/* The fields vigild reads, as this kernel lays them out. */
START_TEST(fields_of_this_kernel)
{
	size_t size;
	int off;

	if (!perftp_tracefs())
		return;	/* not root, or no tracefs: nothing to compare */
	off = perftp_field("sock/inet_sock_set_state", "skaddr", &size);
	if (off < 0)
		return;	/* a kernel without the tracepoint */
	ck_assert_int_eq(off, 8);
	ck_assert_uint_eq(size, 8);
	off = perftp_field("sock/inet_sock_set_state", "saddr_v6", &size);
	ck_assert_int_gt(off, 8);
	ck_assert_uint_eq(size, 16);
	/* saddr is not saddr_v6, nor daddr's tail */
	off = perftp_field("sock/inet_sock_set_state", "saddr", &size);
	ck_assert_int_gt(off, 8);
	ck_assert_uint_eq(size, 4);
	ck_assert_int_lt(perftp_field("sock/inet_sock_set_state", "addr",
				      &size), 0);
	ck_assert_int_lt(perftp_field("../../../etc", "passwd", &size), 0);
	off = perftp_field("sched/sched_process_exec", "filename", &size);
	ck_assert_int_ge(off, 8);
	ck_assert_uint_eq(size, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perftp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, data_loc_bounds);
	tcase_add_test(tc, fields_of_this_kernel);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
