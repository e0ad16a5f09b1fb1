/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_PROCBATCH_H
#define VIGIL_SOURCES_PROCBATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/module.h"
#include "sources/auditevent.h"

/* Processes gathered at most, and how long, before their maps are read. */
#define PROCBATCH_MAX 512
#define PROCBATCH_MS 100
/*
 * Processes known gone remembered at once (direct-mapped by pid), and
 * for how long around their exec a note holds: a pid taken again by
 * another process within it would need the whole pid space to wrap.
 */
#define PROCBATCH_GONE 1024
#define PROCBATCH_GONE_MS 1000
/*
 * Where a gone process's program name led (a stat), kept this long for
 * the next gone process of the same name: an exec storm runs a few
 * programs over and over.  Direct-mapped by the name's hash.
 */
#define PROCBATCH_NAMES 64
#define PROCBATCH_NAME_MS 1000

/*
 * Processes whose mappings changed (an exec, an executable mmap), read
 * from /proc and published once per batch: a process start brings an
 * exec and several mmaps, and its maps are worth one read.  One gone
 * before its turn is judged by the program its exec record named, and
 * only if that name still leads to a file the exec opened.
 */
struct procbatch;

/* table_full: the proc table's counter.  NULL on ENOMEM. */
struct procbatch *procbatch_new(const struct vigil_env *env,
				uint64_t *table_full);
/* Frees, with what is gathered (at exit: nothing is published). */
void procbatch_free(struct procbatch *b);

/* ev's process is to be read (ev an exec when is_exec). */
void procbatch_mark(struct procbatch *b, const struct audit_event *ev,
		    bool is_exec);
/*
 * pid had exited when its exec was seen (EV_EXEC_GONE): when it is
 * published, its exec record is taken as is, with no look in /proc.
 */
void procbatch_gone(struct procbatch *b, pid_t pid);
/* Reads and publishes every process gathered now. */
void procbatch_flush(struct procbatch *b);

#endif
