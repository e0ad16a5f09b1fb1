// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who holds audit, decided again and again from the kernel's status:
 * vigil's rules in or out (auditload.c), the registration held or
 * yielded (auditreg.c), the connector on while the rules are not, the
 * records read from the multicast group or vigild's own socket, and
 * the settings vigild changed written down (auditmarker.c).  The
 * source's reading and publishing is audit.c.
 */
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <libmnl/libmnl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/log.h"
#include "model/model.h"
#include "sources/auditload.h"
#include "sources/auditmarker.h"
#include "sources/auditreg.h"
#include "sources/auditsrc.h"
#include "sources/cnproc.h"

/* The kernel's audit status; 0 or -1 (no reply, no permission). */
int auditsrc_status(int fd, struct audit_status *st)
{
	struct audit_reply rep;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int tries;

	if (audit_request_status(fd) <= 0)
		return -1;
	for (tries = 0; tries < 10; tries++) {
		if (poll(&pfd, 1, 200) <= 0)
			return -1;
		if (audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0) <= 0)
			continue;
		if (rep.type == AUDIT_GET) {
			*st = *rep.status;
			return 0;
		}
	}
	return -1;
}

void auditsrc_marker_write(const struct audit_src *as)
{
	auditmarker_write(as->env->cfg->control_socket, as->enabled_by_us,
			  as->old_backlog);
}

/* As the registered daemon, the kernel queue must take an exec burst. */
static void raise_backlog(struct audit_src *as, const struct audit_status *st)
{
	if (st->backlog_limit >= AUDIT_BACKLOG ||
	    audit_set_backlog_limit(as->mgmt_fd, AUDIT_BACKLOG) <= 0)
		return;
	if (!as->old_backlog)
		as->old_backlog = st->backlog_limit;
	auditsrc_marker_write(as);
}

static void account_lost(struct audit_src *as, const struct audit_status *st)
{
	if (!as->lost_known) {
		as->lost_base = st->lost;
		as->lost_known = 1;
	}
	*as->lost = st->lost - as->lost_base;
}

/* The connector is the exec source while vigil's rules are not in. */
static void use_connector(struct audit_src *as, bool on)
{
	int rc;

	if (!as->cn || cnproc_listening(as->cn) == on)
		return;
	rc = cnproc_listen(as->cn, on);
	if (rc < 0)
		log_warn("audit: process events connector: %s; new programs are seen at the next /proc rescan",
			 strerror(-rc));
	else
		log_info("audit: execs %s the process events connector",
			 on ? "now come from" : "no longer come from");
}

/*
 * Whether connect() and the sends are worth auditing: not while the
 * kernel's tracepoints name every TCP connect and every UDP send to a
 * client port of the catalog (sockconn.c, initialised before this).
 */
bool auditsrc_connects_wanted(const struct audit_src *as)
{
	return !model_connect_trace(as->env->model) ||
	       !model_udp_trace(as->env->model);
}

static void rules_in(struct audit_src *as)
{
	int added = auditload_install(as->mgmt_fd, auditsrc_connects_wanted(as),
				      &as->connect_rules);

	if (added < 0) {
		if (as->rules_installed)
			log_warn("audit: vigil's audit rules cannot be put back");
		as->rules_installed = 0;
	} else {
		if (as->rules_installed && added > 0) {
			(*as->readded)++;
			log_warn("audit: %d vigil audit rules were missing (auditctl -D?); added them again",
				 added);
		}
		as->rules_installed = 1;
	}
	model_set_connect_audit(as->env->model,
				as->rules_installed && as->connect_rules);
}

static void rules_out(struct audit_src *as, uint32_t daemon)
{
	if (!as->rules_installed)
		return;
	auditload_remove(as->mgmt_fd);
	as->rules_installed = 0;
	model_set_connect_audit(as->env->model, false);
	log_notice("audit: audit daemon pid %u runs: vigil's audit rules are out, so its log gets no line for vigil (audit.beside_auditd = \"connector\")",
		   daemon);
}

