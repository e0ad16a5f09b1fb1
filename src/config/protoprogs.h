/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROTOPROGS_H
#define VIGIL_PROTOPROGS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/protocols.h"

/*
 * The catalog's program names, hashed: every flow whose program is
 * known asks which protocol's client (or server) it is, and walking
 * every name of every entry cost a twentieth of vigild's CPU in a storm
 * of connections.  Built from a finished catalog's n entries, in its
 * order (protoprogs.c), which it points into: freed with it or before
 * it changes.
 */
struct proto_progs;

/* NULL on ENOMEM. */
struct proto_progs *proto_progs_new(struct proto_entry *const *e, size_t n);
void proto_progs_free(struct proto_progs *pp);

/*
 * The first entry (in catalog order) naming prog among its clients
 * (client true) or servers, or NULL.  A prog of 15 characters is a
 * comm, cut by the kernel: it names any longer name it begins.
 */
const struct proto_entry *proto_progs_find(const struct proto_progs *pp,
					   const char *prog, bool client);

#endif
