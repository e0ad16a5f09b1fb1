/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include "config/config.h"
#include "findings/findings.h"
#include "lib/sbuf.h"

/*
 * Where findings are announced: syslog(3) with ident "vigild", or, when
 * built with libsystemd and journald runs, the journal with structured
 * fields (journald hands them on to a syslog daemon).  In the
 * foreground each line is also printed on stderr.
 */
struct output;

/* NULL with errno set on allocation failure. */
struct output *output_new(const struct vigil_config *cfg, int foreground);
void output_free(struct output *out);
void output_configure(struct output *out, const struct vigil_config *cfg);

/* event: "new" for a first sighting, "remind" for a repeat. */
void output_finding(struct output *out, const struct finding *f,
		    const char *event);
unsigned long output_emitted(const struct output *out);

/* The one-line forms, for output and tests; values escaped. */
void output_format_kv(struct sbuf *sb, const struct finding *f,
		      const char *event);
void output_format_json(struct sbuf *sb, const struct finding *f,
			const char *event);

#endif
