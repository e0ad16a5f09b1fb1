/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CNPROC_H
#define VIGIL_CNPROC_H

#include <stdbool.h>

struct vigil_env;

/*
 * The kernel's process events connector (cn_proc): an exec, told by pid
 * alone, with no audit rule and so no line in an audit daemon's log.
 * The process is read from /proc when the event arrives; one that has
 * already exited is missed (audit names it in its records).  Used
 * beside another audit daemon when audit.beside_auditd is "connector".
 */
struct cnproc;

/* Opens the socket (CAP_NET_ADMIN); NULL with errno on failure. */
struct cnproc *cnproc_new(const struct vigil_env *env);
/* Subscribe (true) or not; returns 0 or -errno. */
int cnproc_listen(struct cnproc *c, bool on);
bool cnproc_listening(const struct cnproc *c);
void cnproc_free(struct cnproc *c);

#endif
