/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_REPLIES_H
#define VIGIL_CONTROL_REPLIES_H

#include "vigil.h"

/*
 * Set st up to stream {"ok":true,"findings":[...]}: every finding, or
 * those of rule and of *severity when given.  Returns 0, or -1 on
 * ENOMEM.
 */
int reply_findings(struct vigil *v, const struct rule_meta *rule,
		   const enum vigil_severity *severity,
		   struct control_stream *st);
/* Set st up to stream {"ok":true,"report":{...}}.  0, or -1 (ENOMEM). */
int reply_report(struct vigil *v, const struct run *r,
		 struct control_stream *st);

#endif
