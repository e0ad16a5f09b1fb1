/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_AUDITLOAD_H
#define VIGIL_SOURCES_AUDITLOAD_H

#include <stdbool.h>

/*
 * Adds vigil's rules that are missing, over the audit netlink socket
 * fd; the rules of connect() and the sends only with connects (the
 * kernel's tracepoints may name every connect a rule judges, and each
 * audited connect costs four records).  Returns how many had to be
 * added, or -1 if none could be (each failure but an arch this kernel
 * lacks is logged).  Sets *connect_rules when connect() is audited (a
 * kernel before 5.3 has no saddr_fam filter, so no connect rule goes
 * in).
 */
int auditload_install(int fd, bool connects, bool *connect_rules);
/* Removes vigil's rules, all of them (those missing are no error). */
void auditload_remove(int fd);

#endif
