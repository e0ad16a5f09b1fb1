// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Active-mode FTP data joined to its control connection: a PORT line
 * of a followed control expects one connection from that server to
 * that address and port, and only that one, whether the connection is
 * told of after the line or (NFLOG's batches) before it; the server's
 * own lines, another server, a second connection, a control that ended
 * or was never named, and an expectation out of time count nothing.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "sources/payftp.h"

#define CLI "10.77.0.1"
#define SRV "10.77.0.2"

struct ctl {
	struct net_addr cli, srv;
	struct pay_key key;
	bool cli_lo;
	struct flow_event fe;
};

static void ctl_init(struct ctl *c)
{
	ck_assert_int_eq(net_addr_parse(CLI, &c->cli), 0);
	ck_assert_int_eq(net_addr_parse(SRV, &c->srv), 0);
	c->cli_lo = payload_key(&c->key, 0, IPPROTO_TCP, &c->cli, 40000,
				&c->srv, 21);
	memset(&c->fe, 0, sizeof(c->fe));
	c->fe.kind = FLOW_NEW;
	c->fe.proto = IPPROTO_TCP;
	c->fe.src = c->cli;
	c->fe.dst = c->srv;
	c->fe.server = c->srv;
	c->fe.sport = 40000;
	c->fe.dport = 21;
	c->fe.server_port = 21;
	c->fe.from_local = true;
	c->fe.owner_state = OWNER_FOUND;
	c->fe.owner.pid = 900;
	snprintf(c->fe.owner.comm, sizeof(c->fe.owner.comm), "tnftp");
}

/* A packet of the control, from the client (or the server). */
static bool line(struct payftp *f, const struct ctl *c, bool from_client,
		 const char *text, uint64_t now)
{
	struct pkt_view pv;

	memset(&pv, 0, sizeof(pv));
	pv.proto = IPPROTO_TCP;
	pv.payload = (const uint8_t *)text;
	pv.len = strlen(text);
	return payftp_packet(f, &c->key, from_client == c->cli_lo, &pv,
			     now);
}

/* What the stage was handed: the last data connection met, and how many. */
static struct flow_event got;
static int nmet;

static void met(void *data, const struct flow_event *fe)
{
	(void)data;
	got = *fe;
	nmet++;
}

/* A new inbound flow from addr:sport to the client's port dport: met? */
static bool data_at(struct payftp *f, const char *from, uint16_t sport,
		    uint16_t dport, uint64_t now)
{
	struct flow_event fe;
	int before = nmet;

	memset(&fe, 0, sizeof(fe));
	fe.kind = FLOW_NEW;
	fe.proto = IPPROTO_TCP;
	ck_assert_int_eq(net_addr_parse(from, &fe.src), 0);
	ck_assert_int_eq(net_addr_parse(CLI, &fe.dst), 0);
	fe.sport = sport;
	fe.dport = dport;
	fe.to_local = true;
	payftp_data(f, &fe, now);
	return nmet > before;
}

#define data(f, from, sport, dport) data_at(f, from, sport, dport, 1000)

START_TEST(port_then_data)
{
	struct payftp *f = payftp_new(met, NULL);
	struct ctl c;

	ck_assert_ptr_nonnull(f);
	ctl_init(&c);
	payftp_follow(f, &c.key, c.cli_lo);
	payftp_named(f, &c.key, &c.fe, "/usr/bin/tnftp");
	/* the server's lines say nothing (9*256+9 = 2313) */
	ck_assert(line(f, &c, false, "PORT 10,77,0,1,9,9\r\n", 1000));
	ck_assert(!data(f, SRV, 20, 2313));
	/* 200*256+21 = 51221 */
	ck_assert(line(f, &c, true, "TYPE A\r\nPORT 10,77,0,1,200,21\r\n",
		       1000));
	/* from another host: not the data connection asked for */
	ck_assert(!data(f, "10.77.0.3", 20, 51221));
	ck_assert(data(f, SRV, 20, 51221));
	ck_assert(got.ftp_data && got.from_local && !got.to_local);
	ck_assert_int_eq(got.dport, 21);
	ck_assert_str_eq(got.owner.exe, "/usr/bin/tnftp");
	ck_assert_str_eq(got.owner.comm, "tnftp");
	/* one PORT, one connection */
	ck_assert(!data(f, SRV, 20, 51221));
	/* EPRT, and a port not asked for */
	ck_assert(line(f, &c, true, "EPRT |1|10.77.0.1|6446|\r\n", 2000));
	ck_assert(!data(f, SRV, 20, 6447));
	ck_assert(data(f, SRV, 20, 6446));
	/* out of time */
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,1,1\r\n", 3000));
	payftp_expire(f, 3000 + PAYFTP_EXPECT_MS);
	ck_assert(!data(f, SRV, 20, 257));
	/* the control ended: what it asked for goes with it */
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,1,2\r\n", 4000));
	payftp_ended(f, &c.key);
	ck_assert(!data(f, SRV, 20, 258));
	ck_assert(!line(f, &c, true, "PORT 10,77,0,1,1,3\r\n", 4000));
	payftp_free(f);
}
END_TEST

START_TEST(unnamed_and_served)
{
	struct payftp *f = payftp_new(met, NULL);
	struct ctl c;

	ctl_init(&c);
	/* its program never known: counted as such, not published */
	payftp_follow(f, &c.key, c.cli_lo);
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,4,1\r\n", 1000));
	ck_assert(!data(f, SRV, 20, 1025));
	ck_assert_uint_eq(payftp_unnamed(f), 1);
	/* a control this host serves: its client's data is not ours */
	c.fe.from_local = false;
	c.fe.to_local = true;
	payftp_follow(f, &c.key, c.cli_lo);
	payftp_named(f, &c.key, &c.fe, "/usr/sbin/vsftpd");
	ck_assert(!line(f, &c, true, "PORT 10,77,0,1,4,2\r\n", 1000));
	ck_assert(!data(f, SRV, 20, 1026));
	ck_assert_uint_eq(payftp_unnamed(f), 1);
	payftp_free(f);
}
END_TEST

/*
 * The connection told of first, its line after (NFLOG hands packets
 * over in batches): met when the line comes, within PAYFTP_RECENT_MS,
 * from that server only, once.
 */
START_TEST(data_before_its_line)
{
	struct payftp *f = payftp_new(met, NULL);
	struct ctl c;

	ctl_init(&c);
	payftp_follow(f, &c.key, c.cli_lo);
	payftp_named(f, &c.key, &c.fe, "/usr/bin/tnftp");
	ck_assert(!data_at(f, "10.77.0.3", 20, 51221, 1000));
	ck_assert(!data_at(f, SRV, 20, 51221, 1000));
	nmet = 0;
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,200,21\r\n", 1500));
	ck_assert_int_eq(nmet, 1);
	ck_assert(got.ftp_data);
	/* met once: the same line again waits for a new connection */
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,200,21\r\n", 1600));
	ck_assert_int_eq(nmet, 1);
	ck_assert(data_at(f, SRV, 20, 51221, 1700));
	/* too old by the time its line comes */
	ck_assert(!data_at(f, SRV, 20, 6000, 2000));
	ck_assert(line(f, &c, true, "PORT 10,77,0,1,23,112\r\n",
		       2000 + PAYFTP_RECENT_MS));
	ck_assert_int_eq(nmet, 2);
	payftp_free(f);
}
END_TEST

/* Bounded: the oldest controls and expectations make room. */
START_TEST(bounded)
{
	struct payftp *f = payftp_new(met, NULL);
	struct ctl c;
	char buf[64];
	int i;

	ctl_init(&c);
	payftp_follow(f, &c.key, c.cli_lo);
	payftp_named(f, &c.key, &c.fe, "/usr/bin/tnftp");
	for (i = 0; i < PAYFTP_EXPECTS + 10; i++) {
		snprintf(buf, sizeof(buf), "PORT 10,77,0,1,%d,%d\r\n",
			 100 + i / 256, i % 256);
		ck_assert(line(f, &c, true, buf, 1000));
	}
	/* the first ten were let go, the last is there */
	ck_assert(!data(f, SRV, 20, 100 * 256));
	i = PAYFTP_EXPECTS + 9;
	ck_assert(data(f, SRV, 20, (uint16_t)((100 + i / 256) * 256 + i % 256)));
	payftp_free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("payftp");
	TCase *tc = tcase_create("payftp");

	tcase_add_test(tc, port_then_data);
	tcase_add_test(tc, unnamed_and_served);
	tcase_add_test(tc, data_before_its_line);
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
