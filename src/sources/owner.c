// SPDX-License-Identifier: GPL-2.0-or-later
/* Which process made a flow: the stage between conntrack and the rules. */
#include "build.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/nldump.h"
#include "model/model.h"
#include "sources/owner.h"
#include "sources/procfd.h"

struct recent_flow {
	struct flow_event fe;
	uint64_t ms;		/* 0: empty or already placed */
};

struct owner_stage {
	const struct vigil_env *env;
	struct nldump *nl;		/* NULL: sock_diag unavailable */
	pid_t pids[OWNER_MAX_PIDS];	/* running a client program */
	size_t npids;
	uint64_t budget_sec;
	unsigned int budget_used;
	struct recent_flow recent[OWNER_RECENT];	/* a ring */
	size_t next_recent;
	/* a socket lookup answers here */
	struct sock_owner *want;
	const struct net_addr *want_src;
	uint16_t want_port;
	bool found;
	uint64_t *lookups, *unknown, *throttled, *late;
};

static const int owner_caps[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };

static bool is_client(const struct owner_stage *o, const char *comm,
		      const char *exe)
{
	const struct proto_entry *pe = proto_by_client(o->env->cfg->catalog,
						       comm, exe);

	return pe && (pe->use & PROTO_USE_CLIENT);
}

static void pid_forget(struct owner_stage *o, pid_t pid)
{
	size_t i;

	for (i = 0; i < o->npids; i++) {
		if (o->pids[i] == pid) {
			o->pids[i] = o->pids[--o->npids];
			return;
		}
	}
}

/* Returns true when pid runs a client program (and is now known). */
static bool pid_note(struct owner_stage *o, pid_t pid, const char *comm,
		     const char *exe)
{
	pid_forget(o, pid);
	if (!is_client(o, comm, exe))
		return false;
	if (o->npids == OWNER_MAX_PIDS)
		/* the oldest is the likeliest to be gone */
		memmove(o->pids, o->pids + 1,
			--o->npids * sizeof(o->pids[0]));
	o->pids[o->npids++] = pid;
	return true;
}

/* May this flow do a full /proc search?  A few per second at most. */
static bool budget_ok(struct owner_stage *o)
{
	uint64_t sec = loop_now_ms() / 1000;

	if (sec != o->budget_sec) {
		o->budget_sec = sec;
		o->budget_used = 0;
	}
	if (o->budget_used >= OWNER_SCAN_BUDGET) {
		(*o->throttled)++;
		return false;
	}
	o->budget_used++;
	return true;
}

/* A lookup answer: the socket whose local end is the flow's. */
static int on_sock(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct owner_stage *o = data;
	struct net_addr a;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || o->found)
		return MNL_CB_OK;
	if (ntohs(m->id.idiag_sport) != o->want_port)
		return MNL_CB_OK;
	net_addr_set(&a, m->idiag_family, m->id.idiag_src);
	if (!net_addr_accepts(&a, o->want_src))
		return MNL_CB_OK;
	o->want->inode = m->idiag_inode;
	o->want->uid = m->idiag_uid;
	o->found = m->idiag_inode != 0;
	return MNL_CB_OK;
}

static void put_diag_addr(__be32 *raw, const struct net_addr *a,
			  uint8_t family)
{
	struct net_addr u;

	if (family == AF_INET6 && a->family == AF_INET) {
		/* a v4 flow of a dual-stack socket: ::ffff:a.b.c.d */
		memset(raw, 0, 16);
		((uint8_t *)raw)[10] = 0xff;
		((uint8_t *)raw)[11] = 0xff;
		memcpy((uint8_t *)raw + 12, a->a, 4);
		return;
	}
	net_addr_unmap(a, &u);
	memcpy(raw, u.a, family == AF_INET6 ? 16 : 4);
}

/*
 * TCP: the kernel finds the exact socket.  UDP: its exact lookup takes
 * the tuple from the receiving side, and client sockets are usually
 * unconnected, so scan the UDP dump for the local address and port.
 */
static int lookup_sock(struct owner_stage *o, uint8_t family,
		       const struct flow_event *fe)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	int r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	/* ACK: a single answer has no NLMSG_DONE to end on */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = fe->proto;
	req->idiag_states = ~0u;
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (fe->proto == IPPROTO_TCP) {
		req->id.idiag_sport = htons(fe->sport);
		req->id.idiag_dport = htons(fe->dport);
		put_diag_addr(req->id.idiag_src, &fe->src, family);
		put_diag_addr(req->id.idiag_dst, &fe->dst, family);
	} else {
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	}
	r = nldump_run(o->nl, nlh, on_sock, o, NULL);
	/* ENOENT: no such socket, which is an answer, not a failure */
	if (r < 0 && errno == ENOENT)
		r = 0;
	return r;
}

/*
 * Who holds the local end of fe?  Its holder is searched among cand (n
 * pids) first and then, if scan_all, among all processes.  Returns 1
 * and fills out, 0 when the socket or its holder is gone (out->uid and
 * inode may still be set), -1 with errno.
 */
static int find_owner(struct owner_stage *o, const struct flow_event *fe,
		      const pid_t *cand, size_t n, bool scan_all,
		      struct sock_owner *out)
{
	pid_t pid = 0;

