/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_TPFORMAT_H
#define VIGIL_SOURCES_TPFORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/perftp.h"
#include "sources/sockbatch.h"

/*
 * Where the fields sockconn uses sit in each tracepoint's record, as
 * tracefs describes them (they move between kernels), and a raw
 * sample read into a struct sample with every offset checked against
 * the record's size.
 */
struct tp_formats {
	/* sock:inet_sock_set_state */
	size_t skaddr, oldstate, newstate, sport, dport, family, protocol,
	       saddr, daddr, saddr_v6, daddr_v6;
	size_t exec_name;	/* sched_process_exec: filename __data_loc */
	size_t fork_child;	/* sched_process_fork: child_pid */
	/* fib:fib_table_lookup [0] and fib6:fib6_table_lookup [1] */
	struct tp_route_fmt {
		size_t proto, src, dst, sport, dport;
	} route[2];
	bool routes;		/* both fib tracepoints are usable */
};

/*
 * Read the formats of exec, fork and inet_sock_set_state (needed), and
 * of the fib ones (f->routes says).  Returns 0, or -1 with errno
 * (EPROTO: a field of an unexpected size).
 */
int tp_formats_read(struct tp_formats *f);

/*
 * Fill out (a zeroed slot) from sample s of kind s->event.  Returns
 * false when the record is too short for the fields.
 */
bool tp_sample_parse(const struct tp_formats *f, const struct perftp_sample *s,
		     struct sample *out);

#endif
