// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stddef.h>

#include "modules.h"

const struct vigil_module *const vigil_modules[] = {
	NULL,
};
