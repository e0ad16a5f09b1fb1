/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner stage's insides, shared by its files (owner.c: the stage,
 * waiting for connects and joining them; ownerproc.c: the /proc way).
 * Nothing outside them includes it.
 */
#ifndef VIGIL_SOURCES_OWNERSTAGE_H
#define VIGIL_SOURCES_OWNERSTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/events.h"
#include "core/module.h"
#include "sources/connjoin.h"
#include "sources/owner.h"

struct parked;
struct ns_sockfinds;
struct owner_late;
struct sockfind;
struct loop_timer;

/* A flow no program could be found for, looked at again at an exec. */
struct recent_flow {
	struct flow_event fe;
	uint64_t ms;		/* 0: empty or already placed */
};

struct owner_stage {
	const struct vigil_env *env;
	struct conn_join *join;
	struct parked *pool;		/* OWNER_PARKED of them */
	size_t pool_used;		/* never used past this */
	struct parked *free_list;	/* given back, through next */
	struct parked *first, *last;	/* waiting, in arrival order */
	size_t nparked;
	struct loop_timer *tick;
	struct sockfind *sf;		/* NULL: sock_diag unavailable */
	struct ns_sockfinds *ns_sf;	/* other namespaces' */
	pid_t pids[OWNER_MAX_PIDS];	/* running a client program */
	size_t npids;
	uint64_t budget_sec;
	unsigned int budget_used;
	struct recent_flow recent[OWNER_RECENT];	/* a ring */
	size_t next_recent;
	struct owner_late *gave_up;	/* told "unknown", kept a while */
	uint64_t *lookups, *unknown, *throttled, *late, *named_later;
	uint64_t *joined, *fallback, *ambiguous, *intents_lost, *wanted;
	uint64_t pulled_ms;		/* last asked for the connects read */
};

/* Does comm/exe run a client program of the catalog? */
bool owner_is_client(const struct owner_stage *o, const char *comm,
		     const char *exe);
/* Returns true when pid runs a client program (and is now known). */
bool owner_pid_note(struct owner_stage *o, pid_t pid, const char *comm,
		    const char *exe);
/* Flows made by a program vigild had not yet seen start, only seen. */
void owner_recheck_recent(struct owner_stage *o, pid_t pid);
/* Is fe to a client port of the catalog? */
bool owner_catalog_port(const struct owner_stage *o,
			const struct flow_event *fe);
/* The /proc way (and the only one without audit or tracepoints). */
void owner_proc(struct owner_stage *o, struct flow_event *fe);
/* Flows at start: state.  Known client pids only, no full scans. */
void owner_existing(struct owner_stage *o, struct flow_event *fe);
/*
 * A flow's local socket by sock_diag, its inode and uid; false when it
 * is gone (a UDP flow's costs a dump of the UDP sockets).
 */
bool owner_flow_socket(struct owner_stage *o, const struct flow_event *fe,
		       struct conn_sock *cs);

#endif
