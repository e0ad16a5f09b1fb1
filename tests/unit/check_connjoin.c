// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The join of connect() audit records with conntrack flows: the cases
 * that decide whether a one-shot client is named right, and never
 * named wrong when two programs reach one server at once.
 */
#include "build.h"

#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include "unit.h"

#include "sources/connjoin.h"

static struct connect_event conn(pid_t pid, const char *exe, const char *dst,
				 uint16_t port, bool is_connect)
{
	struct connect_event ev = {
		.pid = pid, .uid = 1000, .exe = exe, .comm = "c",
		.dport = port, .fd = 3, .is_connect = is_connect,
	};

	ck_assert_int_eq(net_addr_parse(dst, &ev.dst), 0);
	return ev;
}

static struct flow_event flow(uint8_t proto, const char *dst, uint16_t port)
{
	struct flow_event fe;

	memset(&fe, 0, sizeof(fe));
	fe.kind = FLOW_NEW;
	fe.proto = proto;
	ck_assert_int_eq(net_addr_parse("192.0.2.1", &fe.src), 0);
	ck_assert_int_eq(net_addr_parse(dst, &fe.dst), 0);
	fe.sport = 40000;
	fe.dport = port;
	return fe;
}

static bool all_matter(const char *exe, const char *comm, void *data)
{
	(void)exe;
	(void)comm;
	(void)data;
	return true;
}

static bool none_matter(const char *exe, const char *comm, void *data)
{
	(void)exe;
	(void)comm;
	(void)data;
	return false;
}

static enum conn_join_result match(struct conn_join *j,
				   const struct flow_event *fe,
				   uint32_t inode, uint64_t arrived,
				   uint64_t now, struct sock_owner *out,
				   bool *needs)
{
	struct conn_sock cs = { inode, (uid_t)-1 };

	memset(out, 0, sizeof(*out));
	return conn_join_match(j, fe, inode ? &cs : NULL, false, arrived, now,
			       all_matter, NULL, out, needs);
}

