/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_TPCONNECT_H
#define VIGIL_SOURCES_TPCONNECT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/events.h"
#include "sources/progtrack.h"
#include "sources/sockbatch.h"

/* Sockets in SYN_SENT remembered at once (direct-mapped by address). */
#define TPCONNECT_SOCKS 4096

/*
 * Connect events from tracepoint samples (sockconn.c reads them).
 *
 * TCP: a socket entering SYN_SENT is sampled in the connecting task
 * (its pid, and its address in the kernel, but no source port yet);
 * its next change (ESTABLISHED, or CLOSE when refused) carries the
 * whole tuple, maybe in softirq context: the two are joined by the
 * socket's address.
 *
 * UDP: a datagram socket's route is looked up in the sending task, at
 * connect() and at every send on an unconnected socket (fib and fib6
 * tracepoints, output lookups only): tuple but for the source address,
 * which routing has not chosen yet at a first send.
 *
 * Every event carries its caller's program as progtrack knew it at the
 * sample's time, and its raw network namespace inode (0: not known).
 */
struct syn_table;

/* NULL on ENOMEM. */
struct syn_table *syn_table_new(void);
void syn_table_free(struct syn_table *t);
/* Forget every socket (samples were lost). */
void syn_table_reset(struct syn_table *t);

/* A TCP socket entered SYN_SENT in pid, running p (NULL: not known). */
void syn_table_enter(struct syn_table *t, uint64_t skaddr, pid_t pid,
		     const struct prog *p);
/*
 * A TCP socket left SYN_SENT: fills ev and *netns, and returns true,
 * when its entry is known.  ev's strings live until the next call.
 */
bool syn_table_leave(struct syn_table *t, const struct sock_sample *k,
		     struct connect_event *ev, uint64_t *netns);

/*
 * A UDP route lookup in pid, running p (NULL: not known): fills ev
 * (strings p's) and *netns.  Returns false when it is no connect (not
 * UDP, no ports).
 */
bool route_connect(const struct route_sample *r, pid_t pid,
		   const struct prog *p, struct connect_event *ev,
		   uint64_t *netns);

#endif
