/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_AUDITRULES_H
#define VIGIL_SOURCES_AUDITRULES_H

#include <stddef.h>

#define AUDIT_RULE_MAX_SYSCALLS 6
#define AUDIT_RULE_MAX_FILTERS 2

/*
 * One audit rule as auditctl takes it ("-a always,exit -F arch -S ...
 * [-F filter]... -k vigil").  The table is generated at build time from
 * rules/audit/50-vigil.rules, so the rules vigild installs and the file
 * shipped for augenrules cannot differ.
 */
struct audit_rule_spec {
	const char *arch;		/* "arch=b64" */
	const char *syscalls[AUDIT_RULE_MAX_SYSCALLS + 1];	/* NULL-ended */
	/* "a2&4", "saddr_fam=2"; NULL-ended */
	const char *filters[AUDIT_RULE_MAX_FILTERS + 1];
};

extern const struct audit_rule_spec audit_rule_set[];
extern const size_t audit_rule_count;

#endif
