/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SOCKCONN_H
#define VIGIL_SOURCES_SOCKCONN_H

#include "core/module.h"

/* Ring pages per CPU (a power of two): 64 pages hold ~3,000 samples. */
#define SOCKCONN_RING_PAGES 64
/* Sockets in SYN_SENT remembered at once (direct-mapped by address). */
#define SOCKCONN_SOCKS 4096

/*
 * Who connected, from the kernel's tracepoints, read with
 * perf_event_open: sock:inet_sock_set_state for TCP connects,
 * fib:fib_table_lookup and fib6:fib6_table_lookup for UDP sends to a
 * client port of the catalog (tpconnect.h says how each becomes a
 * connect), and sched:sched_process_exec and sched:sched_process_fork
 * to know which program each pid runs (progtrack.h).  Nothing is
 * written to the audit log, so this works the same beside auditd, and
 * a sample is written in the kernel as the event happens: a client
 * that lives a millisecond is named as surely as a daemon.
 *
 * The program is the one the pid ran at the sample's time: a process
 * that connects and then execs another program is named after the
 * first; a forked child runs its parent's program until it execs.
 * Samples of every CPU are put in time order, and /proc is read as a
 * sample is taken but believed only when no exec of the pid came in
 * between (sockbatch.h).  A process gone before its exec was read is
 * named by the path it was run by, resolved in its own root through a
 * live process of its cgroup (execroot.h).  What it cannot know for
 * sure (an exec between a sample and its view, a gone process whose
 * path was relative or whose container has no process left, anything
 * after the kernel dropped samples) it leaves unnamed, never named
 * wrongly.
 *
 * Each connect is published as EV_CONNECT with its tuple, only for
 * processes of the watched network namespace when that is known.  UDP
 * to other ports is still named from audit records or /proc.  Needs
 * CAP_PERFMON or CAP_SYS_ADMIN at start only.  network.tracepoints =
 * false turns it off.
 */
extern const struct vigil_module sockconn_module;

#endif
