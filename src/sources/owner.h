/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_OWNER_H
#define VIGIL_SOURCES_OWNER_H

#include "core/module.h"

/* Pids known to run a catalog client program, at most this many. */
#define OWNER_MAX_PIDS 256
/* Full /proc searches per second; past it a flow's owner is unknown. */
#define OWNER_SCAN_BUDGET 20
/*
 * Outbound flows to ports not in the catalog, kept this long (at most
 * this many): a client program's flow can reach vigild before the
 * audit record of its exec does, and is looked at again then.
 */
#define OWNER_RECENT 128
#define OWNER_RECENT_MS 2000
/*
 * With connect() audited: outbound flows waiting for the audit record
 * that names their program, at most this many, at most this long
 * (then /proc is asked), looked at again this often.
 */
#define OWNER_PARKED 256
#define OWNER_WAIT_MS 1000
#define OWNER_TICK_MS 10

/*
 * The stage between conntrack and the rules: takes EV_CONNTRACK, finds
 * which process made an outbound flow, and publishes the flow with its
 * owner as EV_FLOW.
 *
 * With connect() told by the kernel (EV_CONNECT, joined by connjoin.c):
 * for a TCP flow, the tracepoint source's record with its whole tuple
 * (model_connect_trace(), sockconn.c); for any flow, the audit record
 * of its connect() or addressed send (model_connect_audit()).  Either
 * is taken from the kernel at the moment of use, so a client that
 * lives a millisecond is named too.  A flow waits up to OWNER_WAIT_MS
 * for its record; then /proc is asked.
 *
 * Without it, or as that fallback: sock_diag finds the socket and
 * /proc its holder, when worth the cost: a flow to a catalog client
 * port (known client pids first, then every process a few times a
 * second), or any flow while a known client program runs.  A flow
 * nobody could place is looked at again when a client program's exec
 * arrives, and published late if that program made it.
 *
 * Flows found by the dump at start are state: only known client pids
 * are asked, and nothing waits for them.
 */
extern const struct vigil_module owner_module;

#endif
