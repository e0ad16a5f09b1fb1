// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The payload decoders against conversations as real clients and
 * servers have them (the byte sequences of postfix, dovecot, vsftpd,
 * slapd, snmpd and their clients, RFC 4511, 3412, 3416, 1350), and
 * against every truncation of each packet.
 */
#include "build.h"

#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "unit.h"
#include "sources/nflog.h"
#include "sources/pdecode.h"

#define C PD_FROM_CLIENT
#define S PD_FROM_SERVER

struct pkt {
	enum pd_dir dir;
	const char *data;
	size_t len;		/* 0: strlen(data) */
};

struct convo {
	const char *name;
	uint8_t ipproto;
	struct pkt pkts[8];
	enum pd_verdict verdict;	/* after the packets */
	enum pd_app app;		/* PD_APP_NONE: not checked */
	enum pd_verdict at_end;		/* pdecode_end() then */
	uint8_t snmp_version;
};

/* A TLS 1.2 record header and ClientHello / ServerHello type bytes. */
#define CLIENT_HELLO "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
#define SERVER_HELLO "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03"
#define BLEN(s) (sizeof(s) - 1)

/* ldapsearch -ZZ: extendedReq StartTLS, and slapd's success */
#define LDAP_STARTTLS "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" \
		      "1.3.6.1.4.1.1466.20037"
#define LDAP_STARTTLS_OK "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00" \
			 "\x04\x00\x04\x00"
#define LDAP_STARTTLS_NO "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x02" \
			 "\x04\x00\x04\x00"
/* an anonymous simple bind, version 3 */
#define LDAP_BIND "\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00" \
		  "\x80\x00"

/* snmpget -v2c -c public: GetRequest sysDescr.0 */
#define SNMP_V2C "\x30\x26\x02\x01\x01\x04\x06public\xa0\x19\x02\x04" \
		 "\x1b\x2d\x3c\x4d\x02\x01\x00\x02\x01\x00\x30\x0b\x30\x09" \
		 "\x06\x05\x2b\x06\x01\x02\x01\x05\x00"
#define SNMP_V1 "\x30\x26\x02\x01\x00\x04\x06secret\xa0\x19\x02\x04" \
		"\x1b\x2d\x3c\x4d\x02\x01\x00\x02\x01\x00\x30\x0b\x30\x09" \
		"\x06\x05\x2b\x06\x01\x02\x01\x05\x00"
/*
 * SNMPv3 (RFC 3412, 3414): msgGlobalData { id, maxSize 65507, flags,
 * model 3 }, USM { engine id, boots, time, user, auth, priv }, then the
 * scoped PDU (encrypted or not).  Discovery: no engine id, no user,
 * noAuthNoPriv and reportable.
 */
#define SNMP_V3_DISCOVERY \
	"\x30\x3b\x02\x01\x03\x30\x11\x02\x04\x01\x02\x03\x04\x02" \
	"\x03\x00\xff\xe3\x04\x01\x04\x02\x01\x03\x04\x10\x30\x0e" \
	"\x04\x00\x02\x01\x00\x02\x01\x00\x04\x00\x04\x00\x04\x00" \
	"\x30\x11\x04\x00\x04\x00\xa0\x0b\x02\x01\x01\x02\x01\x00" \
	"\x02\x01\x00\x30\x00"
/* user "u", authPriv: the PDU is an encrypted OCTET STRING */
#define SNMP_V3_AUTHPRIV \
	"\x30\x4a\x02\x01\x03\x30\x11\x02\x04\x01\x02\x03\x04\x02" \
	"\x03\x00\xff\xe3\x04\x01\x07\x02\x01\x03\x04\x2a\x30\x28" \
	"\x04\x05\x80\x00\x1f\x88\x04\x02\x01\x01\x02\x01\x10\x04" \
	"\x01\x75\x04\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" \
	"\x00\x00\x04\x08\x01\x02\x03\x04\x05\x06\x07\x08\x04\x06" \
	"\xde\xad\xbe\xef\x00\x01"
