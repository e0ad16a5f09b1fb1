// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small decoders for the first packets of a flow (pdecode.h).  Each
 * looks at the payload where it is, within len, and records what it
 * learned as enums in struct pd_flow; nothing is copied.  nDPI was
 * measured and not used (README, "Payload"): Debian 12's 4.2 copies
 * user names and passwords into its flow state, has no SNMP version
 * and no LDAP StartTLS.
 */
#include "build.h"

#include <netinet/in.h>
#include <string.h>

#include "sources/pdecode.h"
#include "sources/pdecode_priv.h"

enum greeting {
	GR_NONE,
	GR_220,			/* ftp or smtp */
	GR_POP,			/* +OK */
	GR_IMAP,		/* * OK, * PREAUTH */
	GR_NNTP,		/* 200, 201 */
	GR_OTHER,		/* a server spoke first, none of those */
};

static const char *const app_names[PD_APP_COUNT] = {
	[PD_APP_NONE] = "", [PD_APP_HTTP] = "http",
	[PD_APP_TELNET] = "telnet", [PD_APP_FTP] = "ftp",
	[PD_APP_SMTP] = "smtp", [PD_APP_POP3] = "pop3",
	[PD_APP_IMAP] = "imap", [PD_APP_NNTP] = "nntp",
	[PD_APP_LDAP] = "ldap", [PD_APP_SNMP] = "snmp",
	[PD_APP_TFTP] = "tftp", [PD_APP_TLS] = "tls", [PD_APP_SSH] = "ssh",
};

const char *pdecode_app_name(enum pd_app app)
{
	return (unsigned int)app < PD_APP_COUNT ? app_names[app] : "";
}

const char *pdecode_verdict_name(enum pd_verdict v)
{
	switch (v) {
	case PD_CLEAR:
		return "clear";
	case PD_UPGRADED:
		return "upgraded";
	case PD_ENCRYPTED:
		return "encrypted";
	case PD_UNKNOWN:
		return "unknown";
	default:
		return "pending";
	}
}

void pdecode_init(struct pd_flow *f, uint8_t ipproto)
{
	(void)ipproto;
	memset(f, 0, sizeof(*f));
}

/* Does the line start with word (ASCII, any case), then end or space? */
static bool word(const uint8_t *p, size_t len, const char *w)
{
	size_t n = strlen(w), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if (c != (uint8_t)w[i])
			return false;
	}
	return len == n || p[n] == ' ' || p[n] == '\r' || p[n] == '\n';
}

static bool prefix(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && !memcmp(p, s, n);
}

/* A reply line's three-digit code, or -1. */
static int reply_code(const uint8_t *p, size_t len)
{
	if (len < 4 || p[0] < '1' || p[0] > '5' || p[1] < '0' ||
	    p[1] > '9' || p[2] < '0' || p[2] > '9' ||
	    (p[3] != ' ' && p[3] != '-' && p[3] != '\r'))
		return -1;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* A TLS handshake record: ClientHello (1) or ServerHello (2). */
static bool tls_hello(const uint8_t *p, size_t len, uint8_t type)
{
	return len >= 6 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04 &&
	       p[5] == type;
}

/* Telnet option negotiation: IAC then WILL, WONT, DO, DONT or SB. */
static bool telnet_iac(const uint8_t *p, size_t len)
{
	return len >= 2 && p[0] == 0xff && p[1] >= 0xfa && p[1] <= 0xfe;
}

static bool http_request(const uint8_t *p, size_t len)
{
	static const char *const methods[] = {
		"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ",
		"PATCH ", "TRACE ", "PROPFIND ",
	};
	size_t i, n;

	if (prefix(p, len, "PRI * HTTP/2.0\r\n"))
		return true;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		n = strlen(methods[i]);
		if (prefix(p, len, methods[i]) && len > n &&
		    (p[n] == '/' || p[n] == '*' || prefix(p + n, len - n,
							  "http://")))
			return true;
	}
	return false;
}

