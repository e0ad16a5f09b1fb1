/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODEL_MODEL_H
#define VIGIL_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model/engine.h"
#include "model/events.h"
#include "model/nstable.h"
#include "model/proctable.h"

/*
 * What vigild knows of the watched host, with one owner: the local
 * addresses, the listening sockets and the live processes.  Sources
 * write it only through the functions below; everybody else reads it.
 * Changes of the listener table are published as EV_LISTEN.
 */
struct model;

/* At most this many local addresses are kept (more are counted). */
#define MODEL_MAX_ADDRS 4096
/* Listening sockets kept at most (more are counted, not kept). */
#define MODEL_MAX_LISTENERS 8192

/* NULL on ENOMEM. */
struct model *model_new(struct engine *e);
void model_free(struct model *m);

/* ---- addresses (written by sources/addr.c) ---- */

/* Replace the whole set (a complete dump); n is capped.  0 or -1. */
int model_addrs_set(struct model *m, const struct net_addr *a, size_t n);
void model_addr_add(struct model *m, const struct net_addr *a);
void model_addr_del(struct model *m, const struct net_addr *a);
/* Loopback addresses always count as local. */
bool model_addr_is_local(const struct model *m, const struct net_addr *a);
size_t model_addr_count(const struct model *m);

/* ---- listeners (written by sources/listen.c) ---- */

/*
 * Replace the table by arr (n entries, malloc'ed, each exe and
 * snmp_communities owned): the model takes all of it, publishes
 * EV_LISTEN for each socket gone and then for each new one, and frees
 * the old table.  Sockets are told apart by inode, protocol and
 * address.
 */
void model_listeners_set(struct model *m, struct listener *arr, size_t n);
/* The known listener for the same socket as l, or NULL. */
const struct listener *model_listener_same(const struct model *m,
					   const struct listener *l);
/*
 * A listener of proto on port in namespace netns (0: vigild's own)
 * that accepts traffic to addr, or NULL.
 */
const struct listener *model_listener_find(const struct model *m,
					   uint64_t netns, int proto,
					   const struct net_addr *addr,
					   uint16_t port);
size_t model_listener_count(const struct model *m);
const struct listener *model_listener_at(const struct model *m, size_t i);
/* Free a listener array that was not handed to the model. */
void model_listeners_free(struct listener *arr, size_t n);

/* ---- network namespaces (written by sources/nswatch.c) ---- */

/* The namespaces watched besides vigild's own (read it, never write). */
struct nstable *model_namespaces(const struct model *m);
/*
 * Add e (see nstable_add()) and publish it as EV_NETNS; 0, or -1 with
 * errno (EEXIST: e is not taken).
 */
int model_ns_add(struct model *m, struct ns_entry *e);
/* Publish e's going (EV_NETNS), then unlink and free it. */
void model_ns_remove(struct model *m, struct ns_entry *e);
/* ---- processes (written by sources/proc.c and sources/audit.c) ---- */

/* Insert or update; returns 0, -1 with errno (ENOSPC: full). */
int model_proc_update(struct model *m, const struct proc_info *pi);
const struct proc_entry *model_proc_get(const struct model *m, pid_t pid);
size_t model_proc_count(const struct model *m);
/* A full scan: entries it does not update are pruned at its end. */
void model_procs_scan_begin(struct model *m);
/* Returns how many dead entries were dropped. */
size_t model_procs_scan_end(struct model *m);

/*
 * Whether audit records of connect() and addressed sends reach vigild
 * (EV_CONNECT): then a flow's owner is the one the kernel named, and
 * the owner stage waits briefly for it.  Set by the audit source.
 */
void model_set_connect_audit(struct model *m, bool on);
/*
 * A connect record came in, whoever's rule made it (auditd's own rules
 * beside vigil's, or a vigild that is not the audit daemon): for
 * MODEL_CONNECT_SEEN_MS after one, connect() counts as audited too.
 */
#define MODEL_CONNECT_SEEN_MS 10000
void model_note_connect_record(struct model *m);
bool model_connect_audit(const struct model *m);
/*
 * Whether the kernel's tracepoints name the process behind every TCP
 * connect() (tcp) and every UDP send to a client port of the catalog
 * (udp): EV_CONNECT with the tuple, sockconn.c.
 */
void model_set_connect_trace(struct model *m, bool tcp, bool udp);
bool model_connect_trace(const struct model *m);
bool model_udp_trace(const struct model *m);
/*
 * Every tracepoint sample taken up to ns (CLOCK_MONOTONIC) has been
 * handled and its connect published: a flow that came before then has
 * its intents in the join, the newest last.
 */
void model_set_trace_done(struct model *m, uint64_t ns);
uint64_t model_trace_done(const struct model *m);

#endif
