/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_NSSOCKFIND_H
#define VIGIL_SOURCES_NSSOCKFIND_H

#include <stdint.h>

#include "model/model.h"
#include "sources/sockfind.h"

/*
 * sock_diag inside the other namespaces vigild watches, one socket per
 * namespace, opened when a flow there first needs it and closed when
 * the namespace goes (EV_NETNS).
 */
struct ns_sockfinds;

/* NULL on ENOMEM; subscribes to EV_NETNS of m's engine. */
struct ns_sockfinds *ns_sockfinds_new(struct engine *e, struct model *m);
void ns_sockfinds_free(struct ns_sockfinds *s);

/*
 * sock_diag in the namespace of id nsid (>= 0), or NULL when it cannot
 * be asked there (not watched, or its socket failed: not tried again
 * until the namespace goes).
 */
struct sockfind *ns_sockfinds_get(struct ns_sockfinds *s, int32_t nsid);

#endif
