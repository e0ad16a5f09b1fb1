// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's own diagnostics, to stderr or syslog (log.h). */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/escape.h"
#include "lib/log.h"
#include "lib/sbuf.h"

static struct {
	int to_stderr;
	int max_prio;
	int opened;
	int journal;	/* stderr is systemd's journal stream */
} log_sink = { 1, LOG_INFO, 0, 0 };

/*
 * systemd names the journal stream it connects to stderr in
 * JOURNAL_STREAM ("dev:ino"); a redirected stderr no longer matches.
 */
static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int log_to_journal(void)
{
	return log_sink.to_stderr && log_sink.journal;
}

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
	log_sink.journal = to_stderr && stderr_is_journal();
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
	if (log_sink.journal)
		/* journald reads the priority from this prefix. */
		fprintf(stderr, "<%d>%s\n", prio & 7, sbuf_str(&out));
	else if (log_sink.to_stderr)
		fprintf(stderr, "vigild: %s: %s\n", prio_name(prio),
			sbuf_str(&out));
	else
		syslog(prio, "%s", sbuf_str(&out));
	sbuf_free(&out);
}
