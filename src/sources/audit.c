// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit source: the records read in batches and gathered into
 * events (auditevent.c); what the events tell published: execs,
 * connects, listens, and processes whose maps to read (procbatch.c).
 * Which audit daemon runs, and so whether vigil's rules go in and
 * whether vigild holds the registration, is auditwho.c's.  Settings
 * vigild changed are put back at exit, or by the next vigild after a
 * crash (auditmarker.c).
 */
#include "build.h"

#include <errno.h>
#include <libaudit.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
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
#include "sources/auditsrc.h"
#include "sources/auditevent.h"
#include "sources/auditload.h"
#include "sources/auditrec.h"
#include "sources/auditmarker.h"
#include "sources/auditreg.h"
#include "sources/cnproc.h"
#include "sources/procbatch.h"



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

/* Gone when its exec's tracepoint sample was read (EV_EXEC_GONE). */
static void on_exec_gone(void *data, enum engine_event type, const void *p)
{
	struct audit_src *as = data;
	const struct exec_gone *eg = p;

	(void)type;
	procbatch_gone(as->procs, eg->pid);
}

static void on_flush(struct loop *loop, struct loop_timer *t, void *data)
{
	struct audit_src *as = data;

	auditevent_expire(as->asm_, loop_now_ms(), AUDIT_EVENT_TIMEOUT_MS);
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
	as->check_timer = loop_timer_new(env->loop, auditsrc_on_reconcile, as);
	as->readd_timer = loop_timer_new(env->loop, auditsrc_on_reconcile, as);
	as->reg_timer = loop_timer_new(env->loop, auditsrc_on_reg_check, as);
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
	if (as->mgmt_fd < 0 || auditsrc_status(as->mgmt_fd, &st) < 0) {
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
	auditsrc_marker_write(as);
	if (auditsrc_open_multicast(as) < 0) {
		log_warn("audit: cannot join the audit multicast group (%s); new programs are seen at the next /proc rescan only",
			 strerror(errno));
		*as->unavailable = 1;
		return 0;
	}
	if (as->mode != AUDIT_MODE_MULTICAST) {
		as->reg = auditreg_new(env->loop, auditsrc_on_registration,
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
	    engine_subscribe(env->engine, EV_AUDIT_YIELD, auditsrc_on_yield, as) < 0 ||
	    engine_subscribe(env->engine, EV_EXEC_GONE, on_exec_gone, as) < 0 ||
	    loop_timer_arm(as->flush_timer, 500, 500) < 0 ||
	    loop_timer_arm(as->check_timer, AUDIT_RULE_CHECK_MS,
			   AUDIT_RULE_CHECK_MS) < 0) {
		log_err("audit: %s", strerror(errno));
		return -1;
	}
	auditsrc_reconcile(as);
	if (as->rules_installed && !auditsrc_connects_wanted(as))
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
		if (auditsrc_status(as->mgmt_fd, &st) == 0 && st.pid != 0 &&
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
		auditsrc_marker_write(as);
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
		auditsrc_reconcile(as);
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
