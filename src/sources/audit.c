// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit source: which audit daemon runs, and so whether vigil's
 * rules go in (auditload.c) and whether vigild holds the registration
 * (auditreg.c); the records read in batches and gathered into events
 * (auditevent.c); what the events tell published: execs, connects,
 * listens, and processes whose maps to read (procbatch.c).  Settings
 * vigild changed are put back at exit, or by the next vigild after a
 * crash (auditmarker.c).
 */
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/coalesce.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/recvbatch.h"
#include "model/model.h"
#include "sources/audit.h"
#include "sources/auditevent.h"
#include "sources/auditload.h"
#include "sources/auditrec.h"
#include "sources/auditmarker.h"
#include "sources/auditreg.h"
#include "sources/cnproc.h"
#include "sources/procbatch.h"

#define RCVBUF_BYTES (8 * 1024 * 1024)
/*
 * Records read with one recvmmsg, each into 16 KB: a PATH record of a
 * name of PATH_MAX bytes, in hex, is over 8 KB.
 */
#define AUDIT_BATCH 32
#define AUDIT_REC_SIZE 16384
/* Read turns: at most this many batches, and this long (as ct.c). */
#define AUDIT_ROUNDS 8
#define AUDIT_TURN_MS 4
/* Under load, reads at most this often (as CT_COALESCE_MS). */
#define AUDIT_COALESCE_MS 5

struct audit_src {
	const struct vigil_env *env;
	enum audit_mode mode;	/* audit.mode in effect */
	struct procbatch *procs;	/* execs and mmaps: maps to read */
	int rec_fd;		/* records: the multicast group */
	int mgmt_fd;		/* rules and status */
	struct auditreg *reg;	/* the courtesy registration, or NULL */
	struct cnproc *cn;	/* execs beside another audit daemon */
	bool other_daemon;	/* another audit daemon is registered */
	int enabled_by_us;
	uint32_t old_backlog;	/* restored at exit when non-zero */
	int rules_installed;
	bool connect_rules;	/* connect() is audited */
	struct mnl_socket *mc;
	struct auditevent_asm *asm_;	/* records into events */
	uint32_t lost_base;
	int lost_known;
	struct loop_timer *flush_timer, *check_timer, *readd_timer;
	struct loop_timer *reg_timer;	/* is vigild still registered? */
	struct auditevent_counters ec;	/* the assembly's */
	uint64_t *execs, *mmaps, *lost, *enobufs, *readded, *registered,
		 *yields, *table_full, *connects, *rules_active, *unavailable;
	struct recvbatch *batch;
	struct coalesce *reader;	/* of rec_fd */
	uint64_t *deferred;
};


static bool is_connect_call(const char *sc)
{
	return !strcmp(sc, "connect") || !strcmp(sc, "sendto") ||
	       !strcmp(sc, "sendmsg") || !strcmp(sc, "sendmmsg") ||
	       !strcmp(sc, "socketcall");
}

/* Who made a network flow, as the kernel saw it at the syscall. */
static void publish_connect(struct audit_src *as,
			    const struct audit_event *p)
{
	struct connect_event ev = {
		.pid = p->pid, .uid = p->uid, .euid = p->euid,
		.exe = p->exe, .comm = p->comm,
		.dst = p->saddr, .dport = p->sport,
		.fd = p->a0 <= INT32_MAX ? (int)p->a0 : -1,
		.is_connect = !strcmp(p->syscall, "connect"),
		/* a record does not say; the pid may be gone by now */
		.netns = NETNS_UNKNOWN,
	};

	(*as->connects)++;
	/* used whether vigil's rule made it or another daemon's */
	model_note_connect_record(as->env->model);
	engine_publish(as->env->engine, EV_CONNECT, &ev);
}

/* Publish what the event tells: an exec, and the mappings to check. */
static void on_event(void *data, const struct audit_event *p)
{
	struct audit_src *as = data;
	bool is_exec, is_mmap;

	if (p->have_syscall && p->have_saddr && is_connect_call(p->syscall)) {
		/* success or not: a non-blocking connect() sent its SYN */
		publish_connect(as, p);
		return;
	}
	is_exec = !strcmp(p->syscall, "execve") ||
		  !strcmp(p->syscall, "execveat");
	is_mmap = (!strcmp(p->syscall, "mmap") ||
		   !strcmp(p->syscall, "mmap2")) && (p->a2 & 4);
	if (p->have_syscall && p->success && !strcmp(p->syscall, "listen")) {
		/* a new listener: the socket table is worth reading now */
		engine_publish(as->env->engine, EV_LISTEN_CALL, &p->pid);
		return;
	}
	if (!p->have_syscall || !p->success || (!is_exec && !is_mmap))
		return;
	if (is_exec) {
		struct exec_event ev = {
			.pid = p->pid, .uid = p->uid, .euid = p->euid,
			.exe = p->exe, .comm = p->comm,
		};

		(*as->execs)++;
		engine_publish(as->env->engine, EV_EXEC, &ev);
	} else {
		(*as->mmaps)++;
	}
	procbatch_mark(as->procs, p, is_exec);
}

