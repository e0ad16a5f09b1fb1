/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_AUDIT_H
#define VIGIL_AUDIT_H

#include <sys/types.h>

#include "core/module.h"

/* Pending (incomplete) events kept at most, and how long. */
#define AUDIT_MAX_PENDING 1024
#define AUDIT_EVENT_TIMEOUT_MS 2000
/* As the audit daemon, the kernel queue is raised to this (as auditd's -b). */
#define AUDIT_BACKLOG 8192
/* Rules are re-checked (re-added if gone) this often. */
#define AUDIT_RULE_CHECK_MS 10000

/*
 * The audit source: reads records from the netlink multicast group
 * (auditd keeps working beside vigild) or, with no audit daemon
 * registered, as the audit daemon itself (records stay out of kmsg);
 * installs its rules (key "vigil") and removes them at stop.
 */
extern const struct vigil_module audit_module;

#endif