/* user "u", authNoPriv: the PDU is in clear */
#define SNMP_V3_AUTHNOPRIV \
	"\x30\x4d\x02\x01\x03\x30\x11\x02\x04\x01\x02\x03\x04\x02" \
	"\x03\x00\xff\xe3\x04\x01\x05\x02\x01\x03\x04\x22\x30\x20" \
	"\x04\x05\x80\x00\x1f\x88\x04\x02\x01\x01\x02\x01\x10\x04" \
	"\x01\x75\x04\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" \
	"\x00\x00\x04\x00\x30\x11\x04\x00\x04\x00\xa0\x0b\x02\x01" \
	"\x01\x02\x01\x00\x02\x01\x00\x30\x00"

#define TFTP_RRQ "\x00\x01pxelinux.0\x00octet\x00"

static const struct convo convos[] = {
	{ "http request", IPPROTO_TCP,
	  { { C, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n" } },
	  PD_CLEAR, PD_APP_HTTP, PD_CLEAR },
	{ "http response first", IPPROTO_TCP,
	  { { S, "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n" } },
	  PD_CLEAR, PD_APP_HTTP, PD_CLEAR },
	{ "http basic auth, long target", IPPROTO_TCP,
	  { { C, "POST /a/very/long/path?x=1 HTTP/1.0\r\nAuthorization: "
		 "Basic dXNlcjpwYXNz\r\n" } },
	  PD_CLEAR, PD_APP_HTTP, PD_CLEAR },
	{ "telnetd negotiates", IPPROTO_TCP,
	  { { S, "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27" } },
	  PD_CLEAR, PD_APP_TELNET, PD_CLEAR },
	{ "telnet client negotiates", IPPROTO_TCP,
	  { { C, "\xff\xfb\x18\xff\xfb\x1f" } },
	  PD_CLEAR, PD_APP_TELNET, PD_CLEAR },
	{ "smtp STARTTLS (postfix, swaks -tls)", IPPROTO_TCP,
	  { { S, "220 mx.example ESMTP Postfix (Debian/GNU)\r\n" },
	    { C, "EHLO client.example\r\n" },
	    { S, "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
		 "250-STARTTLS\r\n250 CHUNKING\r\n" },
	    { C, "STARTTLS\r\n" },
	    { S, "220 2.0.0 Ready to start TLS\r\n" },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_SMTP, PD_UPGRADED },
	{ "smtp AUTH in clear", IPPROTO_TCP,
	  { { S, "220 mx.example ESMTP Postfix\r\n" },
	    { C, "EHLO c\r\n" },
	    { S, "250-mx.example\r\n250 AUTH PLAIN LOGIN\r\n" },
	    { C, "AUTH PLAIN AHVzZXIAcGFzcw==\r\n" } },
	  PD_CLEAR, PD_APP_SMTP, PD_CLEAR },
	{ "smtp STARTTLS refused, then mail", IPPROTO_TCP,
	  { { S, "220 mx ESMTP\r\n" }, { C, "EHLO c\r\n" },
	    { S, "250 mx\r\n" }, { C, "STARTTLS\r\n" },
	    { S, "454 4.7.0 TLS not available due to local problem\r\n" },
	    { C, "MAIL FROM:<a@b>\r\n" } },
	  PD_CLEAR, PD_APP_SMTP, PD_CLEAR },
	{ "smtp hello and quit", IPPROTO_TCP,
	  { { S, "220 mx ESMTP\r\n" }, { C, "EHLO c\r\n" },
	    { S, "250 mx\r\n" }, { C, "QUIT\r\n" },
	    { S, "221 2.0.0 Bye\r\n" } },
	  PD_PENDING, PD_APP_SMTP, PD_CLEAR },
	{ "pop3 STLS (dovecot)", IPPROTO_TCP,
	  { { S, "+OK Dovecot (Debian) ready.\r\n" }, { C, "CAPA\r\n" },
	    { S, "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nSTLS\r\n.\r\n" },
	    { C, "STLS\r\n" }, { S, "+OK Begin TLS negotiation now.\r\n" },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_POP3, PD_UPGRADED },
	{ "pop3 USER in clear", IPPROTO_TCP,
	  { { S, "+OK Dovecot (Debian) ready.\r\n" }, { C, "USER bob\r\n" } },
	  PD_CLEAR, PD_APP_POP3, PD_CLEAR },
	{ "imap STARTTLS (dovecot)", IPPROTO_TCP,
	  { { S, "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID "
		 "ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot "
		 "(Debian) ready.\r\n" },
	    { C, "a001 STARTTLS\r\n" },
	    { S, "a001 OK Begin TLS negotiation now.\r\n" },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_IMAP, PD_UPGRADED },
	{ "imap LOGIN in clear", IPPROTO_TCP,
	  { { S, "* OK Dovecot ready.\r\n" },
	    { C, "a1 CAPABILITY\r\n" },
	    { S, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK done\r\n" },
	    { C, "a2 LOGIN bob hunter2\r\n" } },
	  PD_CLEAR, PD_APP_IMAP, PD_CLEAR },
	{ "ftp AUTH TLS (vsftpd)", IPPROTO_TCP,
	  { { S, "220 (vsFTPd 3.0.3)\r\n" }, { C, "AUTH TLS\r\n" },
	    { S, "234 Proceed with negotiation.\r\n" },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_FTP, PD_UPGRADED },
	{ "ftp USER in clear", IPPROTO_TCP,
	  { { S, "220 (vsFTPd 3.0.3)\r\n" }, { C, "USER anonymous\r\n" } },
	  PD_CLEAR, PD_APP_FTP, PD_CLEAR },
	{ "nntp STARTTLS", IPPROTO_TCP,
	  { { S, "200 news.example InterNetNews server ready\r\n" },
	    { C, "CAPABILITIES\r\n" },
	    { S, "101 Capability list:\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n" },
	    { C, "STARTTLS\r\n" }, { S, "382 Continue with TLS negotiation\r\n" },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_NNTP, PD_UPGRADED },
	{ "nntp GROUP in clear", IPPROTO_TCP,
	  { { S, "201 news ready (no posting)\r\n" },
	    { C, "GROUP comp.lang.c\r\n" } },
	  PD_CLEAR, PD_APP_NNTP, PD_CLEAR },
	{ "ldap StartTLS (ldapsearch -ZZ, slapd)", IPPROTO_TCP,
	  { { C, LDAP_STARTTLS, BLEN(LDAP_STARTTLS) },
	    { S, LDAP_STARTTLS_OK, BLEN(LDAP_STARTTLS_OK) },
	    { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) } },
	  PD_UPGRADED, PD_APP_LDAP, PD_UPGRADED },
	{ "ldap StartTLS refused, then bind", IPPROTO_TCP,
	  { { C, LDAP_STARTTLS, BLEN(LDAP_STARTTLS) },
	    { S, LDAP_STARTTLS_NO, BLEN(LDAP_STARTTLS_NO) },
	    { C, LDAP_BIND, BLEN(LDAP_BIND) } },
	  PD_CLEAR, PD_APP_LDAP, PD_CLEAR },
	{ "ldap bind in clear", IPPROTO_TCP,
	  { { C, LDAP_BIND, BLEN(LDAP_BIND) } },
	  PD_CLEAR, PD_APP_LDAP, PD_CLEAR },
	{ "https", IPPROTO_TCP,
	  { { C, CLIENT_HELLO, BLEN(CLIENT_HELLO) },
	    { S, SERVER_HELLO, BLEN(SERVER_HELLO) } },
	  PD_ENCRYPTED, PD_APP_TLS, PD_ENCRYPTED },
	{ "ssh", IPPROTO_TCP,
	  { { S, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" } },
	  PD_ENCRYPTED, PD_APP_SSH, PD_ENCRYPTED },
	{ "something else", IPPROTO_TCP,
	  { { C, "\x01\x02hello" }, { S, "\x05\x06" } },
	  PD_UNKNOWN, PD_APP_NONE, PD_UNKNOWN },
	{ "a greeting then something else", IPPROTO_TCP,
	  { { S, "220 mx ESMTP\r\n" }, { C, "QUIT\r\n" } },
	  PD_PENDING, PD_APP_NONE, PD_UNKNOWN },
	{ "snmp v2c", IPPROTO_UDP,
	  { { C, SNMP_V2C, BLEN(SNMP_V2C) } },
	  PD_CLEAR, PD_APP_SNMP, PD_CLEAR, 2 },
	{ "snmp v1", IPPROTO_UDP,
	  { { C, SNMP_V1, BLEN(SNMP_V1) } },
	  PD_CLEAR, PD_APP_SNMP, PD_CLEAR, 1 },
	{ "snmp v3 authPriv (snmpwalk -v3 -l authPriv)", IPPROTO_UDP,
	  { { C, SNMP_V3_DISCOVERY, BLEN(SNMP_V3_DISCOVERY) },
	    { C, SNMP_V3_AUTHPRIV, BLEN(SNMP_V3_AUTHPRIV) } },
	  PD_ENCRYPTED, PD_APP_SNMP, PD_ENCRYPTED, 3 },
	{ "snmp v3 discovery only", IPPROTO_UDP,
	  { { C, SNMP_V3_DISCOVERY, BLEN(SNMP_V3_DISCOVERY) } },
	  PD_PENDING, PD_APP_SNMP, PD_ENCRYPTED, 3 },
	{ "snmp v3 authNoPriv", IPPROTO_UDP,
	  { { C, SNMP_V3_DISCOVERY, BLEN(SNMP_V3_DISCOVERY) },
	    { C, SNMP_V3_AUTHNOPRIV, BLEN(SNMP_V3_AUTHNOPRIV) } },
	  PD_CLEAR, PD_APP_SNMP, PD_CLEAR, 3 },
	{ "tftp read request", IPPROTO_UDP,
	  { { C, TFTP_RRQ, BLEN(TFTP_RRQ) } },
	  PD_CLEAR, PD_APP_TFTP, PD_CLEAR },
	{ "dns is not snmp", IPPROTO_UDP,
	  { { C, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www" } },
	  PD_UNKNOWN, PD_APP_NONE, PD_UNKNOWN },
};

static size_t pkt_len(const struct pkt *k)
{
	return k->len ? k->len : strlen(k->data);
}

START_TEST(conversations)
{
	const struct convo *c = &convos[_i];
	enum pd_verdict v = PD_PENDING;
	struct pd_flow f;
	size_t i;

	pdecode_init(&f, c->ipproto);
	for (i = 0; i < 8 && c->pkts[i].data; i++)
		v = pdecode_packet(&f, c->ipproto, c->pkts[i].dir,
				   (const uint8_t *)c->pkts[i].data,
				   pkt_len(&c->pkts[i]));
	ck_assert_msg(v == c->verdict, "%s: %s, not %s", c->name,
		      pdecode_verdict_name(v),
		      pdecode_verdict_name(c->verdict));
	v = pdecode_end(&f);
	ck_assert_msg(v == c->at_end, "%s at its end: %s, not %s", c->name,
		      pdecode_verdict_name(v),
		      pdecode_verdict_name(c->at_end));
	if (c->app != PD_APP_NONE)
		ck_assert_msg(f.app == c->app, "%s: app %s", c->name,
			      pdecode_app_name((enum pd_app)f.app));
	if (c->snmp_version)
		ck_assert_int_eq(f.snmp_version, c->snmp_version);
	/* a decided verdict stays, whatever comes next */
	if (c->verdict != PD_PENDING)
		ck_assert_int_eq(pdecode_packet(&f, c->ipproto, C,
				 (const uint8_t *)"USER x\r\n", 8),
				 c->verdict);
}
END_TEST

/*
 * Every packet cut at every length, as a snaplen or a hostile peer
 * would: no read past the end (run under ASan by scripts/fuzz), and a
 * cut packet never makes a clear flow look upgraded or encrypted.
 */
START_TEST(truncated)
{
	const struct convo *c = &convos[_i];
	size_t i, j, n;

	for (i = 0; i < 8 && c->pkts[i].data; i++) {
		n = pkt_len(&c->pkts[i]);
		for (j = 1; j < n; j++) {
			struct pd_flow f;
			size_t k;
			enum pd_verdict v = PD_PENDING;

			pdecode_init(&f, c->ipproto);
			for (k = 0; k < i; k++)
				pdecode_packet(&f, c->ipproto,
					       c->pkts[k].dir,
					       (const uint8_t *)c->pkts[k].data,
					       pkt_len(&c->pkts[k]));
			v = pdecode_packet(&f, c->ipproto, c->pkts[i].dir,
					   (const uint8_t *)c->pkts[i].data,
					   j);
			/* unknown falls back to the port: still judged */
			if (c->verdict == PD_CLEAR)
				ck_assert_msg(v != PD_UPGRADED &&
					      v != PD_ENCRYPTED,
					      "%s cut at %zu: %s", c->name, j,
					      pdecode_verdict_name(v));
		}
	}
}
END_TEST

/* A flow that keeps talking without a decision ends unknown. */
START_TEST(bounded)
{
	struct pd_flow f;
	enum pd_verdict v = PD_PENDING;
	int i;

	pdecode_init(&f, IPPROTO_TCP);
	for (i = 0; i < PD_PACKETS_MAX && v == PD_PENDING; i++) {
		v = pdecode_packet(&f, IPPROTO_TCP, C,
				   (const uint8_t *)"\x01\x02", 2);
		if (v == PD_PENDING)
			v = pdecode_packet(&f, IPPROTO_TCP, S,
					   (const uint8_t *)"\x03", 1);
	}
	ck_assert_int_eq(v, PD_UNKNOWN);
	/* no payload at all: nothing to say */
	pdecode_init(&f, IPPROTO_TCP);
	ck_assert_int_eq(pdecode_end(&f), PD_PENDING);
}
END_TEST

/* IPv4 and IPv6 packets as NFLOG copies them, down to the payload. */
START_TEST(packets)
{
	/* IPv4, TCP with 12 bytes of options, "GET " */
	static const uint8_t v4[] = {
		0x45, 0, 0, 0x3c, 0, 0, 0x40, 0, 64, 6, 0, 0,
		127, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 1,
		0x80, 0x18, 0xff, 0xff, 0, 0, 0, 0,
		1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0,
		'G', 'E', 'T', ' ',
	};
	/* IPv6, a destination options header, then UDP to 161 */
	static const uint8_t v6[] = {
		0x60, 0, 0, 0, 0, 20, 60, 64,
		0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		17, 0, 1, 4, 0, 0, 0, 0,
		0xc0, 0x01, 0x00, 0xa1, 0, 12, 0, 0,
		0x30, 0x02, 0x02, 0x00,
	};
	uint8_t frag[sizeof(v4)];
	struct pkt_view pv;
	size_t n;

	ck_assert_int_eq(pkt_parse(v4, sizeof(v4), &pv), 0);
	ck_assert_int_eq(pv.proto, IPPROTO_TCP);
	ck_assert_int_eq(pv.sport, 40000);
	ck_assert_int_eq(pv.dport, 80);
	ck_assert_int_eq(pv.len, 4);
	ck_assert(!memcmp(pv.payload, "GET ", 4));
	ck_assert_int_eq(pkt_parse(v6, sizeof(v6), &pv), 0);
	ck_assert_int_eq(pv.proto, IPPROTO_UDP);
	ck_assert_int_eq(pv.dport, 161);
	ck_assert_int_eq(pv.len, 4);
	ck_assert_int_eq(pv.dst.family, AF_INET6);
	/* a later fragment carries no transport header */
	memcpy(frag, v4, sizeof(v4));
	frag[7] = 0x10;
	ck_assert_int_eq(pkt_parse(frag, sizeof(frag), &pv), -1);
	/* every cut short of the headers is refused, none read past */
	for (n = 0; n < 52; n++)
		ck_assert_int_eq(pkt_parse(v4, n, &pv), -1);
	for (n = 0; n < 56; n++)
		ck_assert_int_eq(pkt_parse(v6, n, &pv), -1);
	/* a header length pointing past the packet */
	memcpy(frag, v4, sizeof(v4));
	frag[0] = 0x4f;
	ck_assert_int_eq(pkt_parse(frag, 40, &pv), -1);
}
END_TEST

/* Whether the server offered TLS, from its own lines. */
START_TEST(tls_on_offer)
{
	static const struct {
		const char *server;
		bool offered;
	} cases[] = {
		{ "220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n"
		  "250-STARTTLS\r\n250 8BITMIME\r\n", true },
		{ "220 mx ESMTP\r\n250-mx\r\n250-AUTH PLAIN\r\n"
		  "250 8BITMIME\r\n", false },
		{ "* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS] ready\r\n",
		  true },
		{ "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", true },
		{ "+OK\r\nCAPA\r\nTOP\r\nstls\r\n.\r\n", true },
		{ "211-Features:\r\n AUTH TLS\r\n EPSV\r\n211 End\r\n",
		  true },
		{ "250-XSTARTTLS\r\n250-STARTTLSX\r\n250 X-STLS\r\n",
		  false },
	};
	struct pd_flow f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].server;

		pdecode_init(&f, IPPROTO_TCP);
		pdecode_packet(&f, IPPROTO_TCP, S, (const uint8_t *)t,
			       strlen(t));
		ck_assert_msg(f.offered == cases[i].offered, "%s", t);
	}
}
END_TEST

/* Active-mode FTP: where the server is to connect, from whole lines. */
START_TEST(ftp_port)
{
	static const struct {
		const char *line;
		const char *addr;	/* NULL: refused */
		uint16_t port;
	} cases[] = {
		{ "PORT 10,77,0,2,200,21\r\n", "10.77.0.2", 200 * 256 + 21 },
		{ "port 127,0,0,1,4,1\n", "127.0.0.1", 1025 },
		{ "EPRT |1|10.77.0.2|6446|\r\n", "10.77.0.2", 6446 },
		{ "EPRT |2|fd00::2|40000|\r\n", "fd00::2", 40000 },
		{ "eprt !2!::1!21!\r\n", "::1", 21 },
		/* cut by the snaplen: the port could be longer */
		{ "PORT 10,77,0,2,200,2", NULL, 0 },
		{ "EPRT |1|10.77.0.2|644", NULL, 0 },
		{ "PORT 10,77,0,2,200\r\n", NULL, 0 },
		{ "PORT 10,77,0,2,200,21,9\r\n", NULL, 0 },
		{ "PORT 10,77,0,256,1,1\r\n", NULL, 0 },
		{ "PORT 10,77,0,2,0,0\r\n", NULL, 0 },
		{ "PORT 0010,77,0,2,1,1\r\n", NULL, 0 },
		{ "PORT 10,77,0,2,1,1 \r\n", NULL, 0 },
		{ "PORTS 10,77,0,2,1,1\r\n", NULL, 0 },
		{ "EPRT |3|10.77.0.2|21|\r\n", NULL, 0 },
		{ "EPRT |1|fd00::2|21|\r\n", NULL, 0 },
		{ "EPRT |2|fd00::2|65536|\r\n", NULL, 0 },
		{ "EPRT |1|10.77.0.2|0|\r\n", NULL, 0 },
		{ "EPRT |1||21|\r\n", NULL, 0 },
		{ "EPRT  1 10.77.0.2 21 \r\n", NULL, 0 },
		{ "EPRT |1|10.77.0.2|21\r\n", NULL, 0 },
		{ "EPRT |1|10.77.0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		  ".0.0.0.0.0.0|21|\r\n", NULL, 0 },
		{ "USER anonymous\r\n", NULL, 0 },
		{ "", NULL, 0 },
	};
	struct net_addr a, want;
	uint16_t port;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *l = cases[i].line;
		bool got = pdecode_ftp_port((const uint8_t *)l, strlen(l),
					    &a, &port);

		ck_assert_msg(got == (cases[i].addr != NULL), "%s", l);
		if (!got)
			continue;
		ck_assert_int_eq(net_addr_parse(cases[i].addr, &want), 0);
		ck_assert_msg(net_addr_eq(&a, &want), "%s", l);
		ck_assert_uint_eq(port, cases[i].port);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdecode");
	TCase *tc = tcase_create("pdecode");
	int n = (int)(sizeof(convos) / sizeof(convos[0]));

	tcase_add_loop_test(tc, conversations, 0, n);
	tcase_add_loop_test(tc, truncated, 0, n);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, packets);
	tcase_add_test(tc, ftp_port);
	tcase_add_test(tc, tls_on_offer);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
