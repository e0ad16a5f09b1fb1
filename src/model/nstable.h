/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODEL_NSTABLE_H
#define VIGIL_MODEL_NSTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/hash.h"
#include "model/events.h"

/*
 * The network namespaces vigild watches besides its own, each with
 * what the sources need to work in it: an fd to open sockets there,
 * its id as vigild's namespace knows it (conntrack tells a flow's
 * namespace by that id), its addresses, and the container it belongs
 * to.  Written by sources/nswatch.c only; added and removed entries are
 * published as EV_NETNS.
 */
#define NSTABLE_MAX_ADDRS 64

struct ns_entry {
	uint64_t inode;			/* the namespace's identity */
	int32_t nsid;			/* in vigild's namespace */
	int fd;				/* open on it, close-on-exec */
	char path[32];			/* "/proc/self/fd/N": to open it */
	char name[64];			/* under /run/netns; "" */
	pid_t member;			/* a process in it, last seen */
	struct place place;		/* where it is: container, name */
	uint64_t located_ms;		/* place last looked up (loop ms) */
	pid_t located_pid;		/* ...through this member; 0: none */
	struct net_addr addrs[NSTABLE_MAX_ADDRS];
	size_t naddrs;
	bool table_loaded;		/* vigild loaded its nft table */
	bool acct_set;			/* ...and so turned accounting on */
	unsigned int seen_gen;		/* rescan that last saw it */
	UT_hash_handle hh_ino, hh_id;
};

struct nstable;

struct nstable *nstable_new(void);
/* Frees every entry (closing their fds) without publishing. */
void nstable_free(struct nstable *t);

/*
 * Take e (malloc'ed, fd owned, inode and nsid unique): 0, or -1 with
 * errno EEXIST and e untouched when its inode or nsid is there, ENOMEM.
 */
int nstable_add(struct nstable *t, struct ns_entry *e);
/* Unlink e; the caller frees it with nstable_entry_free(). */
void nstable_remove(struct nstable *t, struct ns_entry *e);
void nstable_entry_free(struct ns_entry *e);

struct ns_entry *nstable_by_inode(const struct nstable *t, uint64_t inode);
struct ns_entry *nstable_by_nsid(const struct nstable *t, int32_t nsid);
size_t nstable_count(const struct nstable *t);
/* Iterate: first, then next (NULL at the end); no removal meanwhile. */
struct ns_entry *nstable_first(const struct nstable *t);
struct ns_entry *nstable_next(const struct ns_entry *e);

/* Is a (an address conntrack showed) one of e's own?  Loopback is. */
bool nstable_addr_is_local(const struct ns_entry *e,
			   const struct net_addr *a);

#endif
