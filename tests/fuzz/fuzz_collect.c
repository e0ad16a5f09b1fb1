// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What an admitted sender writes to vigil-collect, as it reads it: the
 * first bytes decide RELP or syslog framing, every frame is cut out
 * and its message split and read as a fleet line.  Any bytes may come.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "collect/frame.h"
#include "collect/relp.h"
#include "fuzz.h"
#include "report/report.h"

static void message(const char *m, size_t n)
{
	struct syslog_parts sp;
	json_object *st;
	char *line;

	if (syslog_split(m, n, &sp) < 0)
		return;
	if (sp.host_len > n || sp.app_len > n || sp.msg + sp.msg_len > m + n ||
	    sp.msg < m)
		abort();	/* a part outside the message */
	if (memchr(sp.msg, '\0', sp.msg_len))
		return;
	line = strndup(sp.msg, sp.msg_len);
	if (line && fleet_parse_line(line, &st) == 0)
		json_object_put(st);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;
	ssize_t r;

	if (relp_starts(buf, size) == 1) {
		struct relp_frame f;

		while ((r = relp_frame_next(buf + off, size - off, FRAME_MAX,
					    &f)) > 0) {
			if ((size_t)r > size - off ||
			    f.data + f.datalen > buf + off + (size_t)r)
				abort();
			if (!strcmp(f.cmd, "syslog"))
				message(f.data, f.datalen);
			off += (size_t)r;
		}
		return 0;
	}
	for (;;) {
		const char *m;
		size_t n;

		r = frame_next(buf + off, size - off, &m, &n);
		if (r <= 0)
			break;
		if ((size_t)r > size - off || m + n > buf + size)
			abort();
		message(m, n);
		off += (size_t)r;
	}
	return 0;
}