/* The record alone: after it settles, its program; used up once. */
START_TEST(single_connect)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(10, "/usr/bin/curl", "198.51.100.7",
				       80, true);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	ck_assert_int_eq(conn_join_add(j, &ev, 0, 1000), 0);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1000, &o, &needs),
			 CONNJOIN_WAIT);
	ck_assert(needs);	/* whose socket it is would tell */
	ck_assert_int_eq(match(j, &fe, 0, 1000,
			       1000 + CONNJOIN_SETTLE_MS, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/curl");
	ck_assert_int_eq(o.pid, 10);
	/* used up: a second flow is not its */
	ck_assert_int_eq(match(j, &fe, 0, 1000, 2000, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/*
 * The names as they reach the flow: a command name cut to its 16
 * bytes, a path of PATH_MAX - 1 bytes whole, a longer one cut; each
 * ended, never run over.
 */
START_TEST(names_cut_to_fit)
{
	static char exe[PATH_MAX + 8];
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(10, exe, "198.51.100.7", 80, true);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	size_t len;
	bool needs;

	for (len = PATH_MAX - 1; len <= PATH_MAX + 1; len++) {
		memset(exe, 0, sizeof(exe));
		exe[0] = '/';
		memset(exe + 1, 'x', len - 1);
		ev.comm = "a-command-name-longer-than-sixteen";
		ck_assert_int_eq(conn_join_add(j, &ev, 0, 1000), 0);
		memset(&o, 0x55, sizeof(o));
		ck_assert_int_eq(match(j, &fe, 0, 1000,
				       1000 + CONNJOIN_SETTLE_MS, &o, &needs),
				 CONNJOIN_FOUND);
		ck_assert_str_eq(o.comm, "a-command-name-l");
		ck_assert_uint_eq(strlen(o.exe), PATH_MAX - 1);
		ck_assert(!memcmp(o.exe, exe, PATH_MAX - 1));
	}
	conn_join_free(j);
}
END_TEST

/* Another destination or port, or too old: no match. */
START_TEST(other_destination)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(10, "/usr/bin/curl", "198.51.100.7",
				       80, true);
	struct flow_event f1 = flow(IPPROTO_TCP, "198.51.100.8", 80);
	struct flow_event f2 = flow(IPPROTO_TCP, "198.51.100.7", 81);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &ev, 0, 1000);
	ck_assert_int_eq(match(j, &f1, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_NONE);
	ck_assert_int_eq(match(j, &f2, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_NONE);
	f1 = flow(IPPROTO_TCP, "198.51.100.7", 80);
	ck_assert_int_eq(match(j, &f1, 0, 1000 + CONNJOIN_KEEP_MS + 1,
			       1000 + CONNJOIN_KEEP_MS + 1, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/* A v4-mapped destination is the v4 flow conntrack shows. */
START_TEST(v4_mapped)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(10, "/usr/bin/python3.11",
				       "192.0.2.9", 8080, true);
	struct flow_event fe = flow(IPPROTO_TCP, "192.0.2.9", 8080);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &ev, 0, 1000);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_FOUND);
	conn_join_free(j);
}
END_TEST

/*
 * curl's record came, wget's flow came first: the inodes differ, so
 * curl's record is not wget's flow, whatever the order.
 */
START_TEST(inode_rules_out)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event curl = conn(10, "/usr/bin/curl", "198.51.100.7",
					 80, true);
	struct connect_event wget = conn(11, "/usr/bin/wget", "198.51.100.7",
					 80, true);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &curl, 500, 1000);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1000, &o, &needs),
			 CONNJOIN_WAIT);
	ck_assert(needs);	/* the flow's socket would decide */
	ck_assert_int_eq(match(j, &fe, 501, 1000, 1100, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_add(j, &wget, 501, 1005);
	ck_assert_int_eq(match(j, &fe, 501, 1000, 1005, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/wget");
	/* curl's record is still there for curl's flow */
	ck_assert_int_eq(match(j, &fe, 500, 1000, 1010, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/curl");
	conn_join_free(j);
}
END_TEST

/* What the processes of the test below hold: pid 10 fd 3 and pid 11 fd 3. */
static unsigned int lookups;

static uint32_t held_socket(pid_t pid, int fd)
{
	lookups++;
	if (fd != 3)
		return 0;
	return pid == 10 ? 500 : pid == 11 ? 501 : 0;
}

/*
 * Intents noted without their inode (the tracepoints run: most are
 * TCP, whose own intents come whole) have their socket looked at once
 * a flow could be theirs, and then decide as if it had been known.
 */
START_TEST(inode_looked_at_by_need)
{
	struct conn_join *j = conn_join_new(held_socket);
	struct connect_event curl = conn(10, "/usr/bin/curl", "198.51.100.7",
					 53, true);
	struct connect_event dig = conn(11, "/usr/bin/dig", "198.51.100.7",
					53, true);
	struct connect_event send = conn(12, "/usr/bin/nc", "198.51.100.7",
					 53, false);
	struct flow_event fe = flow(IPPROTO_UDP, "198.51.100.7", 53);
	struct sock_owner o;
	bool needs;

	lookups = 0;
	conn_join_add(j, &curl, 0, 1000);
	conn_join_add(j, &dig, 0, 1001);
	conn_join_add(j, &send, 0, 1002);
	ck_assert_uint_eq(lookups, 0);
	/* the flow's socket not known yet: nothing looked at */
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1000, &o, &needs),
			 CONNJOIN_WAIT);
	ck_assert_uint_eq(lookups, 0);
	/* dig's socket, newest first: the send has no fd to look at */
	ck_assert_int_eq(match(j, &fe, 501, 1000, 1003, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/dig");
	ck_assert_uint_eq(lookups, 1);
	/* curl's: dig's is used up, curl's looked at now */
	ck_assert_int_eq(match(j, &fe, 500, 1000, 1004, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/curl");
	ck_assert_uint_eq(lookups, 2);
	/*
	 * Another socket: only curl's new intent is looked at (and ruled
	 * out); the send, with no socket to tell, still waits to settle.
	 */
	conn_join_add(j, &curl, 0, 1005);
	ck_assert_int_eq(match(j, &fe, 777, 1000, 1006, &o, &needs),
			 CONNJOIN_WAIT);
	ck_assert_uint_eq(lookups, 3);
	conn_join_free(j);
}
END_TEST

/* Two programs, nothing to tell them apart: no name, never a wrong one. */
START_TEST(ambiguous)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event curl = conn(10, "/usr/bin/curl", "198.51.100.7",
					 80, true);
	struct connect_event wget = conn(11, "/usr/bin/wget", "198.51.100.7",
					 80, true);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &curl, 0, 1000);
	conn_join_add(j, &wget, 0, 1001);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_AMBIGUOUS);
	/* the same program twice is no ambiguity: its name is right */
	conn_join_free(j);
	j = conn_join_new(NULL);
	wget.exe = "/usr/bin/curl";
	conn_join_add(j, &curl, 0, 1000);
	conn_join_add(j, &wget, 0, 1001);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_int_eq(o.pid, 10);	/* the oldest first */
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_int_eq(o.pid, 11);
	conn_join_free(j);
}
END_TEST

/* When no rule cares about the name, the oldest is taken at once. */
START_TEST(irrelevant_at_once)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event a = conn(10, "/usr/bin/a", "198.51.100.7", 9000,
				      true);
	struct connect_event b = conn(11, "/usr/bin/b", "198.51.100.7", 9000,
				      true);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 9000);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &a, 0, 1000);
	conn_join_add(j, &b, 0, 1000);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, false, 1000, 1000, none_matter,
					 NULL, &o, &needs), CONNJOIN_FOUND);
	conn_join_free(j);
}
END_TEST