static void on_config_change(void *data, const char *b, size_t n)
{
	struct audit_src *as = data;
	char op[32], key[64];

	if (auditrec_str(b, n, "op", op, sizeof(op)) < 0)
		return;
	/* auditctl -D (and auditd at start) remove every rule. */
	if (!strcmp(op, "remove_rule") &&
	    auditrec_str(b, n, "key", key, sizeof(key)) > 0 &&
	    !strcmp(key, "vigil") && as->rules_installed)
		loop_timer_arm(as->readd_timer, 500, 0);
	/* An audit daemon came or went: decide again, soon. */
	if (!strcmp(op, "set") &&
	    auditrec_str(b, n, "audit_pid", key, sizeof(key)) > 0)
		loop_timer_arm(as->readd_timer, 100, 0);
}

/* One datagram, from the multicast group or vigild's own socket. */
static void on_datagram(void *data, const char *dgram, size_t len, bool cut)
{
	const struct nlmsghdr *nlh = (const void *)dgram;
	struct audit_src *as = data;

	if (len <= NLMSG_HDRLEN || cut) {
		(*as->ec.malformed)++;
		return;
	}
	/*
	 * One record per datagram.  The kernel's nlmsg_len of audit
	 * records leaves out the header (the quirk libaudit works around
	 * too), so the datagram's size is the one to trust.
	 */
	auditevent_record(as->asm_, nlh->nlmsg_type, dgram + NLMSG_HDRLEN,
			  strnlen(dgram + NLMSG_HDRLEN, len - NLMSG_HDRLEN),
			  loop_now_ms());
}

static bool take(void *data, const char *d, size_t len, bool cut)
{
	on_datagram(data, d, len, cut);
	return true;
}

/* Lost to a full socket buffer: rescans make up. */
static void overrun(void *data)
{
	struct audit_src *as = data;

	(*as->enobufs)++;
}

/* Read the multicast group, or what a turn allows. */
static enum coalesce_read on_readable(void *data)
{
	struct audit_src *as = data;

	return recvbatch_turn(as->batch, as->rec_fd, AUDIT_ROUNDS,
			      AUDIT_TURN_MS, take, overrun, as);
}

static void on_flush(struct loop *loop, struct loop_timer *t, void *data)
{
	struct audit_src *as = data;

	auditevent_expire(as->asm_, loop_now_ms(), AUDIT_EVENT_TIMEOUT_MS);
}

/* The kernel's audit status; 0 or -1 (no reply, no permission). */
static int get_status(int fd, struct audit_status *st)
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

static void marker_write(const struct audit_src *as)
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
	marker_write(as);
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
static bool connects_wanted(const struct audit_src *as)
{
	return !model_connect_trace(as->env->model) ||
	       !model_udp_trace(as->env->model);
}

