// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner stage's /proc way: which process holds a flow's socket,
 * asked of sock_diag and /proc, for flows no connect record names
 * (see owner.h), and the client programs' pids that make it cheap.
 */
#include "build.h"

#include <stddef.h>
#include <string.h>

#include "config/config.h"
#include "lib/loop.h"
#include "model/engine.h"
#include "model/model.h"
#include "sources/nssockfind.h"
#include "sources/ownerstage.h"
#include "sources/procfd.h"
#include "sources/sockfind.h"

bool owner_is_client(const struct owner_stage *o, const char *comm,
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

bool owner_pid_note(struct owner_stage *o, pid_t pid, const char *comm,
		    const char *exe)
{
	pid_forget(o, pid);
	if (!owner_is_client(o, comm, exe))
		return false;
	if (o->npids == OWNER_MAX_PIDS)
		/* the oldest is the likeliest to be gone */
		memmove(o->pids, o->pids + 1,
			--o->npids * sizeof(o->pids[0]));
	o->pids[o->npids++] = pid;
	return true;
}

/* sock_diag where fe was seen; NULL when it cannot be asked there. */
static struct sockfind *sf_of(struct owner_stage *o,
			      const struct flow_event *fe)
{
	return fe->nsid < 0 ? o->sf : ns_sockfinds_get(o->ns_sf, fe->nsid);
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
	struct sockfind *sf = sf_of(o, fe);
	pid_t pid = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (!sf)
		return 0;
	(*o->lookups)++;
	r = sockfind_socket(sf, fe, out);
	if (r <= 0)
		return r;
	if (n)
		pid = procfd_find_socket(out->inode, cand, n);
	if (pid == 0 && scan_all)
		pid = procfd_find_socket(out->inode, NULL, 0);
	if (pid <= 0)
		return pid < 0 ? -1 : 0;
	out->pid = pid;
	/* never a program named by its comm alone: that is unknown */
	return procfd_names(model_proc_get(o->env->model, pid), pid,
			    out->comm, sizeof(out->comm), out->exe,
			    sizeof(out->exe)) ? 1 : 0;
}

static void remember(struct owner_stage *o, const struct flow_event *fe)
{
	struct recent_flow *rf = &o->recent[o->next_recent];

	flow_event_copy(&rf->fe, fe);
	rf->ms = loop_now_ms();
	o->next_recent = (o->next_recent + 1) % OWNER_RECENT;
}

void owner_recheck_recent(struct owner_stage *o, pid_t pid)
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
		    !owner_is_client(o, fe.owner.comm, fe.owner.exe))
			continue;
		rf->ms = 0;
		fe.owner_state = OWNER_FOUND;
		fe.late = true;
		(*o->late)++;
		engine_publish(o->env->engine, EV_FLOW, &fe);
	}
}

bool owner_catalog_port(const struct owner_stage *o,
			const struct flow_event *fe)
{
	const struct proto_entry *pe = proto_by_port(o->env->cfg->catalog,
						     fe->proto, fe->dport);

	return pe && (pe->use & PROTO_USE_CLIENT);
}

void owner_proc(struct owner_stage *o, struct flow_event *fe)
{
	int r;

	if (owner_catalog_port(o, fe)) {
		bool scan = budget_ok(o);

		/* known client pids first: cheap, and usually right */
		r = scan || o->npids ? find_owner(o, fe, o->pids, o->npids,
						  scan, &fe->owner) : 0;
		fe->owner_state = r > 0 ? OWNER_FOUND : OWNER_UNKNOWN;
		if (r <= 0)
			(*o->unknown)++;
		return;
	}
	/* Another port: only a known client program's flow is worth it. */
	r = o->npids ? find_owner(o, fe, o->pids, o->npids, false,
				  &fe->owner) : 0;
	if (r > 0)
		fe->owner_state = OWNER_FOUND;
	if ((r <= 0 || !owner_is_client(o, fe->owner.comm, fe->owner.exe)) &&
	    fe->kind != FLOW_EXISTING && o->sf)
		remember(o, fe);
}

void owner_existing(struct owner_stage *o, struct flow_event *fe)
{
	if (o->npids && !fe->closing &&
	    find_owner(o, fe, o->pids, o->npids, false, &fe->owner) > 0)
		fe->owner_state = OWNER_FOUND;
}

bool owner_flow_socket(struct owner_stage *o, const struct flow_event *fe,
		       struct conn_sock *cs)
{
	struct sockfind *sf = sf_of(o, fe);
	struct sock_owner so;

	if (!sf)
		return false;
	memset(&so, 0, offsetof(struct sock_owner, exe));
	if (sockfind_socket(sf, fe, &so) <= 0 || !so.inode)
		return false;
	cs->inode = so.inode;
	cs->uid = so.uid;
	return true;
}

