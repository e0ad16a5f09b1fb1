/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_COLLCONF_H
#define VIGIL_COLLECT_COLLCONF_H

#include <stddef.h>

#include "lib/sbuf.h"

#define COLLCONF_MAX_PEERS 64

/* vigil-collect's configuration (/etc/vigil/collect.conf). */
struct collconf {
	char *listen;		/* "ADDRESS:PORT", "[ADDRESS]:PORT" */
	char *ca, *certificate, *key;
	char *database;		/* a libpq connection string */
	char *peers[COLLCONF_MAX_PEERS];	/* names, "*.domain" */
	size_t npeers;
	int max_connections;
	int batch;		/* events stored per transaction */
};

/*
 * Read path into c.  Returns 0, or -1 with "file:line: message" (or
 * "file: message") in err.  The file must be a regular file owned by
 * root (or the caller) and not writable by others.
 */
int collconf_load(const char *path, struct collconf *c, struct sbuf *err);
void collconf_free(struct collconf *c);

/*
 * Whether a certificate's DNS name is one of the permitted peers: the
 * same name (case aside), or "*.domain" and one more label before it.
 */
int collconf_peer_permitted(const struct collconf *c, const char *name);

#endif
