/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_AUDITLOAD_H
#define VIGIL_SOURCES_AUDITLOAD_H

#include <stdbool.h>

/*
 * Adds vigil's rules that are missing, over the audit netlink socket
 * fd.  Returns how many had to be added, or -1 if none could be (each
 * failure but an arch this kernel lacks is logged).  Sets
 * *connect_rules when connect() is audited (a kernel before 5.3 has no
 * saddr_fam filter, so no connect rule goes in).
 */
int auditload_install(int fd, bool *connect_rules);
/* Removes vigil's rules (those missing already are no error). */
void auditload_remove(int fd);

#endif
