/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include <json-c/json.h>

#include "config/config.h"
#include "findings/assess.h"
#include "findings/findings.h"

/*
 * Where findings and runs are announced: syslog(3) with ident "vigild",
 * or, when built with libsystemd and journald runs, the journal with
 * structured fields (journald hands them on to a syslog daemon).  One
 * line per event in syslog.format (findings/line.h), at most
 * syslog.max_line bytes.  In the foreground each line is also printed
 * on stderr, unless stderr is the journal.
 */
struct output;

/* NULL with errno set on allocation failure. */
struct output *output_new(const struct vigil_config *cfg, int foreground);
void output_free(struct output *out);
void output_configure(struct output *out, const struct vigil_config *cfg);
/* hostname and machine_id of the host object (lib/host.h). */
void output_set_host(struct output *out, json_object *host);

/*
 * Priority: the finding's severity (High err .. Informational info);
 * resolved findings and runs are info.
 */
void output_finding(struct output *out, const struct finding *f,
		    enum finding_event ev);
void output_run(struct output *out, const struct run *r);

/* Lines written; lines trimmed to fit; events that could not be told. */
unsigned long output_emitted(const struct output *out);
unsigned long output_trimmed(const struct output *out);
unsigned long output_failed(const struct output *out);

#endif
