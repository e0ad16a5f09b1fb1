/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_CTSRC_H
#define VIGIL_SOURCES_CTSRC_H

/*
 * The conntrack source's state, shared by its two files: ct.c (the
 * events, the module) and ctdump.c (reading whole tables).  Nothing
 * else includes this.
 */
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/nldump.h"
#include "core/module.h"
#include "model/events.h"

struct ct_src {
	const struct vigil_env *env;
	struct mnl_socket *events;
	struct nldump *dump;		/* table dumps */
	struct nldump *nft;		/* the table check */
	struct loop_timer *check_timer;
	struct coalesce *reader;	/* of events */
	struct flowset *seen;		/* ids published and still alive */
	struct recvbatch *batch;
	int rcvbuf;
	int table_state;		/* -1 unknown, 0 missing, 1 present */
	bool starting;			/* the dump at start is being read */
	int32_t cur_nsid;		/* of what is read now; -1: own */
	bool dump_intr;			/* a dump had to start over */
	uint64_t *events_ctr, *new_ctr, *destroy_ctr, *existing_ctr;
	uint64_t *overruns, *resyncs, *rcvbuf_ctr, *forwarded, *other;
	uint64_t *truncated, *table_missing, *deferred, *unavailable;
	uint64_t *tracked, *repeats;
	uint64_t *table_absent;		/* 1 while vigil's table is missing */
	uint64_t *other_ns, *unknown_ns;	/* flows of other namespaces */
	uint64_t *ns_dump_failed;
	bool started;			/* the dump at start is done */
	bool all_ns;			/* NETLINK_LISTEN_ALL_NSID is on */
	/* what resyncs made up for: flows no event told, DESTROYs lost */
	uint64_t *recovered_new, *recovered_gone;
};

/* One conntrack message (an event, or a dump's entry), in s->cur_nsid. */
int ct_on_msg(const struct nlmsghdr *nlh, void *data);
/*
 * Read the whole table of vigild's namespace, and with every namespace
 * watched, each one's: flows that exist already, or were missed.
 * Flows gone while their DESTROY was lost are forgotten only when every
 * table was read whole.  0, or -1 with errno (vigild's could not be).
 */
int ct_dump(struct ct_src *s);
/* EV_NETNS: a namespace found after start has its table read. */
void ct_on_netns(void *data, enum engine_event type, const void *p);

#endif