/*
 * UDP: an addressed send explains every flow of its socket and repeats
 * only refresh it; it never explains a TCP flow.
 */
START_TEST(udp_sends)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(20, "/usr/bin/tftp", "198.51.100.7",
				       69, false);
	struct flow_event fu = flow(IPPROTO_UDP, "198.51.100.7", 69);
	struct flow_event ft = flow(IPPROTO_TCP, "198.51.100.7", 69);
	struct sock_owner o;
	bool needs;
	int i;

	for (i = 0; i < 100; i++)
		conn_join_add(j, &ev, 0, 1000 + (uint64_t)i);
	ck_assert_uint_eq(conn_join_count(j), 1);
	ck_assert_int_eq(match(j, &fu, 0, 1000, 1200, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/tftp");
	ck_assert_int_eq(match(j, &fu, 0, 1000, 1200, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_int_eq(match(j, &ft, 0, 1000, 1200, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/* A full ring forgets its oldest, and frees what it held. */
START_TEST(ring_bounded)
{
	struct conn_join *j = conn_join_new(NULL);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;
	int i;

	for (i = 0; i < CONNJOIN_MAX + 10; i++) {
		struct connect_event ev = conn(100 + i, "/usr/bin/curl",
					       i == 0 ? "198.51.100.7" :
							"198.51.100.8",
					       80, true);

		ck_assert_int_eq(conn_join_add(j, &ev, 0, 1000), 0);
	}
	ck_assert_uint_eq(conn_join_count(j), CONNJOIN_MAX);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/* A tracepoint's connect: its whole tuple, TCP, source 192.0.2.1. */
static struct connect_event exact(pid_t pid, const char *exe, uint16_t sport)
{
	struct connect_event ev = conn(pid, exe, "198.51.100.7", 80, true);

	ck_assert_int_eq(net_addr_parse("192.0.2.1", &ev.src), 0);
	ev.sport = sport;
	ev.proto = IPPROTO_TCP;
	ev.fd = -1;
	return ev;
}

/*
 * The whole tuple decides at once, among many programs reaching the
 * same server, and only for its own flow; it is used up.
 */
START_TEST(exact_tuple)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event a = exact(10, "/usr/bin/curl", 40000);
	struct connect_event b = exact(11, "/usr/bin/wget", 40001);
	struct flow_event fa = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct flow_event fb = fa, fc = fa;
	struct sock_owner o;
	bool needs;

	fb.sport = 40001;
	fc.sport = 40002;
	conn_join_add(j, &b, 0, 1000);
	conn_join_add(j, &a, 0, 1000);
	/* no settling: the tuple is certain */
	ck_assert_int_eq(match(j, &fb, 0, 1000, 1000, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/wget");
	ck_assert_int_eq(match(j, &fa, 0, 1000, 1000, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/curl");
	ck_assert_int_eq(o.pid, 10);
	/* a third flow has no tuple of its own: nothing explains it */
	ck_assert_int_eq(match(j, &fc, 0, 1000, 2000, &o, &needs),
			 CONNJOIN_NONE);
	/* used up */
	ck_assert_int_eq(match(j, &fa, 0, 1000, 2000, &o, &needs),
			 CONNJOIN_NONE);
	ck_assert_uint_eq(conn_join_count(j), 0);
	conn_join_free(j);
}
END_TEST

/* A TCP connect never explains a UDP flow to the same place. */
START_TEST(exact_protocol)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event a = exact(10, "/usr/bin/telnet", 40000);
	struct flow_event fe = flow(IPPROTO_UDP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	conn_join_add(j, &a, 0, 1000);
	ck_assert_int_eq(match(j, &fe, 0, 1000, 2000, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/*
 * One connect() told by both sources: the tracepoint's intent drops
 * the audit record already kept.  A record that comes after its twin
 * stays, but names no TCP flow while the tracepoints tell them whole.
 */
START_TEST(exact_drops_audit_twin)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event audit = conn(10, "/usr/bin/curl",
					  "198.51.100.7", 80, true);
	struct connect_event tp = exact(10, "/usr/bin/curl", 40000);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	/* audit first, then the tracepoint */
	conn_join_add(j, &audit, 0, 1000);
	conn_join_add(j, &tp, 0, 1001);
	ck_assert_uint_eq(conn_join_count(j), 1);
	/* tracepoint first, then audit */
	conn_join_add(j, &audit, 0, 1002);
	ck_assert_int_eq(match(j, &fe, 0, 1002, 1002, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/curl");
	fe.sport = 40001;
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1002, 2000,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/*
 * A UDP send's route lookup: its tuple but for the source address,
 * which routing had not chosen.  Its audit record (a destination, no
 * tuple) comes before or after it and must not swallow it; every send
 * of the socket repeats it, and it is kept once.
 */
START_TEST(udp_route_tuple)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event audit = conn(20, "/usr/bin/snmpget",
					  "198.51.100.7", 161, false);
	struct connect_event tp = conn(20, "/usr/bin/snmpget",
				       "198.51.100.7", 161, false);
	struct connect_event other = conn(21, "/usr/bin/python3",
					  "198.51.100.7", 161, false);
	struct flow_event fe = flow(IPPROTO_UDP, "198.51.100.7", 161);
	struct flow_event fo = fe;
	struct sock_owner o;
	bool needs;
	int i;

	ck_assert_int_eq(net_addr_parse("0.0.0.0", &tp.src), 0);
	tp.sport = 40000;
	tp.proto = IPPROTO_UDP;
	tp.fd = -1;
	other.src = tp.src;
	other.sport = 40001;
	other.proto = IPPROTO_UDP;
	fo.sport = 40001;
	conn_join_add(j, &audit, 0, 1000);
	for (i = 0; i < 50; i++)
		conn_join_add(j, &tp, 0, 1000 + (uint64_t)i);
	conn_join_add(j, &other, 0, 1001);
	conn_join_add(j, &audit, 0, 1002);
	/* the audit record once, the send once, the other program once */
	ck_assert_uint_eq(conn_join_count(j), 3);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1002, 1002,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/snmpget");
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fo, NULL, true, 1002, 1002,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/python3");
	/*
	 * A port used again: a local user's socket looked its route up
	 * and closed, snmpget's then got the same port.  Its own lookup,
	 * the newest, names the flow.
	 */
	other.sport = 40000;
	conn_join_add(j, &other, 0, 1004);
	conn_join_add(j, &tp, 0, 1005);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1005, 1005,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/snmpget");
	/* a source address chosen and different: another socket's flow */
	ck_assert_int_eq(net_addr_parse("192.0.2.9", &tp.src), 0);
	tp.sport = fe.sport = 40002;
	conn_join_add(j, &tp, 0, 1006);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1006, 1006,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

/*
 * One client making thousands of connections to one server, its
 * intents ahead of conntrack: each flow still finds its own, the
 * oldest as well as the newest.
 */
START_TEST(exact_storm_one_server)
{
	struct conn_join *j = conn_join_new(NULL);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct connect_event ev;
	struct sock_owner o;
	bool needs;
	int i;

	for (i = 0; i < 1500; i++) {
		ev = exact(10, "/usr/bin/curl", (uint16_t)(30000 + i));
		conn_join_add(j, &ev, 0, 1000);
	}
	for (i = 0; i < 1500; i++) {
		fe.sport = (uint16_t)(30000 + i);
		memset(&o, 0, sizeof(o));
		ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1000, 1001,
						 all_matter, NULL, &o,
						 &needs), CONNJOIN_FOUND);
		ck_assert_str_eq(o.exe, "/usr/bin/curl");
	}
	ck_assert_uint_eq(conn_join_count(j), 0);
	conn_join_free(j);
}
END_TEST

/*
 * nobody's UDP connect() that sends nothing, and root's snmp query to
 * the same server whose record comes late: the flow's socket is root's,
 * so nobody's record never names it, however long it waits.
 */
START_TEST(other_uid_never_names)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event phantom = conn(99, "/tmp/evil", "198.51.100.7",
					    161, true);
	struct connect_event root = conn(1, "/usr/bin/snmpget",
					 "198.51.100.7", 161, false);
	struct flow_event fe = flow(IPPROTO_UDP, "198.51.100.7", 161);
	struct conn_sock cs = { 4242, 0 };
	struct sock_owner o;
	bool needs;

	phantom.uid = 65534;
	phantom.fd = -1;
	conn_join_add(j, &phantom, 0, 1000);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, false, 1000, 1000,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_WAIT);
	ck_assert(needs);
	ck_assert_int_eq(conn_join_match(j, &fe, &cs, false, 1000, 2000,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_NONE);
	/* root's record, late, without its socket: its uid is the flow's */
	root.uid = 0;
	conn_join_add(j, &root, 0, 2100);
	ck_assert_int_eq(conn_join_match(j, &fe, &cs, false, 1000, 2200,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/snmpget");
	conn_join_free(j);
}
END_TEST

/*
 * While the tracepoints tell every TCP connect whole, a record with a
 * destination only (a local user's connect() that sends nothing) never
 * names a TCP flow, however long it waits.
 */
START_TEST(tuple_only_ignores_phantoms)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event phantom = conn(99, "/tmp/evil", "198.51.100.7",
					    80, true);
	struct connect_event root = exact(1, "/usr/bin/telnet", 40000);
	struct flow_event fe = flow(IPPROTO_TCP, "198.51.100.7", 80);
	struct sock_owner o;
	bool needs;

	phantom.uid = 65534;
	conn_join_add(j, &phantom, 0, 1000);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1000, 1500,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_NONE);
	conn_join_add(j, &root, 0, 1500);
	ck_assert_int_eq(conn_join_match(j, &fe, NULL, true, 1000, 1500,
					 all_matter, NULL, &o, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(o.exe, "/usr/bin/telnet");
	ck_assert_int_eq(o.pid, 1);
	conn_join_free(j);
}
END_TEST

/*
 * One tuple in two network namespaces (a container's 127.0.0.1 and the
 * host's, or two containers on same-numbered networks): a connect seen
 * in one never names the flow of the other; one whose namespace is not
 * known (an audit record) still may.
 */
START_TEST(other_namespace)
{
	struct conn_join *j = conn_join_new(NULL);
	struct connect_event ev = conn(10, "/usr/bin/telnet", "127.0.0.1",
				       23, true);
	struct flow_event fe = flow(IPPROTO_TCP, "127.0.0.1", 23);
	struct sock_owner out;
	bool needs;

	ck_assert_ptr_nonnull(j);
	/* the whole tuple, from a container's namespace */
	ck_assert_int_eq(net_addr_parse("192.0.2.1", &ev.src), 0);
	ev.sport = fe.sport;
	ev.netns = 4026532173ULL;
	ck_assert_int_eq(conn_join_add(j, &ev, 0, 1000), 0);
	/* the host's flow with that tuple: not its */
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1100, &out, &needs),
			 CONNJOIN_NONE);
	/* the container's flow: its, at once */
	fe.netns = 4026532173ULL;
	ck_assert_int_eq(match(j, &fe, 0, 1000, 1001, &out, &needs),
			 CONNJOIN_FOUND);
	ck_assert_str_eq(out.exe, "/usr/bin/telnet");
	/* destination only, namespace unknown (audit): explains either */
	ev = conn(11, "/usr/bin/ftp", "127.0.0.1", 21, true);
	ev.netns = NETNS_UNKNOWN;
	ck_assert_int_eq(conn_join_add(j, &ev, 0, 2000), 0);
	fe = flow(IPPROTO_TCP, "127.0.0.1", 21);
	ck_assert_int_eq(match(j, &fe, 0, 2000, 2000 + CONNJOIN_SETTLE_MS,
			       &out, &needs), CONNJOIN_FOUND);
	ck_assert_str_eq(out.exe, "/usr/bin/ftp");
	/* destination only, another namespace: never the host's flow */
	ev = conn(12, "/usr/bin/ftp", "127.0.0.1", 21, true);
	ev.netns = 4026532173ULL;
	ck_assert_int_eq(conn_join_add(j, &ev, 0, 3000), 0);
	ck_assert_int_eq(match(j, &fe, 0, 3000, 3000 + CONNJOIN_SETTLE_MS,
			       &out, &needs), CONNJOIN_NONE);
	conn_join_free(j);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("connjoin");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, single_connect);
	tcase_add_test(tc, names_cut_to_fit);
	tcase_add_test(tc, other_namespace);
	tcase_add_test(tc, other_destination);
	tcase_add_test(tc, v4_mapped);
	tcase_add_test(tc, inode_rules_out);
	tcase_add_test(tc, inode_looked_at_by_need);
	tcase_add_test(tc, ambiguous);
	tcase_add_test(tc, irrelevant_at_once);
	tcase_add_test(tc, udp_sends);
	tcase_add_test(tc, ring_bounded);
	tcase_add_test(tc, exact_tuple);
	tcase_add_test(tc, exact_protocol);
	tcase_add_test(tc, exact_drops_audit_twin);
	tcase_add_test(tc, udp_route_tuple);
	tcase_add_test(tc, exact_storm_one_server);
	tcase_add_test(tc, other_uid_never_names);
	tcase_add_test(tc, tuple_only_ignores_phantoms);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
