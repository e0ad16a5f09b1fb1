/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_COLLECT_H
#define VIGIL_COLLECT_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "collect/collconf.h"
#include "collect/pgstore.h"
#include "collect/tlsserve.h"

/* The collector's state, shared by collect.c and collect_main.c. */
struct collector {
	struct collconf conf;
	struct pgstore *store;
	struct tlsconn **conns;
	size_t nconns;
	struct pgitem *pending;	/* read, not yet stored */
	size_t npending, cap;
	int store_down, oom;
	uint64_t next_id;	/* of the next connection */
	struct pgcounts counts;
	unsigned long admitted, refused, runs, not_understood;
};

void collect_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Handshake, read (when reading) and write on connection i, after poll
 * said so; 0, or -1 when it was dropped (the last connection then takes
 * slot i).
 */
int serve_conn(struct collector *co, size_t i, int reading);
/* Close connection i, saying why when why is not empty. */
void drop_conn_for(struct collector *co, size_t i, const char *why);

/* Store what is pending, in batches; 0, or -1 while the store is down. */
int collect_flush(struct collector *co);

/* Forget the first n pending events (stored and answered). */
void collect_drop_pending(struct collector *co, size_t n);

#endif
