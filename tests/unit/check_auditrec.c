// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libaudit.h>

#include "sources/audit.h"
#include "sources/auditevent.h"
#include "sources/auditrec.h"

/* Records as the kernel sends them (netlink payload, no "type=" part). */
static const char syscall_rec[] =
	"audit(1795350374.263:76): arch=c000003e syscall=59 success=yes "
	"exit=0 a0=55ae0ebbd120 a1=55ae0eb83fb0 a2=55ae0eb91ea0 a3=8 items=2 "
	"ppid=16710 pid=16784 auid=4294967295 uid=0 gid=0 euid=0 suid=0 "
	"fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 "
	"comm=\"noprot4\" exe=\"/tmp/ax/noprot4\" subj=unconfined key=\"vigil\"";
/* A name with a space and a newline is hex-encoded by the kernel. */
static const char hex_rec[] =
	"audit(1795350374.300:80): arch=c000003e syscall=59 success=yes "
	"exit=0 ppid=1 pid=42 uid=1000 euid=0 comm=6576696C0A6E616D65 "
	"exe=2F746D702F612062 key=(null)";

START_TEST(header)
{
	struct auditrec_hdr h;
	int off = auditrec_header(syscall_rec, strlen(syscall_rec), &h);

	ck_assert_int_gt(off, 0);
	ck_assert_uint_eq(h.sec, 1795350374);
	ck_assert_uint_eq(h.msec, 263);
	ck_assert_uint_eq(h.serial, 76);
	ck_assert(!strncmp(syscall_rec + off, "arch=", 5));
	ck_assert_int_eq(auditrec_header("audit(1.2:3)", 12, &h), -1);
	ck_assert_int_eq(auditrec_header("audit(1.2:3): x", 9, &h), -1);
	ck_assert_int_eq(auditrec_header("audit(x.2:3): ", 14, &h), -1);
	ck_assert_int_eq(auditrec_header("audit(1.2000:3): ", 17, &h), -1);
	ck_assert_int_eq(auditrec_header("type=SYSCALL", 12, &h), -1);
	ck_assert_int_eq(auditrec_header("audit(99999999999999999999.1:1): ",
					 33, &h), -1);
}
END_TEST

