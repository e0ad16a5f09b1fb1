/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_WHERE_H
#define VIGIL_SOURCES_WHERE_H

#include "core/module.h"

/*
 * The engine's locator (engine_locate()): where a process or a
 * namespace is, as struct place says.  A process's container comes
 * from its /proc/PID/cgroup, read when the sighting is reported; a
 * namespace's (for a flow whose process is gone or unknown) from the
 * process nswatch found in it.
 */
extern const struct vigil_module where_module;

#endif
