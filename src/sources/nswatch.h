/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_NSWATCH_H
#define VIGIL_SOURCES_NSWATCH_H

#include "core/module.h"

/*
 * Every network namespace on the host besides vigild's own (with
 * network.namespaces = "all"): found from /proc/PID/ns/net (each new
 * program's, and a rescan) and /run/netns, deduplicated by inode, and
 * written to the model's namespace table (model/nstable.h) with an fd
 * to open sockets there, its id for conntrack, its addresses and its
 * container.  A namespace no process and no /run/netns name holds any
 * more is let go: its fd closed, so vigild keeps none alive.
 */
#define NSWATCH_RESCAN_MS 5000
/* A namespace's addresses are read again this often. */
#define NSWATCH_ADDRS_MS 30000
/*
 * A namespace no container was found for is looked up again at most
 * this often (a process may join it from one later): each look reads
 * a member's cgroup, and a rescan sees every process.
 */
#define NSWATCH_LOCATE_MS 60000
/* Namespaces watched at most; more are counted, not watched. */
#define NSWATCH_MAX 4096

extern const struct vigil_module nswatch_module;

#endif