/* The tag of an IMAP command line: [A-Za-z0-9.]+ then a space. */
static size_t imap_tag(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 32; i++) {
		uint8_t c = p[i];

		if (c == ' ')
			return i ? i + 1 : 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.'))
			return 0;
	}
	return 0;
}

/* The length of the line at p, its end of line included. */
static size_t line_len(const uint8_t *p, size_t len)
{
	const uint8_t *nl = memchr(p, '\n', len);

	return nl ? (size_t)(nl - p) + 1 : len;
}

/* One command line of a client of a text protocol. */
static enum pd_verdict client_line(struct pd_flow *f, const uint8_t *p,
				   size_t len)
{
	bool up = f->upgrade == PD_UP_ACCEPTED;
	size_t t;

	/* SMTP: a hello names it; mail or a login before TLS is clear */
	if (word(p, len, "EHLO") || word(p, len, "HELO") ||
	    word(p, len, "LHLO")) {
		f->app = PD_APP_SMTP;
		return PD_PENDING;
	}
	if (f->app == PD_APP_SMTP && !up &&
	    (word(p, len, "AUTH") || word(p, len, "MAIL") ||
	     word(p, len, "RCPT") || word(p, len, "DATA")))
		return pd_decide(f, PD_APP_SMTP, PD_CLEAR);
	/* FTP: AUTH TLS asks for TLS; USER before it is clear */
	if (f->app != PD_APP_SMTP && word(p, len, "AUTH") && len >= 8 &&
	    (word(p + 5, len - 5, "TLS") || word(p + 5, len - 5, "SSL") ||
	     word(p + 5, len - 5, "TLS-C") || word(p + 5, len - 5, "TLS-P"))) {
		f->app = PD_APP_FTP;
		f->upgrade = PD_UP_ASKED;
		return PD_PENDING;
	}
	if (word(p, len, "STARTTLS")) {
		if (f->app == PD_APP_NONE)
			f->app = f->greeting == GR_NNTP ? PD_APP_NNTP :
							  PD_APP_SMTP;
		f->upgrade = PD_UP_ASKED;
		return PD_PENDING;
	}
	if (word(p, len, "STLS")) {
		f->app = PD_APP_POP3;
		f->upgrade = PD_UP_ASKED;
		return PD_PENDING;
	}
	if (!up && (word(p, len, "USER") || word(p, len, "PASS"))) {
		if (f->greeting == GR_POP || f->app == PD_APP_POP3)
			return pd_decide(f, PD_APP_POP3, PD_CLEAR);
		return pd_decide(f, PD_APP_FTP, PD_CLEAR);
	}
	if (!up && f->greeting == GR_POP &&
	    (word(p, len, "APOP") || word(p, len, "AUTH") ||
	     word(p, len, "RETR") || word(p, len, "STAT")))
		return pd_decide(f, PD_APP_POP3, PD_CLEAR);
	if (word(p, len, "CAPA") && f->greeting == GR_POP) {
		f->app = PD_APP_POP3;
		return PD_PENDING;
	}
	/* NNTP: reading or a login before TLS is clear */
	if (!up && (f->greeting == GR_NNTP || f->app == PD_APP_NNTP) &&
	    (word(p, len, "AUTHINFO") || word(p, len, "GROUP") ||
	     word(p, len, "ARTICLE") || word(p, len, "LIST") ||
	     word(p, len, "MODE") || word(p, len, "POST") ||
	     word(p, len, "NEWNEWS")))
		return pd_decide(f, PD_APP_NNTP, PD_CLEAR);
	/* IMAP: "tag COMMAND" */
	t = imap_tag(p, len);
	if (t && (f->greeting == GR_IMAP || f->app == PD_APP_IMAP ||
		  word(p + t, len - t, "LOGIN") ||
		  word(p + t, len - t, "STARTTLS"))) {
		p += t;
		len -= t;
		if (word(p, len, "STARTTLS")) {
			f->app = PD_APP_IMAP;
			f->upgrade = PD_UP_ASKED;
			return PD_PENDING;
		}
		if (!up && (word(p, len, "LOGIN") ||
			    word(p, len, "AUTHENTICATE") ||
			    word(p, len, "SELECT") ||
			    word(p, len, "EXAMINE")))
			return pd_decide(f, PD_APP_IMAP, PD_CLEAR);
		if (word(p, len, "CAPABILITY") || word(p, len, "ID") ||
		    word(p, len, "NOOP"))
			f->app = PD_APP_IMAP;
	}
	return PD_PENDING;
}

