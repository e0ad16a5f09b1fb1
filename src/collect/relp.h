/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_RELP_H
#define VIGIL_COLLECT_RELP_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/sbuf.h"

/* One RELP frame: "TXNR SP COMMAND SP DATALEN [SP DATA] LF". */
struct relp_frame {
	unsigned long txnr;
	char cmd[33];
	const char *data;
	size_t datalen;
};

/*
 * The next RELP frame in buf[0..len).  Returns the bytes it takes (> 0)
 * with f set (f->data points into buf); 0 when more bytes are needed;
 * -1 when buf does not hold RELP, or DATA is longer than max.
 */
ssize_t relp_frame_next(const char *buf, size_t len, size_t max,
			struct relp_frame *f);

/*
 * Whether buf (at least what has come of a connection) starts a RELP
 * session ("1 open ").  1 yes, 0 no, -1 not known yet.
 */
int relp_starts(const char *buf, size_t len);

/*
 * The response to frame txnr: "TXNR rsp LEN CODE TEXT[\nEXTRA]\n" (code
 * 0: the empty response "TXNR rsp 0\n" a close is answered with).
 */
void relp_rsp(struct sbuf *out, unsigned long txnr, int code,
	      const char *text, const char *extra);

#endif