START_TEST(fields)
{
	const char *b = syscall_rec;
	size_t n = strlen(b);
	unsigned long long v;
	char s[64];

	ck_assert_int_eq(auditrec_num(b, n, "syscall", 10, &v), 0);
	ck_assert_uint_eq(v, 59);
	ck_assert_int_eq(auditrec_num(b, n, "arch", 16, &v), 0);
	ck_assert_uint_eq(v, 0xc000003e);
	/* "pid" must not match "ppid", "uid" not "auid"/"suid". */
	ck_assert_int_eq(auditrec_num(b, n, "pid", 10, &v), 0);
	ck_assert_uint_eq(v, 16784);
	ck_assert_int_eq(auditrec_num(b, n, "ppid", 10, &v), 0);
	ck_assert_uint_eq(v, 16710);
	ck_assert_int_eq(auditrec_num(b, n, "uid", 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(auditrec_str(b, n, "exe", s, sizeof(s)), 15);
	ck_assert_str_eq(s, "/tmp/ax/noprot4");
	ck_assert_int_eq(auditrec_str(b, n, "tty", s, sizeof(s)), 6);
	ck_assert_str_eq(s, "(none)");
	ck_assert_int_eq(auditrec_str(b, n, "missing", s, sizeof(s)), -1);
	/* Bounded by len: a field past it does not exist. */
	ck_assert_int_eq(auditrec_str(b, 60, "exe", s, sizeof(s)), -1);
	/* Too small an output buffer is an error, not a cut. */
	ck_assert_int_eq(auditrec_str(b, n, "exe", s, 8), -1);

	b = hex_rec;
	n = strlen(b);
	ck_assert_int_eq(auditrec_str(b, n, "exe", s, sizeof(s)), 8);
	ck_assert_str_eq(s, "/tmp/a b");
	ck_assert_int_eq(auditrec_str(b, n, "comm", s, sizeof(s)), 9);
	ck_assert_str_eq(s, "evil\nname");
	ck_assert_int_eq(auditrec_str(b, n, "key", s, sizeof(s)), 6);
	ck_assert_str_eq(s, "(null)");
}
END_TEST

START_TEST(decode)
{
	char s[16];

	ck_assert_int_eq(auditrec_decode("\"abc", 4, s, sizeof(s)), -1);
	ck_assert_int_eq(auditrec_decode("\"", 1, s, sizeof(s)), -1);
	ck_assert_int_eq(auditrec_decode("ABC", 3, s, sizeof(s)), 3);
	/* Kernel hex is always of even length: odd is a plain word. */
	ck_assert_int_eq(auditrec_decode("414", 3, s, sizeof(s)), 3);
	ck_assert_str_eq(s, "414");
	ck_assert_int_eq(auditrec_decode("4142", 4, s, sizeof(s)), 2);
	ck_assert_str_eq(s, "AB");
	/* An encoded NUL ends the string. */
	ck_assert_int_eq(auditrec_decode("41004243", 8, s, sizeof(s)), 1);
	ck_assert_str_eq(s, "A");
	ck_assert_int_eq(auditrec_decode("\"\"", 2, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "");
}
END_TEST

/* A quote inside a value must not hide the next field. */
START_TEST(quotes)
{
	static const char b[] = "a=\"x y=1\" y=2 msg='op=login res=ok'";
	unsigned long long v;
	char s[32];

	ck_assert_int_eq(auditrec_num(b, strlen(b), "y", 10, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(auditrec_str(b, strlen(b), "a", s, sizeof(s)), 5);
	ck_assert_str_eq(s, "x y=1");
	ck_assert_int_eq(auditrec_str(b, strlen(b), "res", s, sizeof(s)), -1);
}
END_TEST

START_TEST(execve_args)
{
	static const char r1[] =
		"argc=4 a0=\"/usr/bin/ftp\" a1=2D6E20 a2_len=10 "
		"a2[0]=3132333435";
	static const char r2[] = "a2[1]=3637383930 a3=\"last\"";
	struct auditrec_argv a;

	auditrec_argv_init(&a);
	auditrec_argv_add(&a, r1, strlen(r1));
	auditrec_argv_add(&a, r2, strlen(r2));
	ck_assert_int_eq(a.argc, 4);
	ck_assert_int_eq(a.n, 4);
	ck_assert_str_eq(sbuf_str(&a.args[0]), "/usr/bin/ftp");
	ck_assert_str_eq(sbuf_str(&a.args[1]), "-n ");
	ck_assert_str_eq(sbuf_str(&a.args[2]), "1234567890");
	ck_assert_str_eq(sbuf_str(&a.args[3]), "last");
	ck_assert(!a.truncated && !a.malformed);
	auditrec_argv_free(&a);
}
END_TEST

START_TEST(execve_bounds)
{
	struct auditrec_argv a;
	struct sbuf rec;
	int i;

	/* More arguments than kept, and one longer than kept. */
	sbuf_init(&rec);
	sbuf_printf(&rec, "argc=%d", AUDITREC_MAX_ARGS + 10);
	for (i = 0; i < AUDITREC_MAX_ARGS + 10; i++)
		sbuf_printf(&rec, " a%d=\"x\"", i);
	auditrec_argv_init(&a);
	auditrec_argv_add(&a, sbuf_str(&rec), rec.len);
	ck_assert_int_eq(a.n, AUDITREC_MAX_ARGS);
	ck_assert(a.truncated);
	auditrec_argv_free(&a);

	sbuf_reset(&rec);
	sbuf_adds(&rec, "argc=1 a0_len=10000");
	for (i = 0; i < 5; i++) {
		int k;

		sbuf_printf(&rec, " a0[%d]=", i);
		for (k = 0; k < 1000; k++)
			sbuf_adds(&rec, "41");
	}
	auditrec_argv_init(&a);
	auditrec_argv_add(&a, sbuf_str(&rec), rec.len);
	ck_assert_uint_eq(a.args[0].len, AUDITREC_MAX_ARG);
	ck_assert(a.truncated);
	auditrec_argv_free(&a);
	sbuf_free(&rec);
}
END_TEST

/* Hostile input: every prefix of every record parses without harm. */
/*
 * An EXECVE token with an unterminated quote, ending exactly at a page
 * followed by an inaccessible one: once read one byte past its end.
 */
START_TEST(unterminated_quote_at_end)
{
	static const char *const bodies[] = {
		"argc=2 a0=\"sh a1=",
		"argc=1 a0=\"",
		"a0=\"x\" a1=\"yy",
		"\"",
	};
	long pg = sysconf(_SC_PAGESIZE);
	struct auditrec_argv a;
	const char *v;
	size_t i, vlen;
	char *map;

	map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(map != MAP_FAILED);
	ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		size_t len = strlen(bodies[i]);
		char *body = map + pg - len;

		memcpy(body, bodies[i], len);
		auditrec_argv_init(&a);
		auditrec_argv_add(&a, body, len);
		auditrec_argv_free(&a);
		auditrec_raw(body, len, "a1", &v, &vlen);
	}
	munmap(map, (size_t)pg * 2);
}
END_TEST

START_TEST(prefixes)
{
	static const char *const recs[] = { syscall_rec, hex_rec };
	unsigned long long v;
	struct auditrec_argv a;
	size_t r, len;
	char s[64];

	for (r = 0; r < 2; r++) {
		for (len = 0; len <= strlen(recs[r]); len++) {
			char *copy = malloc(len ? len : 1);

			memcpy(copy, recs[r], len);
			auditrec_str(copy, len, "exe", s, sizeof(s));
			auditrec_num(copy, len, "pid", 10, &v);
			auditrec_argv_init(&a);
			auditrec_argv_add(&a, copy, len);
			auditrec_argv_free(&a);
			free(copy);
		}
	}
}
END_TEST

/* SOCKADDR records: what connect() and sendto() were given. */
START_TEST(sockaddr)
{
	struct net_addr a, want;
	uint16_t port;
	char buf[NET_ADDR_STRLEN];
	const char *v4 = "saddr=020000507F0000010000000000000000";
	const char *v6 = "saddr=0A000050000000000000000000000000000000000000000100000000";
	const char *mapped = "saddr=0A001F900000000000000000000000000000FFFFC000020900000000";
	const char *unix_ = "saddr=01002F746D702F736F636B";
	const char *bad[] = {
		"saddr=0200005", "saddr=0200", "saddr=0A00005000000000",
		"saddr=02000050ZZ000001", "nosaddr=020000507F000001", "",
	};
	size_t i;

	ck_assert_int_eq(auditrec_sockaddr(v4, strlen(v4), &a, &port), 0);
	ck_assert_uint_eq(port, 80);
	ck_assert_str_eq(net_addr_str(&a, buf, sizeof(buf)), "127.0.0.1");
	ck_assert_int_eq(auditrec_sockaddr(v6, strlen(v6), &a, &port), 0);
	ck_assert_str_eq(net_addr_str(&a, buf, sizeof(buf)), "::1");
	ck_assert_int_eq(auditrec_sockaddr(mapped, strlen(mapped), &a, &port),
			 0);
	ck_assert_uint_eq(port, 8080);
	ck_assert_int_eq(net_addr_parse("192.0.2.9", &want), 0);
	ck_assert(net_addr_eq(&a, &want));
	ck_assert_int_eq(auditrec_sockaddr(unix_, strlen(unix_), &a, &port),
			 -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(auditrec_sockaddr(bad[i], strlen(bad[i]), &a,
						   &port), -1);
	/* bounded by the length given, not the string */
	ck_assert_int_eq(auditrec_sockaddr(v4, 10, &a, &port), -1);
}
END_TEST

/* The one-pass tokens give auditrec_raw's answer, field by field. */
static void same_tokens(const char *body, const char *const *names, size_t n)
{
	struct auditrec_tokens t;
	size_t i;

	auditrec_tokenize(body, strlen(body), &t);
	for (i = 0; i < n; i++) {
		const char *v1 = NULL, *v2 = NULL;
		size_t l1 = 0, l2 = 0;
		int r1 = auditrec_raw(body, strlen(body), names[i], &v1, &l1);
		int r2 = auditrec_tok_raw(&t, names[i], &v2, &l2);

		ck_assert_int_eq(r1, r2);
		if (!r1) {
			ck_assert_ptr_eq(v1, v2);
			ck_assert_uint_eq(l1, l2);
		}
	}
}

START_TEST(tokens)
{
	static const char *const names[] = {
		"arch", "syscall", "success", "exit", "a0", "a2", "pid",
		"uid", "euid", "exe", "comm", "key", "a", "x", "cwd", "dev",
		"inode", "name", "nametype", "",
	};
	const size_t n = sizeof(names) / sizeof(names[0]);
	char big[4096];
	unsigned long long v;
	struct auditrec_tokens t;
	char out[64];
	size_t i, len = 0;

	same_tokens("arch=c000003e syscall=59 success=yes exit=0 a0=55d1 "
		    "a1=55d2 a2=55d3 a3=0 items=2 ppid=1 pid=4242 auid=0 "
		    "uid=0 gid=0 euid=0 comm=\"ls\" "
		    "exe=2F746D702F612062 key=\"vigil\"", names, n);
	/* quotes hide spaces and a fake field; an unterminated one runs on */
	same_tokens("  comm=\"a pid=1\" pid=7 name='x uid=3' uid=9 exe=\"/x",
		    names, n);
	same_tokens("item=0 name=\"/usr/bin/ls\" inode=1234 dev=fe:01 "
		    "mode=0100755 nametype=NORMAL", names, n);
	same_tokens("", names, n);
	same_tokens("=== a= =x a=1 a=2", names, n);
	/* more tokens than are kept: the fallback answers the same */
	for (i = 0; i < AUDITREC_MAX_TOKENS + 10; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"f%zu=%zu ", i, i);
	snprintf(big + len, sizeof(big) - len, "pid=99 exe=\"/bin/true\"");
	same_tokens(big, names, n);
	auditrec_tokenize(big, strlen(big), &t);
	ck_assert(t.overflow);
	ck_assert_int_eq(auditrec_tok_num(&t, "pid", 10, &v), 0);
	ck_assert_uint_eq(v, 99);
	ck_assert_int_eq(auditrec_tok_str(&t, "exe", out, sizeof(out)), 9);
	ck_assert_str_eq(out, "/bin/true");
}
END_TEST

/* Events as auditevent hands them over, for the tests below. */
struct handed {
	unsigned int n, configs;
	struct audit_event last;
	char exe[64];
	uint64_t serials[8];
};

static void on_done(void *data, const struct audit_event *ev)
{
	struct handed *h = data;

	if (h->n < 8)
		h->serials[h->n] = ev->serial;
	h->n++;
	h->last = *ev;
	snprintf(h->exe, sizeof(h->exe), "%s", ev->exe);
	h->last.exe = h->exe;
}

static void on_config(void *data, const char *body, size_t len)
{
	(void)body;
	(void)len;
	((struct handed *)data)->configs++;
}

static void feed(struct auditevent_asm *a, int type, const char *text,
		 uint64_t now)
{
	auditevent_record(a, type, text, strlen(text), now);
}

/*
 * Two connects' records interleaved, as the kernel may send them: each
 * event is handed over once, whole, at its EOE; the same records told
 * again (by the multicast group and the daemon's socket, at a handover)
 * are dropped; an event whose EOE never comes is handed over when old.
 */
START_TEST(events_from_records)
{
	uint64_t records = 0, events = 0, malformed = 0, gaps = 0,
		 incomplete = 0, duplicates = 0;
	struct auditevent_counters c = { &records, &events, &malformed,
					 &gaps, &incomplete, &duplicates };
	struct handed h = { 0 };
	struct auditevent_asm *a = auditevent_new(&c, on_done, on_config, &h);
	const char *sc1 =
		"audit(1.0:100): arch=c000003e syscall=42 success=no "
		"exit=-115 a0=3 a1=7ffd a2=10 pid=700 uid=1000 euid=1000 "
		"comm=\"curl\" exe=\"/usr/bin/curl\" key=\"vigil\"";
	const char *sc2 =
		"audit(1.0:101): arch=c000003e syscall=42 success=yes "
		"exit=0 a0=5 a1=7ffd a2=10 pid=701 uid=0 euid=0 "
		"comm=\"telnet\" exe=\"/usr/bin/telnet.netkit\" key=\"vigil\"";
	const char *sa1 = "audit(1.0:100): saddr=020000507F0000010000000000000000";
	const char *sa2 = "audit(1.0:101): saddr=020000177F0000010000000000000000";

	ck_assert_ptr_nonnull(a);
	feed(a, AUDIT_SYSCALL, sc1, 10);
	feed(a, AUDIT_SYSCALL, sc2, 10);
	feed(a, AUDIT_SOCKADDR, sa2, 10);
	feed(a, AUDIT_PROCTITLE, "audit(1.0:101): proctitle=74656C6E6574", 10);
	feed(a, AUDIT_SOCKADDR, sa1, 10);
	feed(a, AUDIT_EOE, "audit(1.0:101): ", 10);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.last.serial, 101);
	ck_assert(h.last.have_syscall && h.last.success && h.last.have_saddr);
	ck_assert_str_eq(h.last.syscall, "connect");
	ck_assert_str_eq(h.exe, "/usr/bin/telnet.netkit");
	ck_assert_uint_eq(h.last.sport, 23);
	ck_assert_int_eq(h.last.pid, 701);
	ck_assert_uint_eq(h.last.a0, 5);
	feed(a, AUDIT_EOE, "audit(1.0:100): ", 11);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_uint_eq(h.last.serial, 100);
	ck_assert(!h.last.success && h.last.have_saddr);
	ck_assert_uint_eq(h.last.sport, 80);
	ck_assert_uint_eq(h.last.uid, 1000);
	/* 101 told again, whole: nothing more */
	feed(a, AUDIT_SYSCALL, sc2, 12);
	feed(a, AUDIT_SOCKADDR, sa2, 12);
	feed(a, AUDIT_EOE, "audit(1.0:101): ", 12);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_uint_eq(duplicates, 3);
	/* no EOE: handed over once old, with what came */
	feed(a, AUDIT_SYSCALL,
	     "audit(1.0:103): arch=c000003e syscall=59 success=yes pid=9 "
	     "uid=0 euid=0 comm=\"sh\" exe=\"/usr/bin/dash\"", 20);
	auditevent_expire(a, 1000, AUDIT_EVENT_TIMEOUT_MS);
	ck_assert_uint_eq(h.n, 2);
	auditevent_expire(a, 20 + AUDIT_EVENT_TIMEOUT_MS + 1,
			  AUDIT_EVENT_TIMEOUT_MS);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(h.last.syscall, "execve");
	ck_assert_str_eq(h.exe, "/usr/bin/dash");
	ck_assert_uint_eq(gaps, 1);	/* 102 never came */
	/* a record without its header is malformed; CONFIG_CHANGE aside */
	feed(a, AUDIT_SYSCALL, "arch=c000003e syscall=59", 30);
	ck_assert_uint_eq(malformed, 1);
	feed(a, AUDIT_CONFIG_CHANGE,
	     "audit(1.0:104): op=set audit_pid=0 old=1 res=1", 30);
	ck_assert_uint_eq(h.configs, 1);
	/* too many open: the oldest is handed over, not lost */
	for (unsigned int i = 0; i < AUDIT_MAX_PENDING + 1; i++) {
		char rec[96];

		snprintf(rec, sizeof(rec), "audit(1.0:%u): saddr=0200",
			 200 + i);
		feed(a, AUDIT_SOCKADDR, rec, 40);
	}
	ck_assert_uint_eq(incomplete, 1);
	ck_assert_uint_eq(h.n, 4);
	ck_assert_uint_eq(h.last.serial, 200);
	auditevent_free(a);	/* the rest, freed without a word */
	ck_assert_uint_eq(h.n, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auditrec");
	TCase *tc = tcase_create("auditrec");

	tcase_add_test(tc, header);
	tcase_add_test(tc, fields);
	tcase_add_test(tc, decode);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, execve_args);
	tcase_add_test(tc, execve_bounds);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, unterminated_quote_at_end);
	tcase_add_test(tc, sockaddr);
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, events_from_records);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
