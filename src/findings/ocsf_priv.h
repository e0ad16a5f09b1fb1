/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_OCSF_PRIV_H
#define VIGIL_OCSF_PRIV_H

/*
 * Shared by format_ocsf.c (the event classes) and ocsf_where.c (the
 * device, container and network endpoints an event names).
 */
#include <stdint.h>

#include <json-c/json.h>

#include "findings/line.h"

void ocsf_int(json_object *o, const char *k, int64_t v);
/* A new object member k of parent (NULL on ENOMEM, nothing added). */
json_object *ocsf_obj(json_object *parent, const char *k);
/* A string or integer attribute of the finding: NULL, or -1, if none. */
const char *ocsf_attr_str(const struct line_event *e, const char *k);
int ocsf_attr_int(const struct line_event *e, const char *k, int64_t *v);
/*
 * The device: the host's name, machine-id and addresses (ip: its first
 * address that is neither loopback nor link-local; every one as a
 * network interface), and the container the finding happened in.
 */
void ocsf_device(json_object *o, const struct line_event *e);
/*
 * The endpoint a protocol finding is about: a client's peer (remote:
 * "ADDR:PORT" or "[ADDR]:PORT") or a server's service (its port, and
 * its address when it listens on one address alone), with ip and port
 * apart.  NULL when there is nothing to name it by.
 */
json_object *ocsf_endpoint(const struct line_event *e, bool server);

#endif
