/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CT_H
#define VIGIL_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "modules.h"

enum flow_kind {
	FLOW_NEW,		/* conntrack NEW event */
	FLOW_DESTROY,		/* conntrack DESTROY event */
	FLOW_EXISTING,		/* found by a table dump (start, resync) */
};

/*
 * One TCP or UDP flow, published as EV_FLOW.  src/dst are the original
 * direction as the initiator sent it; server/server_port is the reply
 * source, i.e. who really answers after any DNAT.  Flows with neither
 * end local (forwarded) are not published.
 */
struct flow_event {
	enum flow_kind kind;
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr src, dst, server;
	uint16_t sport, dport, server_port;
	bool from_local;	/* a local client made it (loopback too) */
	bool to_local;		/* a local server answers it (loopback too) */
};

/* Starting and smallest receive buffer of the event socket. */
#define CT_RCVBUF_START (256 * 1024)
/* How often vigild checks that the nft table is still there. */
#define CT_TABLE_CHECK_MS 30000

/* The conntrack source (modules.c). */
extern const struct vigil_module ct_module;

#endif