	memset(out, 0, sizeof(*out));
	if (!o->nl)
		return 0;
	(*o->lookups)++;
	o->want = out;
	o->want_src = &fe->src;
	o->want_port = fe->sport;
	o->found = false;
	if (lookup_sock(o, fe->src.family, fe) < 0)
		return -1;
	if (!o->found && fe->src.family == AF_INET &&
	    lookup_sock(o, AF_INET6, fe) < 0)
		return -1;
	if (!o->found)
		return 0;
	if (n)
		pid = procfd_find_socket(out->inode, cand, n);
	if (pid == 0 && scan_all)
		pid = procfd_find_socket(out->inode, NULL, 0);
	if (pid <= 0)
		return pid < 0 ? -1 : 0;
	out->pid = pid;
	procfd_names(model_proc_get(o->env->model, pid), pid, out->comm,
		     sizeof(out->comm), out->exe, sizeof(out->exe));
	return 1;
}

static void remember(struct owner_stage *o, const struct flow_event *fe)
{
	struct recent_flow *rf = &o->recent[o->next_recent];

	rf->fe = *fe;
	rf->ms = loop_now_ms();
	o->next_recent = (o->next_recent + 1) % OWNER_RECENT;
}

/* Flows made by a program vigild had not yet seen start, only seen. */
static void recheck_recent(struct owner_stage *o, pid_t pid)
{
	uint64_t now = loop_now_ms();
	struct flow_event fe;
	size_t i;

	for (i = 0; i < OWNER_RECENT; i++) {
		struct recent_flow *rf = &o->recent[i];

		if (!rf->ms || now - rf->ms > OWNER_RECENT_MS)
			continue;
		fe = rf->fe;
		if (find_owner(o, &fe, &pid, 1, false, &fe.owner) <= 0 ||
		    !is_client(o, fe.owner.comm, fe.owner.exe))
			continue;
		rf->ms = 0;
		fe.owner_state = OWNER_FOUND;
		fe.late = true;
		(*o->late)++;
		engine_publish(o->env->engine, EV_FLOW, &fe);
	}
}

static bool owners_wanted(const struct owner_stage *o)
{
	return engine_rule_enabled(o->env->engine, RULE_CLIENT_LOGIN) ||
	       engine_rule_enabled(o->env->engine, RULE_CLIENT_GENERAL);
}

static void on_conntrack(void *data, enum engine_event type, const void *p)
{
	struct owner_stage *o = data;
	const struct proto_entry *pe;
	struct flow_event fe = *(const struct flow_event *)p;
	int r;

	(void)type;
	fe.owner_state = OWNER_NOT_ASKED;
	if (fe.kind == FLOW_DESTROY || !fe.from_local || !owners_wanted(o))
		goto publish;
	pe = proto_by_port(o->env->cfg->catalog, fe.proto, fe.dport);
	if (pe && (pe->use & PROTO_USE_CLIENT)) {
		/* known client pids first: cheap, and usually right */
		r = find_owner(o, &fe, o->pids, o->npids, budget_ok(o),
			       &fe.owner);
		fe.owner_state = r > 0 ? OWNER_FOUND : OWNER_UNKNOWN;
		if (r <= 0)
			(*o->unknown)++;
		goto publish;
	}
	/* Another port: only a known client program's flow is worth it. */
	r = o->npids ? find_owner(o, &fe, o->pids, o->npids, false,
				  &fe.owner) : 0;
	if (r > 0)
		fe.owner_state = OWNER_FOUND;
	if ((r <= 0 || !is_client(o, fe.owner.comm, fe.owner.exe)) &&
	    fe.kind == FLOW_NEW && o->nl)
		remember(o, &fe);
publish:
	engine_publish(o->env->engine, EV_FLOW, &fe);
}

static void on_exec(void *data, enum engine_event type, const void *p)
{
	const struct exec_event *ev = p;

	(void)type;
	if (pid_note(data, ev->pid, ev->comm, ev->exe))
		recheck_recent(data, ev->pid);
}

static void on_scan(void *data, enum engine_event type, const void *p)
{
	const struct proc_info *pi = p;

	(void)type;
	pid_note(data, pi->pid, pi->comm, pi->exe);
}

static void owner_fini(void *priv)
{
	struct owner_stage *o = priv;

	if (!o)
		return;
	nldump_close(o->nl);
	free(o);
}

static int owner_init(const struct vigil_env *env, void **priv)
{
	struct owner_stage *o = calloc(1, sizeof(*o));
	struct engine *e = env->engine;
	const char *ns = env->cfg->netns;

	if (!o)
		return -1;
	*priv = o;
	o->env = env;
	o->lookups = engine_counter(e, "owner", "lookups");
	o->unknown = engine_counter(e, "owner", "unknown_process");
	o->throttled = engine_counter(e, "owner", "lookups_throttled");
	o->late = engine_counter(e, "owner", "late");
	if (!o->lookups || !o->unknown || !o->throttled || !o->late ||
	    engine_subscribe(e, EV_CONNTRACK, on_conntrack, o) < 0 ||
	    engine_subscribe(e, EV_EXEC, on_exec, o) < 0 ||
	    engine_subscribe(e, EV_PROC_SCAN, on_scan, o) < 0)
		return -1;
	o->nl = nldump_open(ns, NETLINK_SOCK_DIAG);
	if (!o->nl)
		/* flows still reach the rules, with no program */
		log_err("owner: sock_diag unavailable%s%s (%m): flows are not attributed to processes",
			ns ? " in " : "", ns ? ns : "");
	return 0;
}

const struct vigil_module owner_module = {
	.name = "owner",
	.caps = owner_caps,
	.ncaps = sizeof(owner_caps) / sizeof(owner_caps[0]),
	.init = owner_init,
	.fini = owner_fini,
};
