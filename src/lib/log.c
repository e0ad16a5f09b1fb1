// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/log.h"
#include "lib/sbuf.h"

static struct {
	int to_stderr;
	int max_prio;
	int opened;
} log_sink = { 1, LOG_INFO, 0 };

void log_syslog_open(int facility)
{
	if (log_sink.opened)
		closelog();
	openlog("vigild", LOG_PID | LOG_NDELAY, facility);
	log_sink.opened = 1;
}

void log_open(int to_stderr, int facility)
{
	log_sink.to_stderr = to_stderr;
	if (!to_stderr)
		log_syslog_open(facility);
}

void log_close(void)
{
	if (log_sink.opened)
		closelog();
	log_sink.opened = 0;
}

static const char *prio_name(int prio)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error",
		"warning", "notice", "info", "debug",
	};

	return names[prio & 7];
}

void log_msg(int prio, const char *fmt, ...)
{
	char raw[1024];
	struct sbuf out;
	va_list ap;

	if ((prio & 7) > log_sink.max_prio)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);

	/*
	 * Messages may quote paths and names from /proc: never let one
	 * carry a newline or control byte into the log.
	 */
	sbuf_init(&out);
	escape_text(&out, raw);
	if (log_sink.to_stderr)
		fprintf(stderr, "vigild: %s: %s\n", prio_name(prio),
			sbuf_str(&out));
	else
		syslog(prio, "%s", sbuf_str(&out));
	sbuf_free(&out);
}
