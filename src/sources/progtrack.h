/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PROGTRACK_H
#define VIGIL_SOURCES_PROGTRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Pids remembered at once (direct-mapped: a newer pid takes the slot). */
#define PROGTRACK_SLOTS 4096

/* forward: what /proc said of a pid (below) */
struct procview;

/*
 * Is the program view v (read just after an exec sample of pid, for
 * filename) the one that exec started?  A view read after a later exec
 * of the pid names that one instead (bash connects, then execs sleep),
 * and a sample of the later exec may come after the settle window on a
 * loaded machine.  The same base name (the common case): yes, no I/O.
 * Else the file filename names inside the process's own root (a link
 * such as python3, a busybox applet in a container) must be the file
 * /proc/PID/exe is now, or a script whose interpreter that file is.
 * When that cannot be told (gone, a relative name, a name under /proc
 * or /dev/fd): yes, the view stands.
 */
bool procview_is_exec_of(pid_t pid, const char *filename,
			 const struct procview *v);

/*
 * Which program each pid runs, and since when, as the exec and fork
 * tracepoints tell it (sockconn.c feeds it samples in time order).
 * Times are the samples' (CLOCK_MONOTONIC ns).  An exec's program is
 * what /proc/PID/exe said once the sample was read, or, for a process
 * already gone, the name it was run by as the namer resolves it in
 * that process's root (or the program before, for /proc/self/exe); a
 * forked child runs its parent's program until it execs.  A fork or
 * exec older than what is known of a pid is ignored, so samples
 * handled late cannot name a pid after a program it no longer runs.
 *
 * progtrack never reads /proc itself: /proc tells what a pid runs now,
 * not at the sample's time.  The caller reads it (procview_read) as it
 * takes a sample, and passes the view only once it has seen every
 * sample up to the view's moment and found no exec of the pid between
 * the sample and the view: otherwise NULL, and what cannot be known
 * stays unknown.
 */
/* The program a pid runs since exec_ns (0: seen in /proc, no exec). */
struct prog {
	pid_t pid;
	uid_t uid;		/* (uid_t)-1: not known */
	uint64_t exec_ns;
	uint64_t netns;		/* inode of its network namespace; 0: unknown */
	char comm[17];
	char *exe;		/* NULL: not known */
	/*
	 * Gone before /proc was read: the file it exec'd and its cgroup,
	 * for the namer, once something asks for its program (most such
	 * processes never connect: a storm of short execs costs no name).
	 */
	char *unnamed;
	uint64_t cgid;
	/* what it ran before exec_ns, when that was known */
	char *prev_exe;
	char prev_comm[17];
};

/* What /proc said of a pid, and by when. */
struct procview {
	char *exe;		/* NULL: not known */
	uid_t uid;		/* (uid_t)-1: not known */
	uint64_t netns;		/* 0: not known */
	uint64_t at;		/* CLOCK_MONOTONIC ns after the read; 0: none */
	bool gone;		/* read failed: the process had exited */
};

/*
 * Read /proc/PID: exe, owner, network namespace.  Returns false (and
 * v->at 0) when the process is gone or has no program; v->gone says
 * the first: no /proc/PID, or a zombie's (no exe).
 */
bool procview_read(pid_t pid, struct procview *v);
void procview_clear(struct procview *v);

struct progtrack;

/*
 * Names filename, exec'd in cgroup cgid by a process now gone, in that
 * process's root (execroot.h): malloc'd, or NULL when it cannot be.
 */
typedef char *(*progtrack_namer_fn)(void *data, uint64_t cgid,
				    const char *filename);

/* namer may be NULL: such programs stay unknown.  NULL on ENOMEM. */
struct progtrack *progtrack_new(progtrack_namer_fn namer, void *data);
void progtrack_free(struct progtrack *pt);
/* Forget everything (samples were lost: what is known may be stale). */
void progtrack_reset(struct progtrack *pt);

/* Whether anything is known of pid (else its samples need a view). */
bool progtrack_knows(const struct progtrack *pt, pid_t pid);
/*
 * pid exec'd filename at t in cgroup cgid; v: /proc's view of pid,
 * valid for this exec (no later exec before v->at), or NULL: then the
 * namer names filename when the program is first asked for.  An exec
 * of /proc/self/exe runs the program before it.
 */
void progtrack_exec(struct progtrack *pt, pid_t pid, uint64_t t,
		    const char *filename, const struct procview *v,
		    uint64_t cgid);
/*
 * parent forked child at t; parent_v: the parent's view, valid at t,
 * or NULL.  A new thread takes a slot as well: the sample does not
 * tell threads apart.
 */
void progtrack_fork(struct progtrack *pt, pid_t parent, pid_t child,
		    uint64_t t, const struct procview *parent_v);
/*
 * The program pid ran at t: the entry, or tmp filled with the program
 * before its last exec (it connected, then exec'd), or, when nothing
 * of the pid is known, v's (valid at t) or NULL.  exe may be NULL: not
 * known.  Valid until the next call.
 */
const struct prog *progtrack_at(struct progtrack *pt, pid_t pid, uint64_t t,
				const struct procview *v, struct prog *tmp);

#endif
