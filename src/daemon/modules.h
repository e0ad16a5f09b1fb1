/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODULES_H
#define VIGIL_MODULES_H

/* The modules vigild runs, in start order (modules.c). */

#include "core/module.h"

#define VIGIL_MAX_MODULES 32

/* NULL-terminated. */
extern const struct vigil_module *const vigil_modules[];

#endif
