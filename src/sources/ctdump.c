// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conntrack source's table dumps (ctsrc.h): at start, after lost
 * events, and for a namespace found later, each over a socket opened
 * in that namespace.
 */
#include "build.h"

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

/* One namespace's table (nsid -1: vigild's, over d).  0, or -1. */
static int dump_one(struct ct_src *s, struct nldump *d, int32_t nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfh;
	int r;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = AF_UNSPEC;
	nfh->version = NFNETLINK_V0;
	nfh->res_id = 0;
	s->cur_nsid = nsid;
	r = nldump_run(d, nlh, ct_on_msg, s, restart_dump);
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
