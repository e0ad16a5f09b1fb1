/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SOCKCONN_PRIV_H
#define VIGIL_SOURCES_SOCKCONN_PRIV_H

/*
 * What sockconn.c (samples into connects) and sockopen.c (which
 * tracepoints, filtered how) share.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/loop.h"
#include "sources/sockbatch.h"
#include "sources/tpformat.h"

struct perftp;
struct progtrack;
struct execroot;
struct syn_table;

struct sockconn {
	const struct vigil_env *env;
	struct perftp *tp;
	struct tp_formats f;
	bool udp;		/* the route tracepoints are open */
	struct loop_timer *coalesce;
	uint64_t watched_ns;	/* inode of the watched netns; 0: any */
	uint64_t own_ns;	/* vigild's own */
	bool all_ns;		/* network.namespaces = "all": every one */
	struct progtrack *progs;
	struct execroot *roots;	/* names for execs of gone processes */
	struct syn_table *syns;
	struct sockbatch batch;
	uint64_t last_time;	/* of the last sample taken */
	uint64_t *samples, *lost, *connects, *unnamed, *other_ns, *execs;
	uint64_t *views_refused;	/* /proc views of a later exec */
	uint64_t *views_spared;		/* ...not read: ended already */
	/* gone execs named: in a cgroup member's root, vigild's; refused */
	uint64_t *named_member, *named_own, *names_refused;
	uint64_t *forks, *resets, *coalesced, *pulled, *udp_connects;
	bool draining;			/* drain() is on the stack */
};

/*
 * Open the tracepoints and add their rings to the loop with on_ring.
 * Returns 0 (also when there are none: a warning says what is lost),
 * or -1 when the loop cannot take them.
 */
int sockconn_open(struct sockconn *sc, loop_fd_cb on_ring);

#endif
