/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_RULES_H
#define VIGIL_RULES_RULES_H

#include "core/module.h"

/*
 * One module per rule file.  A rule reads only its events
 * (model/events.h), the model's read-only view and the configuration,
 * and reports through engine_report(): no kernel, /proc or file access.
 */
extern const struct vigil_module hardening_module;	/* DEP, cookies */
extern const struct vigil_module client_protocols_module;
extern const struct vigil_module server_protocols_module;
extern const struct vigil_module unused_ports_module;
extern const struct vigil_module root_perms_module;

#endif
