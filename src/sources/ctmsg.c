// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One conntrack message, an event or a dump's entry, made an
 * EV_CONNTRACK: parsed (ctparse.c), told once (flowset.c), placed in its
 * namespace.  Called by ct.c for events and ctdump.c for dumps.
 */
#include "build.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "model/model.h"
#include "sources/ctparse.h"
#include "sources/ctsrc.h"
#include "sources/flowset.h"

int ct_on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct ct_src *s = data;
	const struct ns_entry *ns = NULL;
	struct flow_event fe;
	struct ct_msg m;
	uint8_t family;
	int type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	/* all but the owner's path buffer, which owner.c fills */
	memset(&fe, 0, offsetof(struct flow_event, owner));
	memset(&fe.owner, 0, offsetof(struct sock_owner, exe));
	fe.owner.exe[0] = '\0';
	if (type == IPCTNL_MSG_CT_NEW)
		fe.kind = (nlh->nlmsg_flags & NLM_F_CREATE) ? FLOW_NEW :
							       FLOW_EXISTING;
	else if (type == IPCTNL_MSG_CT_DELETE)
		fe.kind = FLOW_DESTROY;
	else
		return MNL_CB_OK;
	/* an event says where it was; a dump is of one namespace */
	fe.nsid = s->cur_nsid;
	if (fe.nsid >= 0) {
		ns = nstable_by_nsid(model_namespaces(s->env->model), fe.nsid);
		if (!ns) {
			/* not found yet by nswatch; its next rescan will */
			(*s->unknown_ns)++;
			return MNL_CB_OK;
		}
		fe.netns = ns->inode;
		(*s->other_ns)++;
	}
	if (ct_parse(nlh, &m) < 0) {
		(*s->other)++;
		return MNL_CB_OK;
	}
	(*s->events_ctr)++;
	family = m.family;
	fe.proto = m.proto;
	if (fe.proto != IPPROTO_TCP && fe.proto != IPPROTO_UDP) {
		(*s->other)++;
		return MNL_CB_OK;
	}
	fe.src = m.src;
	fe.dst = m.dst;
	fe.server = m.reply_src;
	fe.sport = m.sport;
	fe.dport = m.dport;
	fe.server_port = m.reply_sport;
	/*
	 * Publish each flow once: a dump repeats flows whose events were
	 * read (or, at start, are still queued) and only adds the missed.
	 */
	if (m.has_id) {
		struct flow_key k = {
			.id = m.id,
			.tuple = flow_key_tuple(fe.proto, fe.src.a, fe.dst.a,
						family == AF_INET6 ? 16 : 4,
						fe.sport, fe.dport),
		};

		if (fe.kind == FLOW_DESTROY) {
			flowset_del(s->seen, k);
		} else if (!(fe.kind == FLOW_NEW ?
			     flowset_add(s->seen, k) :
			     flowset_mark(s->seen, k))) {
			(*s->repeats)++;
			return MNL_CB_OK;
		} else if (fe.kind == FLOW_EXISTING && !s->starting) {
			(*s->recovered_new)++;	/* its NEW was lost */
		}
		*s->tracked = flowset_count(s->seen);
	}
	fe.at_start = fe.kind == FLOW_EXISTING && s->starting;
	fe.closing = fe.proto == IPPROTO_TCP && m.has_tcp_state &&
		     m.tcp_state >= TCP_CONNTRACK_FIN_WAIT;
	fe.from_local = ns ? nstable_addr_is_local(ns, &fe.src) :
			     model_addr_is_local(s->env->model, &fe.src);
	fe.to_local = ns ? nstable_addr_is_local(ns, &fe.server) :
			   model_addr_is_local(s->env->model, &fe.server);
	switch (fe.kind) {
	case FLOW_NEW:
		(*s->new_ctr)++;
		break;
	case FLOW_DESTROY:
		(*s->destroy_ctr)++;
		break;
	case FLOW_EXISTING:
		(*s->existing_ctr)++;
		break;
	}
	if (!fe.from_local && !fe.to_local) {
		(*s->forwarded)++;
		return MNL_CB_OK;
	}
	engine_publish(s->env->engine, EV_CONNTRACK, &fe);
	return MNL_CB_OK;
}
