// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The binary protocols of pdecode.h: LDAP and SNMP are BER (X.690)
 * messages, read here only as far as the verdict needs (an LDAP
 * operation's tag and StartTLS, SNMP's version and v3 flags); TFTP's
 * first request.  A captured packet may be cut (the snaplen): an
 * element longer than what is left is read as far as it goes.
 */
#include "build.h"

#include <string.h>
#include <strings.h>

#include "sources/pdecode_priv.h"

/* A BER element: its tag and content, within the packet. */
struct ber {
	uint8_t tag;
	const uint8_t *p;
	size_t len;		/* content captured (may be cut short) */
	size_t full;		/* content length the element declares */
};

/*
 * The element at *p; advances *p and *len past it (or to the end when
 * it is cut).  Definite lengths of up to four bytes only.  0, or -1.
 */
static int ber_next(const uint8_t **p, size_t *len, struct ber *e)
{
	const uint8_t *q = *p;
	size_t n = *len, l, i, k;

	if (n < 2)
		return -1;
	e->tag = q[0];
	l = q[1];
	q += 2;
	n -= 2;
	if (l & 0x80) {
		k = l & 0x7f;
		if (k == 0 || k > 4 || n < k)
			return -1;
		for (l = 0, i = 0; i < k; i++)
			l = (l << 8) | q[i];
		q += k;
		n -= k;
	}
	e->p = q;
	e->full = l;
	e->len = l < n ? l : n;
	*p = q + e->len;
	*len = n - e->len;
	return 0;
}

/* The small non-negative INTEGER e holds, or -1. */
static long ber_int(const struct ber *e)
{
	long v = 0;
	size_t i;

	if (e->tag != 0x02 || e->len == 0 || e->len > 4 ||
	    e->len != e->full || (e->p[0] & 0x80))
		return -1;
	for (i = 0; i < e->len; i++)
		v = (v << 8) | e->p[i];
	return v;
}

/* LDAP operations (application tags) a client sends in clear. */
static bool ldap_request(uint8_t op)
{
	switch (op) {
	case 0x60:	/* bindRequest */
	case 0x63:	/* searchRequest */
	case 0x66:	/* modifyRequest */
	case 0x68:	/* addRequest */
	case 0x4a:	/* delRequest */
	case 0x6c:	/* modDNRequest */
	case 0x6e:	/* compareRequest */
		return true;
	default:
		return false;
	}
}

static bool ldap_op(uint8_t op)
{
	return ldap_request(op) || op == 0x42 || op == 0x50 || op == 0x77 ||
	       op == 0x61 || op == 0x64 || op == 0x65 || op == 0x73 ||
	       op == 0x67 || op == 0x69 || op == 0x6b || op == 0x6d ||
	       op == 0x6f || op == 0x78 || op == 0x79;
}

/* The message id and the operation of an LDAPMessage; -1 if not one. */
static int ldap_parse(const uint8_t *p, size_t len, struct ber *op)
{
	struct ber msg, id;
	const uint8_t *q;
	size_t n;

	if (ber_next(&p, &len, &msg) < 0 || msg.tag != 0x30)
		return -1;
	q = msg.p;
	n = msg.len;
	if (ber_next(&q, &n, &id) < 0 || ber_int(&id) < 0 ||
	    ber_next(&q, &n, op) < 0 || !ldap_op(op->tag))
		return -1;
	return 0;
}

bool pd_ldap_message(const uint8_t *p, size_t len)
{
	struct ber op;

	return ldap_parse(p, len, &op) == 0;
}

#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"

enum pd_verdict pd_ldap_packet(struct pd_flow *f, enum pd_dir dir,
			       const uint8_t *p, size_t len)
{
	bool up = f->upgrade == PD_UP_ACCEPTED;
	struct ber op, e;
	const uint8_t *q;
	size_t n;

	if (ldap_parse(p, len, &op) < 0)
		return PD_PENDING;
	f->app = PD_APP_LDAP;
	q = op.p;
	n = op.len;
	if (dir == PD_FROM_CLIENT) {
		/* extendedReq: requestName [0] is the StartTLS OID */
		if (op.tag == 0x77 && ber_next(&q, &n, &e) == 0 &&
		    e.tag == 0x80 && e.len == strlen(LDAP_STARTTLS_OID) &&
		    !memcmp(e.p, LDAP_STARTTLS_OID, e.len)) {
			f->upgrade = PD_UP_ASKED;
			return PD_PENDING;
		}
		if (!up && ldap_request(op.tag))
			return pd_decide(f, PD_APP_LDAP, PD_CLEAR);
		return PD_PENDING;
	}
	/* extendedResp to StartTLS: resultCode success (0) */
	if (op.tag == 0x78 && f->upgrade == PD_UP_ASKED) {
		if (ber_next(&q, &n, &e) == 0 && e.tag == 0x0a &&
		    e.len == 1 && e.p[0] == 0)
			f->upgrade = PD_UP_ACCEPTED;
		else
			f->upgrade = PD_UP_NONE;
		return PD_PENDING;
	}
	/* search results in clear */
	if (!up && (op.tag == 0x64 || op.tag == 0x65))
		return pd_decide(f, PD_APP_LDAP, PD_CLEAR);
	return PD_PENDING;
}

