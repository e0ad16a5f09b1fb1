/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LISTEN_H
#define VIGIL_LISTEN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sources/addr.h"
#include "modules.h"

/* Listening sockets kept at most (more are counted, not kept). */
#define LISTEN_MAX 8192
/* On-demand refreshes are at most this often. */
#define LISTEN_MIN_INTERVAL_MS 200

/* Who holds a socket; pid 0: not found (gone, or not visible). */
struct sock_owner {
	pid_t pid;
	uid_t uid;		/* the socket's, from sock_diag */
	uint32_t inode;
	char comm[17];
	char exe[PATH_MAX];	/* "" when unknown */
};

/* A TCP socket in LISTEN, or an unconnected bound UDP socket. */
struct listener {
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr addr;	/* bind address; "any" for a wildcard */
	uint16_t port;
	uint32_t inode;
	uid_t uid;
	pid_t pid;		/* 0: holder not found */
	char comm[17];
	char *exe;		/* NULL when unknown */
};

/* EV_LISTEN: a listener appeared or went away. */
struct listen_change {
	bool added;
	const struct listener *l;
};

struct listen_table;

/*
 * Re-read the table now, publishing EV_LISTEN for each change.
 * on_demand refreshes are skipped when the last one is younger than
 * LISTEN_MIN_INTERVAL_MS.  Returns 1 when the table was read, 0 when
 * skipped, -1 with errno.
 */
int listen_refresh(struct listen_table *t, bool on_demand);

/* Listeners of proto on port that accept traffic to addr. */
const struct listener *listen_find(const struct listen_table *t, int proto,
				   const struct net_addr *addr,
				   uint16_t port);
size_t listen_count(const struct listen_table *t);
const struct listener *listen_at(const struct listen_table *t, size_t i);

/* Does a listener bound to la accept traffic to addr? */
bool listen_addr_match(const struct net_addr *la,
		       const struct net_addr *addr);

/*
 * Who holds the local end (lsrc:lport) of a flow to rdst:rport?  The
 * socket is looked up by sock_diag; its holder among cand (n pids)
 * first and then, if scan_all, among all processes.  Returns 1 and
 * fills out, 0 when the socket or its holder is gone (out->uid/inode
 * may still be set), -1 with errno.
 */
int listen_flow_owner(struct listen_table *t, int proto,
		      const struct net_addr *lsrc, uint16_t lport,
		      const struct net_addr *rdst, uint16_t rport,
		      const pid_t *cand, size_t n, bool scan_all,
		      struct sock_owner *out);

/* The module (modules.c); sets v->listeners. */
extern const struct vigil_module listen_module;

#endif