/* A server's reply line while an upgrade was asked for. */
static void upgrade_reply(struct pd_flow *f, const uint8_t *p, size_t len)
{
	int code = reply_code(p, len);
	size_t t;
	bool yes = false, no = false;

	switch (f->app) {
	case PD_APP_SMTP:
		yes = code == 220;
		no = code >= 400;
		break;
	case PD_APP_FTP:
		yes = code == 234;
		no = code >= 400;
		break;
	case PD_APP_NNTP:
		yes = code == 382;
		no = code >= 400;
		break;
	case PD_APP_POP3:
		yes = prefix(p, len, "+OK");
		no = prefix(p, len, "-ERR");
		break;
	case PD_APP_IMAP:
		if (prefix(p, len, "* "))
			return;	/* untagged: not the answer yet */
		t = imap_tag(p, len);
		yes = t && word(p + t, len - t, "OK");
		no = t && !yes;
		break;
	default:
		break;
	}
	if (yes)
		f->upgrade = PD_UP_ACCEPTED;
	else if (no)
		f->upgrade = PD_UP_NONE;
}

static void server_greeting(struct pd_flow *f, const uint8_t *p, size_t len)
{
	int code = reply_code(p, len);

	if (code == 220)
		f->greeting = GR_220;
	else if (code == 200 || code == 201)
		f->greeting = GR_NNTP;
	else if (prefix(p, len, "+OK"))
		f->greeting = GR_POP;
	else if (prefix(p, len, "* OK") || prefix(p, len, "* PREAUTH"))
		f->greeting = GR_IMAP;
	else
		f->greeting = GR_OTHER;
}

/*
 * Does a server's line offer TLS?  An SMTP, IMAP or NNTP capability
 * naming STARTTLS, POP3's STLS, FTP's FEAT line AUTH TLS.
 */
static bool offers_tls(const uint8_t *p, size_t len)
{
	static const char *const words[] = { "STARTTLS", "AUTH TLS", "STLS" };
	size_t i, j, k, n;
	uint8_t c, e;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		n = strlen(words[k]);
		for (i = 0; i + n <= len; i++) {
			/* a word of its own: after a space, '[' or "250-" */
			if (i && p[i - 1] != ' ' && p[i - 1] != '[' &&
			    !(i == 4 && p[3] == '-' && reply_code(p, len) > 0))
				continue;
			for (j = 0; j < n; j++) {
				c = p[i + j];
				if (c >= 'a' && c <= 'z')
					c = (uint8_t)(c - 'a' + 'A');
				if (c != (uint8_t)words[k][j])
					break;
			}
			e = i + n < len ? p[i + n] : ' ';
			if (j == n && (e == ' ' || e == '\r' || e == '\n' ||
				       e == ']'))
				return true;
		}
	}
	return false;
}

