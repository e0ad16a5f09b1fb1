/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_HOST_H
#define VIGIL_HOST_H

#include <json-c/json.h>

/*
 * What a finding says about the machine: hostname (in the text form of
 * lib/utf8.h), machine-id (from /etc/machine-id or D-Bus's; absent if
 * neither holds one), the non-loopback addresses and device_type
 * ("Virtual", "Server", "Desktop", "Laptop" or "Tablet"; absent when
 * nothing tells).  Returns a new object, NULL on ENOMEM.
 */
json_object *host_info_new(void);

#endif
