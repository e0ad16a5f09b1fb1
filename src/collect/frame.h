/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_FRAME_H
#define VIGIL_COLLECT_FRAME_H

#include <stddef.h>
#include <sys/types.h>

/* The longest message taken; rsyslog's default is 8k, vigil's lines 16k. */
#define FRAME_MAX 65536

/*
 * The next message in buf[0..len), framed as RFC 6587 says: octet
 * counting ("LEN SP MSG", what RFC 5425 requires) or, when the frame
 * starts with '<', a line ended by LF.  Returns the bytes the frame
 * takes (> 0) with *msg and *msglen set; 0 when more bytes are needed;
 * -1 when the framing is broken or the message longer than FRAME_MAX
 * (the sender is not one to read further).
 */
ssize_t frame_next(const char *buf, size_t len, const char **msg,
		   size_t *msglen);

/* What the collector takes of an RFC 5424 message. */
struct syslog_parts {
	const char *host, *app, *msg;
	size_t host_len, app_len, msg_len;
};

/*
 * Split an RFC 5424 message ("<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID
 * MSGID SD MSG") into its HOSTNAME, APP-NAME and MSG (a leading BOM or
 * space dropped).  Returns 0, or -1 when m is not one.
 */
int syslog_split(const char *m, size_t n, struct syslog_parts *out);

#endif
