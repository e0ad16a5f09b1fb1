// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stddef.h>

#include "audit.h"
#include "binaries.h"
#include "modules.h"
#include "proc.h"
#include "rules/root_perms.h"
#include "rules/rules.h"

/* Rules first, then sources; the /proc scan last, as it feeds the rest. */
const struct vigil_module *const vigil_modules[] = {
	&root_perms_module,
	&no_dep_module,
	&no_stack_cookies_module,
	&binaries_module,
	&audit_module,
	&proc_module,
	NULL,
};
