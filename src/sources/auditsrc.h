/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_AUDITSRC_H
#define VIGIL_AUDITSRC_H

/*
 * The audit source's insides, shared by audit.c (reading, publishing,
 * the module) and auditwho.c (who holds audit).  Nothing else includes
 * it.
 */
#include <libaudit.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/module.h"
#include "lib/loop.h"
#include "sources/audit.h"
#include "sources/auditevent.h"

struct mnl_socket;
struct procbatch;
struct auditreg;
struct cnproc;
struct recvbatch;
struct coalesce;

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

/* The kernel's audit status; 0 or -1 (no reply, no permission). */
int auditsrc_status(int fd, struct audit_status *st);
/* Write down what vigild changed, for the next one after a crash. */
void auditsrc_marker_write(const struct audit_src *as);
/* Whether connect() and the sends are worth auditing. */
bool auditsrc_connects_wanted(const struct audit_src *as);
/* Decide who holds audit again, from the kernel's status. */
void auditsrc_reconcile(struct audit_src *as);
/* Timers: the periodic check, and the registration's every second. */
void auditsrc_on_reconcile(struct loop *loop, struct loop_timer *t,
			   void *data);
void auditsrc_on_reg_check(struct loop *loop, struct loop_timer *t,
			   void *data);
/* auditreg's: registered or not; the records' way follows. */
void auditsrc_on_registration(void *data, bool registered);
/* EV_AUDIT_YIELD: an audit daemon is about to start. */
void auditsrc_on_yield(void *data, enum engine_event ev,
		       const void *payload);
/* Join the multicast group with a large buffer: 0, or -1 with errno. */
int auditsrc_open_multicast(struct audit_src *as);

#endif
