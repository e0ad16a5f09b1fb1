/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_RULES_RULES_H
#define VIGIL_RULES_RULES_H

#include "modules.h"

/* One module per rule (rules/<rule>.c). */
extern const struct vigil_module no_dep_module;
extern const struct vigil_module no_stack_cookies_module;
extern const struct vigil_module client_protocols_module;
extern const struct vigil_module server_protocols_module;
extern const struct vigil_module unused_ports_module;

#endif
