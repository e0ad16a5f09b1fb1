/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PROGTRACK_H
#define VIGIL_SOURCES_PROGTRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Pids remembered at once (direct-mapped: a newer pid takes the slot). */
#define PROGTRACK_SLOTS 4096

/*
 * Which program each pid runs, and since when, as the exec and fork
 * tracepoints tell it (sockconn.c feeds it samples in time order).
 * Times are the samples' (ns).  An exec's program is read from
 * /proc/PID/exe as the sample is taken, or, for a process already gone,
 * is the absolute path it was run by; a forked child runs its parent's
 * program until it execs.  A fork or exec older than what is known of
 * a pid is ignored, so samples handled late cannot name a pid after a
 * program it no longer runs.
 */
/* The program a pid runs since exec_ns (0: seen in /proc, no exec). */
struct prog {
	pid_t pid;
	uid_t uid;		/* (uid_t)-1: not known */
	uint64_t exec_ns;
	uint64_t netns;		/* inode of its network namespace; 0: unknown */
	char comm[17];
	char *exe;		/* NULL: not known */
	/* what it ran before exec_ns, when that was known */
	char *prev_exe;
	char prev_comm[17];
};

struct progtrack;

/* NULL on ENOMEM. */
struct progtrack *progtrack_new(void);
void progtrack_free(struct progtrack *pt);
/* Forget everything (samples were lost: what is known may be stale). */
void progtrack_reset(struct progtrack *pt);

/*
 * pid exec'd filename at t; later_exec: it execs again later in the
 * batch at hand, so /proc already shows a later program.
 */
void progtrack_exec(struct progtrack *pt, pid_t pid, uint64_t t,
		    const char *filename, bool later_exec);
/*
 * parent forked child at t.  A new thread takes a slot as well: the
 * sample does not tell threads apart.
 */
void progtrack_fork(struct progtrack *pt, pid_t parent, pid_t child,
		    uint64_t t, bool parent_later_exec);
/*
 * The program pid ran at t: the entry, or tmp filled with the program
 * before its last exec (it connected, then exec'd), or what /proc says
 * now when no exec of it is known (unless later_exec: then NULL).  exe
 * may be NULL: not known.  Valid until the next call.
 */
const struct prog *progtrack_at(struct progtrack *pt, pid_t pid, uint64_t t,
				bool later_exec, struct prog *tmp);

#endif
