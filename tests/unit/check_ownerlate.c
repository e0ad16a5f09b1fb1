// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flows given up on and published as "unknown", named later only by a
 * record that is certain: the whole tuple (a UDP send's may lack its
 * source address), or the socket's inode known on both sides.  A
 * record that names only the destination never does: another program
 * may have reached the same server since.
 */
#include "build.h"

#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include "unit.h"

#include "sources/ownerlate.h"

static struct flow_event flow(uint8_t proto, uint16_t sport)
{
	struct flow_event fe;

	memset(&fe, 0, sizeof(fe));
	fe.kind = FLOW_NEW;
	fe.proto = proto;
	ck_assert_int_eq(net_addr_parse("192.0.2.1", &fe.src), 0);
	ck_assert_int_eq(net_addr_parse("198.51.100.7", &fe.dst), 0);
	fe.sport = sport;
	fe.dport = 23;
	return fe;
}

static struct connect_event record(uint16_t sport, const char *src)
{
	struct connect_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.pid = 10;
	ev.exe = "/usr/bin/telnet.netkit";
	ev.comm = "telnet";
	ev.proto = IPPROTO_TCP;
	ev.netns = NETNS_UNKNOWN;
	ev.fd = -1;
	ck_assert_int_eq(net_addr_parse("198.51.100.7", &ev.dst), 0);
	if (src)
		ck_assert_int_eq(net_addr_parse(src, &ev.src), 0);
	ev.sport = sport;
	ev.dport = 23;
	return ev;
}

START_TEST(tuple_names_once)
{
	struct owner_late *l = owner_late_new();
	struct flow_event a = flow(IPPROTO_TCP, 40000), b = a, out;
	struct connect_event ev = record(40001, "192.0.2.1");

	b.sport = 40001;
	owner_late_gave_up(l, &a, 0, 1000);
	owner_late_gave_up(l, &b, 0, 1000);
	ck_assert(owner_late_named(l, &ev, 0, 2000, &out));
	ck_assert_uint_eq(out.sport, 40001);
	/* once */
	ck_assert(!owner_late_named(l, &ev, 0, 2000, &out));
	/* another protocol, another namespace, another source: no */
	ev = record(40000, "192.0.2.1");
	ev.proto = IPPROTO_UDP;
	ck_assert(!owner_late_named(l, &ev, 0, 2000, &out));
	ev.proto = IPPROTO_TCP;
	ev.netns = 4026532173u;
	ck_assert(!owner_late_named(l, &ev, 0, 2000, &out));
	ev.netns = 0;
	ck_assert_int_eq(net_addr_parse("192.0.2.99", &ev.src), 0);
	ck_assert(!owner_late_named(l, &ev, 0, 2000, &out));
	/* a source not chosen yet (a UDP send's): the port tells */
	ck_assert_int_eq(net_addr_parse("0.0.0.0", &ev.src), 0);
	ck_assert(owner_late_named(l, &ev, 0, 2000, &out));
	ck_assert_uint_eq(out.sport, 40000);
	owner_late_free(l);
}
END_TEST

START_TEST(destination_alone_never)
{
	struct owner_late *l = owner_late_new();
	struct flow_event a = flow(IPPROTO_TCP, 40000), out;
	struct connect_event ev = record(0, NULL);

	owner_late_gave_up(l, &a, 0, 1000);
	ck_assert(!owner_late_named(l, &ev, 0, 1500, &out));
	/* the record's socket known, the flow's not: still no */
	ck_assert(!owner_late_named(l, &ev, 77, 1500, &out));
	owner_late_gave_up(l, &a, 77, 1600);
	ck_assert(!owner_late_named(l, &ev, 78, 1700, &out));
	ck_assert(owner_late_named(l, &ev, 77, 1700, &out));
	owner_late_free(l);
}
END_TEST

START_TEST(unnamed_and_old_records_never)
{
	struct owner_late *l = owner_late_new();
	struct flow_event a = flow(IPPROTO_TCP, 40000), out;
	struct connect_event ev = record(40000, "192.0.2.1");
	size_t i;

	owner_late_gave_up(l, &a, 0, 1000);
	ev.exe = NULL;
	ck_assert(!owner_late_named(l, &ev, 0, 1100, &out));
	ev.exe = "/usr/bin/telnet.netkit";
	ck_assert(!owner_late_named(l, &ev, 0, 1000 + OWNERLATE_MS + 1,
				    &out));
	/* the oldest gives way to newer ones */
	owner_late_gave_up(l, &a, 0, 20000);
	for (i = 0; i < OWNERLATE_MAX; i++) {
		struct flow_event o = flow(IPPROTO_TCP, (uint16_t)(50000 + i));

		owner_late_gave_up(l, &o, 0, 20000);
	}
	ck_assert(!owner_late_named(l, &ev, 0, 20001, &out));
	owner_late_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ownerlate");
	TCase *tc = tcase_create("ownerlate");

	tcase_add_test(tc, tuple_names_once);
	tcase_add_test(tc, destination_alone_never);
	tcase_add_test(tc, unnamed_and_old_records_never);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