/*
 * One decision, from the kernel's status: who is the audit daemon, and
 * so where execs come from.  vigil's rules stay in unless another audit
 * daemon runs and audit.beside_auditd is "connector"; the connector is
 * on whenever the rules are not (also while vigild has just let go and
 * the new daemon is expected to clear the rules), so no exec falls in
 * between.  Called at start, every check, and when the registration
 * may have changed.
 */
void auditsrc_reconcile(struct audit_src *as)
{
	struct audit_status st;
	bool rules;

	if (auditsrc_status(as->mgmt_fd, &st) < 0)
		return;
	account_lost(as, &st);
	/*
	 * A daemon killed while registered (SIGKILL) stays the kernel's
	 * until a send to it fails; registering tests that and clears it.
	 */
	if (st.pid && st.pid != (uint32_t)getpid() &&
	    kill((pid_t)st.pid, 0) < 0 && errno == ESRCH)
		st.pid = 0;
	if (as->reg) {
		bool was = auditreg_registered(as->reg);

		if (auditreg_update(as->reg, st.pid)) {
			st.pid = (uint32_t)getpid();
			if (!was)
				raise_backlog(as, &st);
		}
	}
	as->other_daemon = st.pid != 0 && st.pid != (uint32_t)getpid();
	rules = !as->other_daemon ||
		as->env->cfg->audit_beside == AUDIT_BESIDE_RULES;
	if (rules) {
		rules_in(as);
		use_connector(as, !as->rules_installed ||
				  (as->reg && auditreg_held(as->reg)));
	} else {
		use_connector(as, true);
		rules_out(as, st.pid);
	}
	*as->rules_active = (uint64_t)as->rules_installed;
}

/* The periodic check, and soon after the rules or the daemon changed. */
void auditsrc_on_reconcile(struct loop *loop, struct loop_timer *t,
			   void *data)
{
	auditsrc_reconcile(data);
}

/*
 * While registered, records come on vigild's socket only: one taken
 * away behind vigild's back (auditctl --pid) would leave it reading
 * nothing until the next check, so this one comes every second.
 */
void auditsrc_on_reg_check(struct loop *loop, struct loop_timer *t,
			 void *data)
{
	struct audit_src *as = data;
	struct audit_status st;

	if (auditreg_registered(as->reg) &&
	    auditsrc_status(as->mgmt_fd, &st) == 0 &&
	    st.pid != (uint32_t)getpid())
		auditsrc_reconcile(as);
}

/*
 * The registered daemon gets every record on its own socket: the
 * multicast group would tell each again, and is left meanwhile.
 */
static void multicast(struct audit_src *as, bool join)
{
	int group = AUDIT_NLGRP_READLOG;

	if (setsockopt(as->rec_fd, SOL_NETLINK, join ? NETLINK_ADD_MEMBERSHIP :
		       NETLINK_DROP_MEMBERSHIP, &group, sizeof(group)) < 0)
		log_warn("audit: cannot %s the multicast group: %m%s",
			 join ? "join" : "leave",
			 join ? "; records are lost until vigild is the audit daemon again" :
			 "; records come twice, and are read once");
}

/* The counters, and the records' way, follow the registration. */
void auditsrc_on_registration(void *data, bool registered)
{
	struct audit_src *as = data;

	multicast(as, !registered);
	*as->registered = registered;
	*as->yields = auditreg_yields(as->reg);
}

/* vigilctl audit yield: an audit daemon is about to start. */
void auditsrc_on_yield(void *data, enum engine_event ev,
		       const void *payload)
{
	struct audit_src *as = data;

	if (as->env->cfg->audit_beside == AUDIT_BESIDE_CONNECTOR)
		use_connector(as, true);
	if (as->reg)
		auditreg_yield(as->reg, AUDITREG_HOLD_MS);
}

int auditsrc_open_multicast(struct audit_src *as)
{
	int size = RCVBUF_BYTES;

	as->mc = mnl_socket_open(NETLINK_AUDIT);
	if (!as->mc)
		return -1;
	if (mnl_socket_bind(as->mc, 1 << (AUDIT_NLGRP_READLOG - 1),
			    MNL_SOCKET_AUTOPID) < 0)
		return -1;
	as->rec_fd = mnl_socket_get_fd(as->mc);
	if (setsockopt(as->rec_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(as->rec_fd, SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	return 0;
}
