// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of watched network namespaces (model/nstable.h), found by
 * inode and by the id conntrack gives: two uthash handles on one entry.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/nstable.h"

struct nstable {
	struct ns_entry *by_ino;
	struct ns_entry *by_id;
};

struct nstable *nstable_new(void)
{
	return calloc(1, sizeof(struct nstable));
}

void nstable_entry_free(struct ns_entry *e)
{
	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e);
}

void nstable_free(struct nstable *t)
{
	struct ns_entry *e, *tmp;

	if (!t)
		return;
	HASH_ITER(hh_ino, t->by_ino, e, tmp) {
		nstable_remove(t, e);
		nstable_entry_free(e);
	}
	free(t);
}

struct ns_entry *nstable_by_inode(const struct nstable *t, uint64_t inode)
{
	struct ns_entry *e = NULL;

	HASH_FIND(hh_ino, t->by_ino, &inode, sizeof(inode), e);
	return e;
}

struct ns_entry *nstable_by_nsid(const struct nstable *t, int32_t nsid)
{
	struct ns_entry *e = NULL;

	HASH_FIND(hh_id, t->by_id, &nsid, sizeof(nsid), e);
	return e;
}

int nstable_add(struct nstable *t, struct ns_entry *e)
{
	if (nstable_by_inode(t, e->inode) || nstable_by_nsid(t, e->nsid)) {
		errno = EEXIST;
		return -1;
	}
	HASH_ADD(hh_ino, t->by_ino, inode, sizeof(e->inode), e);
	if (!hash_added(e, hh_ino))
		goto oom;
	HASH_ADD(hh_id, t->by_id, nsid, sizeof(e->nsid), e);
	if (!hash_added(e, hh_id)) {
		HASH_DELETE(hh_ino, t->by_ino, e);
		goto oom;
	}
	return 0;
oom:
	errno = ENOMEM;
	return -1;
}

void nstable_remove(struct nstable *t, struct ns_entry *e)
{
	HASH_DELETE(hh_ino, t->by_ino, e);
	HASH_DELETE(hh_id, t->by_id, e);
}

size_t nstable_count(const struct nstable *t)
{
	return HASH_CNT(hh_ino, t->by_ino);
}

struct ns_entry *nstable_first(const struct nstable *t)
{
	return t->by_ino;
}

struct ns_entry *nstable_next(const struct ns_entry *e)
{
	return e->hh_ino.next;
}

bool nstable_addr_is_local(const struct ns_entry *e,
			   const struct net_addr *a)
{
	return net_addr_is_local(e->addrs, e->naddrs, a);
}