/* What either side of a TCP flow says; the verdict after it. */
static enum pd_verdict tcp_packet(struct pd_flow *f, enum pd_dir dir,
				  const uint8_t *p, size_t len)
{
	bool first = dir == PD_FROM_CLIENT ? f->client_packets == 1 :
					     f->server_packets == 1;
	enum pd_verdict v = PD_PENDING;
	size_t n;

	if (telnet_iac(p, len))
		return pd_decide(f, PD_APP_TELNET, PD_CLEAR);
	if (f->upgrade == PD_UP_ACCEPTED && dir == PD_FROM_CLIENT &&
	    tls_hello(p, len, 1))
		return pd_decide(f, PD_APP_NONE, PD_UPGRADED);
	if (first && f->app == PD_APP_NONE && f->greeting == GR_NONE &&
	    (tls_hello(p, len, dir == PD_FROM_CLIENT ? 1 : 2)))
		return pd_decide(f, PD_APP_TLS, PD_ENCRYPTED);
	if (first && prefix(p, len, "SSH-"))
		return pd_decide(f, PD_APP_SSH, PD_ENCRYPTED);
	if (dir == PD_FROM_CLIENT && first && f->greeting == GR_NONE &&
	    http_request(p, len))
		return pd_decide(f, PD_APP_HTTP, PD_CLEAR);
	if (dir == PD_FROM_SERVER && first && f->greeting == GR_NONE &&
	    (prefix(p, len, "HTTP/1.0 ") || prefix(p, len, "HTTP/1.1 ")))
		return pd_decide(f, PD_APP_HTTP, PD_CLEAR);
	if (pd_ldap_message(p, len))
		return pd_ldap_packet(f, dir, p, len);
	if (dir == PD_FROM_SERVER && f->greeting == GR_NONE &&
	    f->client_packets == 0)
		server_greeting(f, p, len);
	/* each line of the packet, within len */
	while (len && v == PD_PENDING) {
		n = line_len(p, len);
		if (dir == PD_FROM_CLIENT) {
			v = client_line(f, p, n);
		} else {
			if (!f->offered && offers_tls(p, n))
				f->offered = 1;
			if (f->upgrade == PD_UP_ASKED)
				upgrade_reply(f, p, n);
		}
		p += n;
		len -= n;
	}
	return v;
}

enum pd_verdict pdecode_packet(struct pd_flow *f, uint8_t ipproto,
			       enum pd_dir dir, const uint8_t *p, size_t len)
{
	enum pd_verdict v;

	if (f->verdict != PD_PENDING || !len)
		return (enum pd_verdict)f->verdict;
	if (dir == PD_FROM_CLIENT) {
		if (f->client_packets < 255)
			f->client_packets++;
	} else if (f->server_packets < 255) {
		f->server_packets++;
	}
	v = ipproto == IPPROTO_UDP ? pd_udp_packet(f, dir, p, len) :
				     tcp_packet(f, dir, p, len);
	if (v != PD_PENDING)
		return v;
	/*
	 * Every protocol here names itself in the client's first packet
	 * or answers a server's greeting: a first one that did neither
	 * is something else.
	 */
	if (dir == PD_FROM_CLIENT && f->client_packets == 1 &&
	    f->app == PD_APP_NONE && f->upgrade == PD_UP_NONE &&
	    (f->greeting == GR_NONE || f->greeting == GR_OTHER))
		return pd_decide(f, PD_APP_NONE, PD_UNKNOWN);
	if (f->client_packets >= PD_PACKETS_MAX &&
	    f->server_packets >= PD_PACKETS_MAX)
		return pdecode_end(f);
	return PD_PENDING;
}

enum pd_verdict pdecode_end(struct pd_flow *f)
{
	if (f->verdict != PD_PENDING)
		return (enum pd_verdict)f->verdict;
	if (f->upgrade == PD_UP_ACCEPTED)
		/* TLS agreed, its hello not seen: nothing crossed in clear */
		return pd_decide(f, PD_APP_NONE, PD_UPGRADED);
	if (f->app == PD_APP_SNMP && f->snmp_version == 3)
		/* discovery only: nothing but the engine id crossed */
		return pd_decide(f, PD_APP_NONE, PD_ENCRYPTED);
	if (f->app != PD_APP_NONE)
		return pd_decide(f, PD_APP_NONE, PD_CLEAR);
	/* a mail-style greeting alone names no protocol */
	if (f->client_packets || f->server_packets)
		return pd_decide(f, PD_APP_NONE, PD_UNKNOWN);
	return PD_PENDING;
}
