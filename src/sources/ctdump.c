// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conntrack source's table dumps (ctsrc.h): at start, after lost
 * events, and for a namespace found later, each over a socket opened
 * in that namespace.
 */
#include "build.h"

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "lib/log.h"
#include "model/model.h"
#include "sources/ctsrc.h"
#include "sources/flowset.h"

/*
 * An interrupted dump is read again: flows already marked stay marked,
 * and this time no flow is taken for gone (ct_dump()).
 */
static void restart_dump(void *data)
{
	((struct ct_src *)data)->dump_intr = true;
}

/* A ctnetlink request of type (IPCTNL_MSG_*) with flags, in buf. */
static struct nlmsghdr *request(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfh;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = AF_UNSPEC;
	nfh->version = NFNETLINK_V0;
	nfh->res_id = 0;
	return nlh;
}

static int on_entries(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTA_STATS_GLOBAL_ENTRIES &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	return MNL_CB_OK;
}

static int on_stats(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), on_entries, data);
	return MNL_CB_OK;
}

/* How many flows the table over d holds now; 0 when it cannot say. */
static size_t table_size(struct nldump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t n = 0;

	if (nldump_run(d, request(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK),
		       on_stats, &n, NULL) < 0)
		return 0;
	return n;
}

/* One namespace's table (nsid -1: vigild's, over d).  0, or -1. */
static int dump_one(struct ct_src *s, struct nldump *d, int32_t nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t n = table_size(d), held = flowset_count(s->seen);
	int r;

	/*
	 * Room for its flows first; vigild's own table is all there is
	 * after a resync, a namespace's comes on top of what is held.
	 */
	if (nsid < 0 && n < held)
		n = held;
	else if (nsid >= 0)
		n += held;
	(void)flowset_reserve(s->seen, n);
	s->cur_nsid = nsid;
	r = nldump_run(d, request(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP),
		       ct_on_msg, s, restart_dump);
	s->cur_nsid = -1;
	return r;
}

/* The table of watched namespace e, over a socket opened there. */
static int dump_ns(struct ct_src *s, const struct ns_entry *e)
{
	struct nldump *d = nldump_open(e->path, NETLINK_NETFILTER);
	int r = d ? dump_one(s, d, e->nsid) : -1;

	nldump_close(d);
	if (r < 0)
		(*s->ns_dump_failed)++;
	return r;
}

/*
 * Read the whole table: flows that exist already, or were missed; with
 * every namespace watched, each one's (one socket hears them all, and
 * loses them all when it overflows).
 */
int ct_dump(struct ct_src *s)
{
	const struct ns_entry *e;
	bool whole = true;
	size_t n;

	flowset_begin(s->seen);
	s->dump_intr = false;
	if (dump_one(s, s->dump, -1) < 0) {
		log_warn("conntrack: cannot dump the table: %m");
		return -1;
	}
	for (e = s->all_ns ? nstable_first(model_namespaces(s->env->model)) :
			     NULL; e; e = nstable_next(e))
		if (e->nsid >= 0 && dump_ns(s, e) < 0)
			whole = false;
	/* flows gone while their DESTROY was lost, when that is sure */
	if (whole && !s->dump_intr) {
		n = flowset_sweep(s->seen);
		if (!s->starting)
			*s->recovered_gone += n;
	}
	*s->tracked = flowset_count(s->seen);
	return 0;
}

/*
 * A namespace found after start: its flows that exist already are
 * state, as at start (a container vigild had not seen yet).
 */
void ct_on_netns(void *data, enum engine_event type, const void *p)
{
	const struct netns_change *c = p;
	struct ct_src *s = data;

	(void)type;
	if (!c->added || !s->all_ns || !s->started || c->ns->nsid < 0)
		return;
	s->starting = true;
	dump_ns(s, c->ns);
	s->starting = false;
	*s->tracked = flowset_count(s->seen);
}
