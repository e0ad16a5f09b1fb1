/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_BINARIES_H
#define VIGIL_BINARIES_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/module.h"

/*
 * The binaries inventory: takes the executable mappings of every
 * process (EV_PROC_SCAN, EV_MAPPING), leaves out files a Debian package
 * owns unless scope = "all", judges how the file really mapped was
 * built (in the sandboxed analyser, cached by inode) and publishes
 * each as EV_BINARY.
 */
extern const struct vigil_module binaries_module;

#endif
