/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SOCKBATCH_H
#define VIGIL_SOURCES_SOCKBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/hash.h"
#include "sources/progtrack.h"

/* Samples taken into one ordered batch at most. */
#define SOCKBATCH_MAX 1024

/* What a sample is; also the index of its tracepoint (sockconn.c). */
enum sample_kind {
	SAMPLE_EXEC,	/* sched:sched_process_exec */
	SAMPLE_FORK,	/* sched:sched_process_fork */
	SAMPLE_SOCK,	/* sock:inet_sock_set_state */
	SAMPLE_EXIT,	/* sched:sched_process_exit: noted, not batched */
	SAMPLE_ROUTE,	/* fib:fib_table_lookup, or... */
	SAMPLE_ROUTE6,	/* ...fib6:fib6_table_lookup: kind SAMPLE_ROUTE */
};

/* The fields of one sock:inet_sock_set_state sample. */
struct sock_sample {
	uint64_t skaddr;
	int oldstate, newstate;
	uint16_t sport, dport, family, protocol;
	uint8_t saddr[16], daddr[16];
};

/* The fields of one fib (v4) or fib6 route lookup sample. */
struct route_sample {
	uint16_t family;	/* AF_INET, AF_INET6 */
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t src[16], dst[16];	/* src all zero: not chosen yet */
};

/* One sample, copied out of its ring to be put in time order. */
struct sample {
	uint64_t time;		/* CLOCK_MONOTONIC ns */
	pid_t pid;		/* the task it was taken in */
	uint64_t cgroup;	/* its cgroup v2 id; 0: not known */
	uint8_t kind;		/* enum sample_kind */
	bool view_ok;		/* set by sockbatch_order() */
	bool view_due;		/* an exec whose view is not read yet */
	struct procview pv;	/* /proc of pid, read as the sample was */
	union {
		struct {
			char name[256];	/* "" when longer */
		} exec;
		struct {
			pid_t child;
		} fork;
		struct sock_sample sock;
		struct route_sample route;
	} u;
};

/* A process's end, read in this round of the rings. */
struct exit_note {
	pid_t pid;
	uint64_t time;
	UT_hash_handle hh;
};

/* Walking a batch back: a pid's next exec. */
struct next_exec {
	pid_t pid;
	uint64_t time;
	UT_hash_handle hh;
};

/*
 * The samples of every CPU's ring, put in time order, each handed out
 * only once every sample that could change its meaning has been read:
 * those up to its own time, and, where it carries a view of /proc,
 * those up to the moment of that view.  /proc tells what a pid runs
 * when it is read, not at the sample's time; a view is valid only when
 * no exec of the pid falls between the two.  Samples not settled yet
 * stay at the batch's start for the next read.
 */
struct sockbatch {
	struct sample *s;
	size_t n;		/* samples held */
	size_t kept;		/* of them, kept from the last round */
	struct next_exec *pool;	/* sockbatch_order()'s entries */
	struct next_exec *seen;	/* ...by pid (hash head) */
	struct exit_note *exit_pool;	/* this round's ends... */
	struct exit_note *exits;	/* ...by pid (hash head) */
	size_t nexits;
};

/* Returns 0, or -1 (ENOMEM). */
int sockbatch_init(struct sockbatch *b);
void sockbatch_fini(struct sockbatch *b);
/* A zeroed slot for the next sample, or NULL when the batch is full. */
struct sample *sockbatch_next(struct sockbatch *b);
/* The slot sockbatch_next() gave holds a sample now. */
void sockbatch_push(struct sockbatch *b);
/* Sort by time, and judge every view against the execs that follow. */
void sockbatch_order(struct sockbatch *b);
/*
 * How many samples at the start are settled, given that every sample
 * up to upto (ns) is in the batch: none from the first whose view is
 * still due on.
 */
size_t sockbatch_settled(const struct sockbatch *b, uint64_t upto);
/* Drop the first n (handled) samples; the rest are kept. */
void sockbatch_drop(struct sockbatch *b, size_t n);
/*
 * pid's process ended at time (its leader's sched_process_exit), read
 * this round: an exec of it before then needs no look in /proc, which
 * would only find it gone.  At most SOCKBATCH_MAX a round are noted.
 */
void sockbatch_exit(struct sockbatch *b, pid_t pid, uint64_t time);
/* Whether pid was seen to end after time, this round. */
bool sockbatch_ended(const struct sockbatch *b, pid_t pid, uint64_t time);
/* Forget this round's ends (each round reads its own). */
void sockbatch_exits_clear(struct sockbatch *b);
/* The sample's view of /proc when it holds at its time, else NULL. */
const struct procview *sockbatch_view(const struct sample *s);

#endif
