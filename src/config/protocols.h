/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROTOCOLS_H
#define VIGIL_PROTOCOLS_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sbuf.h"

/* Bounds on one entry and on the catalog. */
#define PROTO_MAX_ENTRIES 200
#define PROTO_MAX_PORTS 16
#define PROTO_MAX_PROGS 16
#define PROTO_MAX_STR 128

enum proto_class {
	PROTO_LOGIN,
	PROTO_GENERAL,
};

/* Bits: which side's use of the protocol is reported. */
#define PROTO_USE_CLIENT 1u
#define PROTO_USE_SERVER 2u

/* Bits of transport. */
#define PROTO_TCP 1u
#define PROTO_UDP 2u

struct proto_entry {
	char *name;
	unsigned int transport;
	uint16_t ports[PROTO_MAX_PORTS];
	size_t nports;
	enum proto_class class;
	unsigned int use;
	char *servers[PROTO_MAX_PROGS];
	size_t nservers;
	char *clients[PROTO_MAX_PROGS];
	size_t nclients;
	char *replacement;
};

/*
 * The catalog: entries by name, with an index from (transport, port)
 * to entry so that a flow is matched with two array reads.
 */
struct proto_catalog;

/* The built-in catalog: the exact text of rules/protocols.conf. */
extern const char proto_default_text[];

/* NULL on ENOMEM. */
struct proto_catalog *proto_catalog_new(void);
void proto_catalog_free(struct proto_catalog *c);

/*
 * Add or replace (same name) the entries of a libconfig list of groups.
 * Returns 0, or -1 with "source:line: message" in err.
 */
int proto_catalog_add(struct proto_catalog *c, const config_setting_t *list,
		      const char *source, struct sbuf *err);
/* Parse a whole catalog text ("protocols = ( ... );"); same returns. */
int proto_catalog_add_text(struct proto_catalog *c, const char *text,
			   const char *source, struct sbuf *err);

size_t proto_catalog_count(const struct proto_catalog *c);
const struct proto_entry *proto_catalog_at(const struct proto_catalog *c,
					   size_t i);

/* The entry for a port; ipproto is IPPROTO_TCP or IPPROTO_UDP.  NULL: none. */
const struct proto_entry *proto_by_port(const struct proto_catalog *c,
					int ipproto, uint16_t port);
/* The entry of that name (what a flow's payload was found to speak). */
const struct proto_entry *proto_by_name(const struct proto_catalog *c,
					const char *name);
/*
 * The entry naming a process's program as a client / server: the
 * basename of exe (may be NULL or "") first, then comm.  NULL: none.
 */
const struct proto_entry *proto_by_client(const struct proto_catalog *c,
					  const char *comm, const char *exe);
const struct proto_entry *proto_by_server(const struct proto_catalog *c,
					  const char *comm, const char *exe);
/* What a process's program is called: exe's basename, else comm. */
const char *proto_prog_name(const char *comm, const char *exe);

const char *proto_class_name(enum proto_class cl);

#endif
