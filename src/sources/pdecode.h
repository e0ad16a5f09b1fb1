/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PDECODE_H
#define VIGIL_PDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netaddr.h"

/*
 * What the first packets of a flow say about the protocol it speaks:
 * small decoders for the clear-text protocols vigil judges, TLS, and
 * the ways those protocols upgrade to TLS (STARTTLS, STLS, AUTH TLS,
 * LDAP's StartTLS extended operation), and the SNMP version.
 *
 * A packet's payload is untrusted and is never kept: pdecode_packet()
 * reads it, moves the flow's small state (enums and counters, no
 * bytes of the payload) and returns.  Nothing here allocates.
 */

/* What a flow was found to speak. */
enum pd_app {
	PD_APP_NONE,
	PD_APP_HTTP,
	PD_APP_TELNET,
	PD_APP_FTP,
	PD_APP_SMTP,
	PD_APP_POP3,
	PD_APP_IMAP,
	PD_APP_NNTP,
	PD_APP_LDAP,
	PD_APP_SNMP,
	PD_APP_TFTP,
	PD_APP_TLS,		/* TLS from the first byte */
	PD_APP_SSH,
	PD_APP_COUNT,
};

/* What the flow did, as far as it was seen. */
enum pd_verdict {
	PD_PENDING,		/* not decided yet */
	PD_CLEAR,		/* spoke app in clear text */
	PD_UPGRADED,		/* app upgraded to TLS before credentials */
	PD_ENCRYPTED,		/* TLS, SSH or SNMPv3 with privacy */
	PD_UNKNOWN,		/* payload seen, not recognized */
};

/* A mail-style upgrade's progress (STARTTLS and the like). */
enum pd_upgrade {
	PD_UP_NONE,
	PD_UP_ASKED,		/* the client asked to start TLS */
	PD_UP_ACCEPTED,		/* the server said yes */
};

/* One flow's state: all the decoders keep between packets. */
struct pd_flow {
	uint8_t app;		/* enum pd_app; NONE until known */
	uint8_t verdict;	/* enum pd_verdict */
	uint8_t upgrade;	/* enum pd_upgrade */
	uint8_t greeting;	/* server's first line: 220, +OK, * OK... */
	uint8_t snmp_version;	/* 1, 2 (v2c) or 3; 0: not snmp */
	uint8_t snmp_flags;	/* v3 msgFlags: 1 auth, 2 priv */
	uint8_t client_packets;	/* with payload, bounded */
	uint8_t server_packets;
	/* the server offered an upgrade: STARTTLS, STLS, AUTH TLS */
	uint8_t offered;
};

/* Who sent a payload. */
enum pd_dir {
	PD_FROM_CLIENT,
	PD_FROM_SERVER,
};

/*
 * After this many payload packets from each side without a decision a
 * flow is PD_UNKNOWN (or, for a known app that never upgraded,
 * PD_CLEAR): a protocol that upgrades does so in its first exchanges.
 */
#define PD_PACKETS_MAX 8

/* Start a flow's state: ipproto is IPPROTO_TCP or IPPROTO_UDP. */
void pdecode_init(struct pd_flow *f, uint8_t ipproto);

/*
 * Read one packet's payload (len > 0) of the flow; returns the verdict
 * afterwards.  Once it is not PD_PENDING it does not change.
 */
enum pd_verdict pdecode_packet(struct pd_flow *f, uint8_t ipproto,
			       enum pd_dir dir, const uint8_t *p, size_t len);

/*
 * The verdict for a flow that ended (or ran out of time) while still
 * pending: CLEAR if it spoke a known clear-text app, else UNKNOWN when
 * payload was seen, else PENDING (no payload: nothing to say).
 */
enum pd_verdict pdecode_end(struct pd_flow *f);

/*
 * One line of an FTP client (p, len: from the line's start): a PORT or
 * EPRT command, the address and port the server is to connect to for
 * active-mode data (pdecode_ftp.c).  False when it is neither, or the
 * line is malformed or not whole.  Read in place, nothing kept.
 */
bool pdecode_ftp_port(const uint8_t *p, size_t len, struct net_addr *addr,
		      uint16_t *port);

/* "http", "telnet", ..., "tls", "ssh"; "" for PD_APP_NONE. */
const char *pdecode_app_name(enum pd_app app);
/* "clear", "upgraded", "encrypted", "unknown", "pending". */
const char *pdecode_verdict_name(enum pd_verdict v);

#endif