static void rules_in(struct audit_src *as)
{
	int added = auditload_install(as->mgmt_fd, connects_wanted(as),
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
static void reconcile(struct audit_src *as)
{
	struct audit_status st;
	bool rules;

	if (get_status(as->mgmt_fd, &st) < 0)
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
static void on_reconcile(struct loop *loop, struct loop_timer *t, void *data)
{
	reconcile(data);
}

/*
 * While registered, records come on vigild's socket only: one taken
 * away behind vigild's back (auditctl --pid) would leave it reading
 * nothing until the next check, so this one comes every second.
 */
static void on_reg_check(struct loop *loop, struct loop_timer *t,
			 void *data)
{
	struct audit_src *as = data;
	struct audit_status st;

	if (auditreg_registered(as->reg) &&
	    get_status(as->mgmt_fd, &st) == 0 &&
	    st.pid != (uint32_t)getpid())
		reconcile(as);
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
static void on_registration(void *data, bool registered)
{
	struct audit_src *as = data;

	multicast(as, !registered);
	*as->registered = registered;
	*as->yields = auditreg_yields(as->reg);
}

/* vigilctl audit yield: an audit daemon is about to start. */
static void on_yield(void *data, enum engine_event ev, const void *payload)
{
	struct audit_src *as = data;

	if (as->env->cfg->audit_beside == AUDIT_BESIDE_CONNECTOR)
		use_connector(as, true);
	if (as->reg)
		auditreg_yield(as->reg, AUDITREG_HOLD_MS);
}

static int open_multicast(struct audit_src *as)
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

static void audit_fini(void *priv);

static int audit_init(const struct vigil_env *env, void **priv)
{
	struct audit_src *as = calloc(1, sizeof(*as));
	struct audit_status st;
	struct engine *e = env->engine;
	uint32_t prev_backlog;
	bool prev_enabled;

	if (!as)
		return -1;
	as->env = env;
	as->rec_fd = as->mgmt_fd = -1;
	as->batch = recvbatch_new(AUDIT_BATCH, AUDIT_REC_SIZE);
	as->deferred = engine_counter(e, "audit", "coalesced_wakeups");
	as->ec.records = engine_counter(e, "audit", "records");
	as->ec.events = engine_counter(e, "audit", "events");
	as->ec.gaps = engine_counter(e, "audit", "serial_gaps");
	as->ec.malformed = engine_counter(e, "audit", "malformed");
	as->ec.incomplete = engine_counter(e, "audit", "incomplete");
	as->ec.duplicates = engine_counter(e, "audit", "duplicates");
	as->execs = engine_counter(e, "audit", "execs");
	as->mmaps = engine_counter(e, "audit", "mmaps");
	as->lost = engine_counter(e, "audit", "kernel_lost");
	as->enobufs = engine_counter(e, "audit", "socket_overruns");
	as->readded = engine_counter(e, "audit", "rules_readded");
	as->registered = engine_counter(e, "audit", "registered");
	as->yields = engine_counter(e, "audit", "yields");
	as->rules_active = engine_counter(e, "audit", "rules_active");
	as->table_full = engine_counter(e, "proc", "table_full");
	as->connects = engine_counter(e, "audit", "connects");
	as->unavailable = engine_counter(e, "audit", "unavailable");
	as->flush_timer = loop_timer_new(env->loop, on_flush, as);
	as->check_timer = loop_timer_new(env->loop, on_reconcile, as);
	as->readd_timer = loop_timer_new(env->loop, on_reconcile, as);
	as->reg_timer = loop_timer_new(env->loop, on_reg_check, as);
	if (as->table_full)
		as->procs = procbatch_new(env, as->table_full);
	if (as->ec.records && as->ec.events && as->ec.gaps &&
	    as->ec.malformed && as->ec.incomplete && as->ec.duplicates)
		as->asm_ = auditevent_new(&as->ec, on_event, on_config_change,
					  as);
	if (!as->batch || !as->deferred || !as->asm_ || !as->execs ||
	    !as->table_full || !as->connects || !as->unavailable ||
	    !as->mmaps || !as->lost || !as->enobufs || !as->readded ||
	    !as->registered || !as->yields || !as->rules_active ||
	    !as->flush_timer || !as->check_timer || !as->reg_timer ||
	    !as->readd_timer || !as->procs) {
		audit_fini(as);
		return -1;
	}
	*priv = as;
	as->mode = env->cfg->audit_mode;
	if (as->mode == AUDIT_MODE_OFF) {
		log_info("audit: off (audit.mode); new programs are seen at the next /proc rescan");
		return 0;
	}
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	as->mgmt_fd = audit_open();
	if (as->mgmt_fd < 0 || get_status(as->mgmt_fd, &st) < 0) {
		/* Not fatal: the /proc rescans still see every program. */
		log_warn("audit: unavailable (%s); execs come from the process events connector",
			 strerror(errno));
		*as->unavailable = 1;
		as->cn = cnproc_new(env);
		if (!as->cn || cnproc_listen(as->cn, true) < 0)
			log_warn("audit: no process events connector either; new programs are seen at the next /proc rescan only");
		return 0;
	}
	if (auditmarker_read(env->cfg->control_socket, &prev_enabled,
			     &prev_backlog)) {
		if (st.enabled == 1 && prev_enabled) {
			as->enabled_by_us = 1;
			log_notice("audit: auditing was enabled by an earlier vigild; will switch it off at exit");
		}
		if (prev_backlog && st.backlog_limit != prev_backlog) {
			as->old_backlog = prev_backlog;
			log_notice("audit: the backlog limit was raised by an earlier vigild; will put back %u at exit",
				   prev_backlog);
		}
	}
	if (st.enabled == 0) {
		if (audit_set_enabled(as->mgmt_fd, 1) > 0) {
			as->enabled_by_us = 1;
			log_notice("audit: kernel auditing was off; enabled it (restored at exit)");
		}
	}
	marker_write(as);
	if (open_multicast(as) < 0) {
		log_warn("audit: cannot join the audit multicast group (%s); new programs are seen at the next /proc rescan only",
			 strerror(errno));
		*as->unavailable = 1;
		return 0;
	}
	if (as->mode != AUDIT_MODE_MULTICAST) {
		as->reg = auditreg_new(env->loop, on_registration,
				       on_datagram, as);
		if (!as->reg || loop_timer_arm(as->reg_timer, 1000, 1000) < 0)
			return -1;
	}
	/* Only beside another audit daemon, or where rules cannot go in. */
	as->cn = cnproc_new(env);
	if (!as->cn)
		log_warn("audit: no process events connector (%s)",
			 strerror(errno));
	as->reader = coalesce_new(env->loop, as->rec_fd, AUDIT_COALESCE_MS,
				  on_readable, as, as->deferred);
	if (!as->reader ||
	    engine_subscribe(env->engine, EV_AUDIT_YIELD, on_yield, as) < 0 ||
	    loop_timer_arm(as->flush_timer, 500, 500) < 0 ||
	    loop_timer_arm(as->check_timer, AUDIT_RULE_CHECK_MS,
			   AUDIT_RULE_CHECK_MS) < 0) {
		log_err("audit: %s", strerror(errno));
		return -1;
	}
	reconcile(as);
	if (as->rules_installed && !connects_wanted(as))
		log_info("audit: connect() and sends are not audited: kernel tracepoints name every TCP connect and every UDP send to the catalog's client ports");
	else if (as->rules_installed && !as->connect_rules)
		log_warn("audit: connect() cannot be audited here (a kernel before 5.3?); flows are attributed through /proc only");
	if (!as->rules_installed && !as->other_daemon)
		log_warn("audit: no rule could be installed; execs come from the process events connector");
	log_info("audit: %s",
		 as->reg && auditreg_registered(as->reg) ?
		 "registered as the audit daemon until one starts, reading records on its socket" :
		 as->other_daemon ? "beside the audit daemon, reading records from the multicast group" :
		 "reading records from the multicast group, not registered (audit.mode)");
	return 0;
}

static void audit_fini(void *priv)
{
	struct audit_src *as = priv;

	if (!as)
		return;
	model_set_connect_audit(as->env->model, false);
	if (as->mgmt_fd >= 0) {
		struct audit_status st;

		if (as->rules_installed)
			auditload_remove(as->mgmt_fd);
		/* Auditing and its queue are that daemon's now. */
		if (get_status(as->mgmt_fd, &st) == 0 && st.pid != 0 &&
		    st.pid != (uint32_t)getpid() &&
		    (as->enabled_by_us || as->old_backlog)) {
			log_notice("audit: leaving auditing as it is for audit daemon pid %u",
				   st.pid);
			as->enabled_by_us = 0;
			as->old_backlog = 0;
		}
		if (as->old_backlog &&
		    audit_set_backlog_limit(as->mgmt_fd, as->old_backlog) > 0)
			as->old_backlog = 0;
		if (as->enabled_by_us && audit_set_enabled(as->mgmt_fd, 0) > 0)
			as->enabled_by_us = 0;
		marker_write(as);
	}
	coalesce_free(as->reader);
	auditreg_free(as->reg);
	cnproc_free(as->cn);
	if (as->mc)
		mnl_socket_close(as->mc);
	if (as->mgmt_fd >= 0)
		audit_close(as->mgmt_fd);
	auditevent_free(as->asm_);
	procbatch_free(as->procs);
	loop_timer_free(as->flush_timer);
	loop_timer_free(as->check_timer);
	loop_timer_free(as->reg_timer);
	loop_timer_free(as->readd_timer);
	recvbatch_free(as->batch);
	free(as);
}

/* Sockets and registration are set up once: a new mode needs a restart. */
static void audit_reload(void *priv)
{
	struct audit_src *as = priv;

	if (as->mode != as->env->cfg->audit_mode)
		log_warn("audit: audit.mode \"%s\" takes effect when vigild restarts; still \"%s\"",
			 config_audit_mode_name(as->env->cfg->audit_mode),
			 config_audit_mode_name(as->mode));
	/* audit.beside_auditd takes effect now. */
	if (as->mgmt_fd >= 0 && as->rec_fd >= 0)
		reconcile(as);
}

/* With audit off, neither audit capability is kept. */
static bool audit_needs_caps(const struct vigil_config *cfg)
{
	return cfg->audit_mode != AUDIT_MODE_OFF;
}

static const int audit_caps[] = {
	CAP_AUDIT_READ, CAP_AUDIT_CONTROL, CAP_NET_ADMIN,
};

const struct vigil_module audit_module = {
	.name = "audit",
	.caps = audit_caps,
	.ncaps = sizeof(audit_caps) / sizeof(audit_caps[0]),
	.init = audit_init,
	.needs_caps = audit_needs_caps,
	.reload = audit_reload,
	.fini = audit_fini,
};
