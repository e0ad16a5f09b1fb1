/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_BINARIES_H
#define VIGIL_BINARIES_H

#include <stdbool.h>
#include <sys/types.h>

#include "sources/elfscan.h"
#include "model/engine.h"
#include "modules.h"

/*
 * One running executable or executable mapping that is in scope, with
 * its build verdict: published as EV_BINARY for the DEP and stack
 * cookie rules.
 */
struct binary_event {
	const char *path;
	dev_t dev;
	ino_t ino;
	const char *package;	/* owning package, NULL: third-party */
	const struct elf_verdict *verdict;
	pid_t pid;
	uid_t uid;
	const char *exe;	/* the program that runs or maps it */
	const char *comm;
	bool deleted;		/* unlinked: path is where it was */
};

/*
 * Record a finding of rule for the binary in ev, with why (a verdict
 * reason) and bounded lists of the programs and pids seen using it.
 */
void binaries_report(struct engine *e, enum rule_id rule,
		     const struct binary_event *ev, const char *why);

extern const struct vigil_module binaries_module;

#endif
