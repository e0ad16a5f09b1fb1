// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What vigil-collect reads from the network and from its file, from the
 * side of a sender who does not play by the rules: RELP frames and
 * syslog frames cut anywhere, lengths that lie or overflow, headers
 * with their fields missing or a structured data that hides a "]";
 * certificate names that only look like a fleet host's; a config file
 * with a bad line, an unknown setting, a FIFO in its place.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collconf.h"
#include "collect/frame.h"
#include "collect/relp.h"

START_TEST(relp_frames)
{
	static const char s[] = "7 syslog 5 hello\n8 close 0\n";
	struct relp_frame f;
	ssize_t r;
	size_t i;

	r = relp_frame_next(s, strlen(s), 100, &f);
	ck_assert_int_eq(r, 17);
	ck_assert_uint_eq(f.txnr, 7);
	ck_assert_str_eq(f.cmd, "syslog");
	ck_assert_uint_eq(f.datalen, 5);
	ck_assert(!memcmp(f.data, "hello", 5));
	r = relp_frame_next(s + 17, strlen(s) - 17, 100, &f);
	ck_assert_int_eq(r, 10);
	ck_assert_str_eq(f.cmd, "close");
	ck_assert_uint_eq(f.datalen, 0);
	/* every cut before the end asks for more, never reads past it */
	for (i = 0; i < 17; i++)
		ck_assert_int_eq(relp_frame_next(s, i, 100, &f), 0);
	/* lies and overflows */
	ck_assert_int_eq(relp_frame_next("7 syslog 5 hellox", 17, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next("7 syslog 500 x", 14, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next("1234567890 open 0\n", 18, 100, &f),
			 -1);
	ck_assert_int_eq(relp_frame_next("7 syslog 9999999999 x", 21, 1 << 30,
					 &f), -1);
	ck_assert_int_eq(relp_frame_next("7 sys-log 1 x\n", 14, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next("7  syslog 1 x\n", 14, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next("x syslog 1 x\n", 13, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next("7 close 0x", 10, 100, &f), -1);
	ck_assert_int_eq(relp_frame_next(
		"7 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0\n", 41, 100, &f), -1);
}
END_TEST

START_TEST(relp_answers)
{
	struct sbuf sb;

	ck_assert_int_eq(relp_starts("1 open 8", 8), 1);
	ck_assert_int_eq(relp_starts("1 op", 4), -1);
	ck_assert_int_eq(relp_starts("123 <13>1", 9), 0);
	ck_assert_int_eq(relp_starts("<13>1 -", 7), 0);
	sbuf_init(&sb);
	relp_rsp(&sb, 12, 200, "OK", NULL);
	ck_assert_str_eq(sbuf_str(&sb), "12 rsp 6 200 OK\n");
	sbuf_reset(&sb);
	relp_rsp(&sb, 1, 200, "OK", "commands=syslog");
	ck_assert_str_eq(sbuf_str(&sb), "1 rsp 22 200 OK\ncommands=syslog\n");
	sbuf_reset(&sb);
	relp_rsp(&sb, 9, 0, NULL, NULL);
	ck_assert_str_eq(sbuf_str(&sb), "9 rsp 0\n");
	sbuf_free(&sb);
}
END_TEST

START_TEST(syslog_frames)
{
	static const char s[] = "11 <13>1 hello<13>1 x\n";
	const char *m;
	size_t n, i;

	ck_assert_int_eq(frame_next(s, strlen(s), &m, &n), 14);
	ck_assert_uint_eq(n, 11);
	ck_assert(!memcmp(m, "<13>1 hello", 11));
	ck_assert_int_eq(frame_next(s + 14, strlen(s) - 14, &m, &n), 8);
	ck_assert_uint_eq(n, 7);
	for (i = 0; i < 14; i++)
		ck_assert_int_eq(frame_next(s, i, &m, &n), 0);
	ck_assert_int_eq(frame_next("011 <13>", 8, &m, &n), -1);
	ck_assert_int_eq(frame_next("99999999999 x", 13, &m, &n), -1);
	ck_assert_int_eq(frame_next("12x", 3, &m, &n), -1);
	ck_assert_int_eq(frame_next(" 1 x", 4, &m, &n), -1);
}
END_TEST

START_TEST(syslog_headers)
{
	struct syslog_parts p;
	static const char ok[] =
		"<13>1 2026-12-06T00:00:00Z h1 vigild 42 - - event=new x";
	static const char sd[] =
		"<13>1 - h1 vigild - - [a@1 k=\"v \\] \"][b@2] msg";

	ck_assert_int_eq(syslog_split(ok, strlen(ok), &p), 0);
	ck_assert(p.host_len == 2 && !memcmp(p.host, "h1", 2));
	ck_assert(p.app_len == 6 && !memcmp(p.app, "vigild", 6));
	ck_assert(p.msg_len == 11 && !memcmp(p.msg, "event=new x", 11));
	ck_assert_int_eq(syslog_split(sd, strlen(sd), &p), 0);
	ck_assert(p.msg_len == 3 && !memcmp(p.msg, "msg", 3));
	/* not RFC 5424: a header short of a field, a BSD line, no PRI */
	ck_assert_int_eq(syslog_split("<13>1 - h1 vigild", 17, &p), -1);
	ck_assert_int_eq(syslog_split("<13>Dec  6 h1 vigild: x", 23, &p), -1);
	ck_assert_int_eq(syslog_split("<1234>1 - h v - - - x", 21, &p), -1);
	ck_assert_int_eq(syslog_split("<13>1 - h v - - [x", 18, &p), -1);
	ck_assert_int_eq(syslog_split("<13>1 - h v - - -x", 18, &p), -1);
	/* no message at all is an empty one */
	ck_assert_int_eq(syslog_split("<13>1 - h v - - -", 17, &p), 0);
	ck_assert_uint_eq(p.msg_len, 0);
}
END_TEST

START_TEST(peer_names)
{
	struct collconf c = { .npeers = 2 };
	char a[] = "*.fleet.example.org", b[] = "collector.lan";

	c.peers[0] = a;
	c.peers[1] = b;
	ck_assert(collconf_peer_permitted(&c, "web1.fleet.example.org"));
	ck_assert(collconf_peer_permitted(&c, "WEB1.Fleet.Example.org"));
	ck_assert(collconf_peer_permitted(&c, "collector.lan"));
	/* one label only, the domain exactly, no tricks */
	ck_assert(!collconf_peer_permitted(&c, "a.b.fleet.example.org"));
	ck_assert(!collconf_peer_permitted(&c, "fleet.example.org"));
	ck_assert(!collconf_peer_permitted(&c, ".fleet.example.org"));
	ck_assert(!collconf_peer_permitted(&c, "web1.fleet.example.org.evil"));
	ck_assert(!collconf_peer_permitted(&c, "webfleet.example.org"));
	ck_assert(!collconf_peer_permitted(&c, "*.fleet.example.org"));
	ck_assert(!collconf_peer_permitted(&c, "web1.fleet.example.org\n"));
	ck_assert(!collconf_peer_permitted(&c, "x.collector.lan"));
}
END_TEST

static const char *conf_file(const char *text)
{
	static char path[] = "/tmp/check_collect.XXXXXX";
	int fd;

	strcpy(path, "/tmp/check_collect.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void conf_fails(const char *text, const char *want)
{
	const char *path = conf_file(text);
	struct collconf c;
	struct sbuf err;

	sbuf_init(&err);
	ck_assert_int_eq(collconf_load(path, &c, &err), -1);
	ck_assert_msg(strstr(sbuf_str(&err), want), "%s: not in \"%s\"", want,
		      sbuf_str(&err));
	ck_assert_msg(!strncmp(sbuf_str(&err), path, strlen(path)),
		      "no file name: %s", sbuf_str(&err));
	unlink(path);
	sbuf_free(&err);
}

#define GOOD "listen = \"0.0.0.0:2514\"; ca = \"/c\"; certificate = \"/p\";\n" \
	     "key = \"/k\"; database = \"dbname=vigil\";\n"

START_TEST(config)
{
	const char *path = conf_file(GOOD "permitted_peers = [\"*.f.lan\"];\n"
				     "batch = 100;\n");
	struct collconf c;
	struct sbuf err;
	char dir[] = "/tmp/check_collect_fifo.XXXXXX", fifo[64];

	sbuf_init(&err);
	ck_assert_int_eq(collconf_load(path, &c, &err), 0);
	ck_assert_str_eq(c.listen, "0.0.0.0:2514");
	ck_assert_uint_eq(c.npeers, 1);
	ck_assert_int_eq(c.batch, 100);
	ck_assert_int_eq(c.max_connections, 4096);
	collconf_free(&c);
	unlink(path);
	conf_fails(GOOD, "\"permitted_peers\" is required");
	conf_fails(GOOD "permitted_peers = [\"a b\"];\n", ":3: permitted_peers");
	conf_fails(GOOD "permitted_peers = [\"x\"];\nbatch = 0;\n",
		   ":4: batch: a number from 1 to 10000");
	conf_fails(GOOD "permitted_peers = [\"x\"];\nspool = \"/x\";\n",
		   ":4: unknown setting spool");
	conf_fails("listen = \"x\";\nca = ;\n", ":2: syntax error");
	conf_fails("listen = \"0.0.0.0:1\";\nca = 1;\n",
		   ":2: ca: a non-empty string");
	conf_fails("permitted_peers = [\"x\"];\n", "\"listen\" is required");
	/* a FIFO in the file's place is not opened, let alone read */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/collect.conf", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	sbuf_reset(&err);
	ck_assert_int_eq(collconf_load(fifo, &c, &err), -1);
	ck_assert(strstr(sbuf_str(&err), "not a regular file"));
	unlink(fifo);
	rmdir(dir);
	sbuf_free(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("collect");
	TCase *tc = tcase_create("collect");

	tcase_add_test(tc, relp_frames);
	tcase_add_test(tc, relp_answers);
	tcase_add_test(tc, syslog_frames);
	tcase_add_test(tc, syslog_headers);
	tcase_add_test(tc, peer_names);
	tcase_add_test(tc, config);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
