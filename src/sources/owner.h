/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_OWNER_H
#define VIGIL_SOURCES_OWNER_H

#include "modules.h"

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
 * The stage between conntrack and the rules: takes EV_CONNTRACK, finds
 * which process holds the local end of an outbound flow (sock_diag for
 * the socket, /proc for its holder) when that is worth its cost, and
 * publishes the flow with its owner as EV_FLOW.  Worth it: a flow to a
 * catalog client port (known client pids first, then every process a
 * few times a second), or any flow while a known client program runs.
 * A flow nobody could place is looked at again when a client program's
 * exec arrives, and published late if that program made it.
 */
extern const struct vigil_module owner_module;

#endif
