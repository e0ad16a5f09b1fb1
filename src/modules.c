// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stddef.h>

#include "modules.h"
#include "proc.h"
#include "rules/root_perms.h"

/* Rules first: they subscribe before the sources publish. */
const struct vigil_module *const vigil_modules[] = {
	&root_perms_module,
	&proc_module,
	NULL,
};
