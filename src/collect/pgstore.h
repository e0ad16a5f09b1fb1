/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_PGSTORE_H
#define VIGIL_COLLECT_PGSTORE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sbuf.h"

/*
 * One message taken: its sender, the line it sent and, for a finding
 * event, what the store keeps of it (NULL: nothing to store, a run or
 * a line not understood, only to be acknowledged in its turn).
 */
struct pgitem {
	char *peer;		/* the sender's certificate name */
	char *line;		/* the message, in the text form */
	json_object *state;	/* fleet_parse_line()'s, or NULL */
	uint64_t conn;		/* the connection it came on */
	unsigned long txnr;	/* its RELP transaction, 0 for none */
};

/* What the store made of the events given it. */
struct pgcounts {
	unsigned long stored, duplicate, untrusted, refused;
};

struct pgstore;

/* A store for conninfo (a libpq connection string or URI); not yet open. */
struct pgstore *pgstore_new(const char *conninfo);
void pgstore_free(struct pgstore *s);

/*
 * Connect (when not connected) and check the schema is there; make this
 * month's and the next month's event partitions.  Returns 0, or -1 with
 * why in err (the store is down, or has no vigil schema).
 */
int pgstore_open(struct pgstore *s, struct sbuf *err);

/*
 * Store items[0..n) in one transaction.  Returns 0 with c added to (an
 * event the store itself refuses, e.g. a value it cannot hold, is
 * counted as refused and named in err, the rest stored), or -1 when the
 * store could not be reached: nothing was stored, the connection is
 * dropped, try again later.
 */
int pgstore_put(struct pgstore *s, const struct pgitem *items, size_t n,
		struct pgcounts *c, struct sbuf *err);

#endif
