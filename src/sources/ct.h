/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CT_H
#define VIGIL_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "sources/addr.h"
#include "modules.h"

enum flow_kind {
	FLOW_NEW,		/* conntrack NEW event */
	FLOW_DESTROY,		/* conntrack DESTROY event */
	FLOW_EXISTING,		/* found by a table dump */
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
	bool to_local;		/* a local server answers (loopback too) */
};

/*
 * The event socket's receive buffer starts at a quarter of the cap
 * (network.conntrack_buffer_max), at most this.  The kernel charges
 * only what is queued, so a roomy start costs nothing while vigild
 * keeps up and absorbs the moments it does not.
 */
#define CT_RCVBUF_START (4 * 1024 * 1024)
/*
 * Under load, wakeups closer than this are merged: the socket is read
 * again after this long instead of on the next event.  Saves a context
 * switch per event at the price of at most this much latency.
 */
#define CT_COALESCE_MS 2
/* How often vigild checks that the nft table is still there. */
#define CT_TABLE_CHECK_MS 30000

/* The conntrack source (modules.c). */
extern const struct vigil_module ct_module;

#endif
