/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_HOST_H
#define VIGIL_HOST_H

#include <json-c/json.h>

/*
 * What a finding says about the machine: hostname, machine-id and the
 * non-loopback addresses.  Returns a new object, NULL on ENOMEM.
 */
json_object *host_info_new(void);

#endif
