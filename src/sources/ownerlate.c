// SPDX-License-Identifier: GPL-2.0-or-later
/* Flows named after they were given up on: see ownerlate.h. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "sources/ownerlate.h"

struct late_flow {
	struct flow_event fe;
	uint32_t inode;
	uint64_t ms;		/* 0: empty */
};

struct owner_late {
	struct late_flow ring[OWNERLATE_MAX];
	size_t next;
};

struct owner_late *owner_late_new(void)
{
	return calloc(1, sizeof(struct owner_late));
}

void owner_late_free(struct owner_late *l)
{
	free(l);
}

void owner_late_gave_up(struct owner_late *l, const struct flow_event *fe,
			uint32_t inode, uint64_t now)
{
	struct late_flow *f = &l->ring[l->next];

	flow_event_copy(&f->fe, fe);
	f->inode = inode;
	f->ms = now ? now : 1;
	l->next = (l->next + 1) % OWNERLATE_MAX;
}

/* Does ev name f for certain? */
static bool names(const struct late_flow *f, const struct connect_event *ev,
		  uint32_t inode)
{
	const struct flow_event *fe = &f->fe;

	if (fe->dport != ev->dport || !net_addr_eq(&fe->dst, &ev->dst) ||
	    (ev->proto && ev->proto != fe->proto) ||
	    (ev->netns != NETNS_UNKNOWN && ev->netns != fe->netns))
		return false;
	if (ev->sport)
		return ev->sport == fe->sport &&
		       (net_addr_is_any(&ev->src) ||
			net_addr_eq(&ev->src, &fe->src));
	return inode && f->inode == inode;
}

bool owner_late_named(struct owner_late *l, const struct connect_event *ev,
		      uint32_t inode, uint64_t now, struct flow_event *out)
{
	struct late_flow *f;
	size_t i;

	if (!ev->exe || !ev->exe[0])
		return false;
	for (i = 0; i < OWNERLATE_MAX; i++) {
		f = &l->ring[i];
		if (!f->ms || now > f->ms + OWNERLATE_MS ||
		    !names(f, ev, inode))
			continue;
		*out = f->fe;
		f->ms = 0;
		return true;
	}
	return false;
}
