/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_REPLIES_H
#define VIGIL_CONTROL_REPLIES_H

#include "daemon/vigil.h"

/* Which findings a reply holds (each NULL or 0: any). */
struct findings_filter {
	const struct rule_meta *rule;
	bool by_severity;
	enum vigil_severity severity;
	int64_t since;		/* seen at or after (last_seen) */
	int64_t until;		/* seen at or before (first_seen) */
	/* the program's (or file's) path, or its base name */
	const char *program;
	/* a container's name, or its id or a prefix of it */
	const char *container;
};

/*
 * Set st up to stream {"ok":true,"findings":[...]}: the findings that
 * pass flt (copied).  Returns 0, or -1 on ENOMEM.
 */
int reply_findings(struct vigil *v, const struct findings_filter *flt,
		   struct control_stream *st);
/* Set st up to stream {"ok":true,"report":{...}}.  0, or -1 (ENOMEM). */
int reply_report(struct vigil *v, const struct run *r,
		 struct control_stream *st);

#endif