/* SNMP (RFC 3416, RFC 3412): the version, and v3's flags and user. */
static enum pd_verdict snmp_packet(struct pd_flow *f, const uint8_t *p,
				   size_t len)
{
	struct ber msg, ver, e, hdr, sp, usm;
	const uint8_t *q, *h;
	size_t n, hn;
	long v;
	int i;

	if (ber_next(&p, &len, &msg) < 0 || msg.tag != 0x30)
		return PD_PENDING;
	q = msg.p;
	n = msg.len;
	if (ber_next(&q, &n, &ver) < 0)
		return PD_PENDING;
	v = ber_int(&ver);
	if (v == 0 || v == 1) {
		/* community, then a PDU: GetRequest .. Report */
		if (ber_next(&q, &n, &e) < 0 || e.tag != 0x04 ||
		    e.len != e.full || n < 1 || q[0] < 0xa0 || q[0] > 0xa8)
			return PD_PENDING;
		f->snmp_version = (uint8_t)(v + 1);
		return pd_decide(f, PD_APP_SNMP, PD_CLEAR);
	}
	if (v != 3)
		return PD_PENDING;
	/* msgGlobalData: msgID, msgMaxSize, msgFlags, msgSecurityModel */
	if (ber_next(&q, &n, &hdr) < 0 || hdr.tag != 0x30)
		return PD_PENDING;
	h = hdr.p;
	hn = hdr.len;
	for (i = 0; i < 3; i++)
		if (ber_next(&h, &hn, &e) < 0)
			return PD_PENDING;
	if (e.tag != 0x04 || e.len != 1)
		return PD_PENDING;
	f->app = PD_APP_SNMP;
	f->snmp_version = 3;
	f->snmp_flags |= e.p[0] & 3;
	if (e.p[0] & 2)
		return pd_decide(f, PD_APP_SNMP, PD_ENCRYPTED);
	/* USM parameters: engine id, boots, time, then the user name */
	if (ber_next(&q, &n, &sp) < 0 || sp.tag != 0x04)
		return PD_PENDING;
	h = sp.p;
	hn = sp.len;
	if (ber_next(&h, &hn, &usm) < 0 || usm.tag != 0x30)
		return PD_PENDING;
	h = usm.p;
	hn = usm.len;
	for (i = 0; i < 4; i++)
		if (ber_next(&h, &hn, &e) < 0)
			return PD_PENDING;
	/* no user: discovery, nothing of the manager's crossed yet */
	if (e.tag != 0x04 || e.full == 0)
		return PD_PENDING;
	return pd_decide(f, PD_APP_SNMP, PD_CLEAR);
}

/* TFTP (RFC 1350): RRQ or WRQ, a file name, a mode. */
static bool tftp_request(const uint8_t *p, size_t len)
{
	static const char *const modes[] = { "octet", "netascii", "mail" };
	const uint8_t *end;
	size_t i, n, m;

	if (len < 4 || p[0] != 0 || (p[1] != 1 && p[1] != 2))
		return false;
	p += 2;
	len -= 2;
	end = memchr(p, 0, len);
	if (!end || end == p)
		return false;
	for (i = 0; p + i < end; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	n = (size_t)(end - p) + 1;
	p += n;
	len -= n;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		m = strlen(modes[i]);
		if (len > m && !strncasecmp((const char *)p, modes[i], m) &&
		    p[m] == 0)
			return true;
	}
	return false;
}

enum pd_verdict pd_udp_packet(struct pd_flow *f, enum pd_dir dir,
			      const uint8_t *p, size_t len)
{
	if (len && p[0] == 0x30)
		return snmp_packet(f, p, len);
	if (dir == PD_FROM_CLIENT && f->client_packets == 1 &&
	    tftp_request(p, len))
		return pd_decide(f, PD_APP_TFTP, PD_CLEAR);
	return PD_PENDING;
}
