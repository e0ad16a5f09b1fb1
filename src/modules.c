// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stddef.h>

#include "sources/addr.h"
#include "sources/audit.h"
#include "sources/binaries.h"
#include "sources/ct.h"
#include "sources/listen.h"
#include "modules.h"
#include "sources/proc.h"
#include "rules/root_perms.h"
#include "rules/rules.h"

/*
 * Rules first, then sources; the /proc scan last, as it feeds the rest.
 * Addresses before listeners before conntrack: a flow is judged against
 * both, and the table dumps run in this order at start.
 */
const struct vigil_module *const vigil_modules[] = {
	&root_perms_module,
	&no_dep_module,
	&no_stack_cookies_module,
	&client_protocols_module,
	&server_protocols_module,
	&unused_ports_module,
	&binaries_module,
	&addr_module,
	&listen_module,
	&ct_module,
	&audit_module,
	&proc_module,
	NULL,
};
