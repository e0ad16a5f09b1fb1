// SPDX-License-Identifier: GPL-2.0-or-later
/* sock_diag in other namespaces, one socket each (nssockfind.h). */
#include "build.h"

#include <stdlib.h>

#include "lib/hash.h"
#include "sources/nssockfind.h"

struct ns_sf {
	int32_t nsid;
	struct sockfind *sf;		/* NULL: it failed */
	UT_hash_handle hh;
};

struct ns_sockfinds {
	const struct model *m;
	struct ns_sf *by_id;
};

static void drop(struct ns_sockfinds *s, struct ns_sf *n)
{
	HASH_DEL(s->by_id, n);
	sockfind_close(n->sf);
	free(n);
}

static void on_netns(void *data, enum engine_event type, const void *p)
{
	const struct netns_change *c = p;
	struct ns_sockfinds *s = data;
	struct ns_sf *n = NULL;

	(void)type;
	if (c->added)
		return;
	HASH_FIND(hh, s->by_id, &c->ns->nsid, sizeof(c->ns->nsid), n);
	if (n)
		drop(s, n);
}

struct ns_sockfinds *ns_sockfinds_new(struct engine *e, struct model *m)
{
	struct ns_sockfinds *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->m = m;
	if (engine_subscribe(e, EV_NETNS, on_netns, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void ns_sockfinds_free(struct ns_sockfinds *s)
{
	struct ns_sf *n, *tmp;

	if (!s)
		return;
	HASH_ITER(hh, s->by_id, n, tmp)
		drop(s, n);
	free(s);
}

struct sockfind *ns_sockfinds_get(struct ns_sockfinds *s, int32_t nsid)
{
	const struct ns_entry *ns;
	struct ns_sf *n = NULL;

	HASH_FIND(hh, s->by_id, &nsid, sizeof(nsid), n);
	if (n)
		return n->sf;
	ns = nstable_by_nsid(model_namespaces(s->m), nsid);
	if (!ns || !(n = calloc(1, sizeof(*n))))
		return NULL;
	n->nsid = nsid;
	n->sf = sockfind_open(ns->path);
	HASH_ADD(hh, s->by_id, nsid, sizeof(n->nsid), n);
	if (!hash_added(n, hh)) {
		sockfind_close(n->sf);
		free(n);
		return NULL;
	}
	return n->sf;
}
