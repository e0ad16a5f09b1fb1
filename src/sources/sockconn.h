/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SOCKCONN_H
#define VIGIL_SOURCES_SOCKCONN_H

#include "modules.h"

/* Ring pages per CPU (a power of two): 64 pages hold ~3,000 samples. */
#define SOCKCONN_RING_PAGES 64
/* Sockets in SYN_SENT remembered at once (direct-mapped by address). */
#define SOCKCONN_SOCKS 4096

/*
 * Who called connect(), from the kernel's tracepoints, read with
 * perf_event_open: sock:inet_sock_set_state,
 * sched:sched_process_exec and sched:sched_process_fork.  Nothing is written to the audit log, so
 * this works the same beside auditd, and a sample is written in the
 * kernel as the event happens: a client that lives a millisecond is
 * named as surely as a daemon.
 *
 * A TCP socket entering SYN_SENT is sampled in the connecting task
 * (its pid, and its address in the kernel, but no source port yet);
 * its next change (ESTABLISHED, or CLOSE when refused) carries the
 * whole tuple, maybe in softirq context: the two are joined by the
 * socket's address.  The program is the one the pid ran at the time
 * of the connect: the exec samples (sched:sched_process_exec) say when
 * each pid last exec'd, and /proc/PID/exe is read when an exec sample
 * is taken, so a process that connects and then execs another program
 * is named after the first; a forked child (sched:sched_process_fork)
 * runs its parent's program until it execs.  What it cannot know for
 * sure (a process that exec'd twice within one batch, one gone before
 * its exec was read and whose path was relative, anything after the
 * kernel dropped samples) it leaves unnamed: the owner stage then asks
 * /proc.
 *
 * Each connect is published as EV_CONNECT with the whole tuple, only
 * for processes of the watched network namespace when that is known.
 * UDP has no such tracepoint: its flows still come from audit records
 * or /proc.  Needs CAP_PERFMON or CAP_SYS_ADMIN at start only.
 * network.tracepoints = false turns it off.
 */
extern const struct vigil_module sockconn_module;

#endif
