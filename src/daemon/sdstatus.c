// SPDX-License-Identifier: GPL-2.0-or-later
/* What systemd is told of vigild: see sdstatus.h. */
#include "build.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "lib/log.h"
#include "core/rulemeta.h"
#include "daemon/sdstatus.h"

struct sdstatus {
	const struct findings *fs;
	struct loop_timer *refresh;
	struct loop_timer *watchdog;
	char last[160];		/* the line told last */
};

void sdstatus_line(const struct findings *fs, char *buf, size_t len)
{
	static const enum vigil_severity order[] = {
		SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFORMATIONAL,
	};
	size_t n = findings_count(fs), i, k, open = 0, quiet = 0;
	size_t by[4] = { 0 };
	bool first = true;
	int off;

	for (i = 0; i < n; i++) {
		const struct finding *f = findings_at(fs, i);

		if (f->status != FINDING_OPEN)
			continue;
		if (f->quiet) {
			quiet++;
			continue;
		}
		open++;
		for (k = 0; k < 4; k++)
			if (f->rule->severity == order[k])
				by[k]++;
	}
	off = snprintf(buf, len, "%zu open finding%s", open,
		       open == 1 ? "" : "s");
	for (k = 0; k < 4 && open; k++) {
		if (!by[k] || off < 0 || (size_t)off >= len)
			continue;
		off += snprintf(buf + off, len - (size_t)off, "%s%zu %s",
				first ? ": " : ", ", by[k],
				severity_name(order[k]));
		first = false;
	}
	if (quiet && off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, "; %zu accepted", quiet);
}

static void tell(struct sdstatus *s, const char *what)
{
#ifdef HAVE_SYSTEMD
	char line[sizeof(s->last)], msg[sizeof(s->last) + 64];

	sdstatus_line(s->fs, line, sizeof(line));
	if (!what && !strcmp(line, s->last))
		return;
	snprintf(s->last, sizeof(s->last), "%s", line);
	snprintf(msg, sizeof(msg), "%s%sSTATUS=%s", what ? what : "",
		 what ? "\n" : "", line);
	sd_notify(0, msg);
#else
	(void)s;
	(void)what;
#endif
}

static void on_refresh(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	tell(data, NULL);
}

static void on_watchdog(struct loop *loop, struct loop_timer *t,
			void *data)
{
	(void)loop;
	(void)t;
	(void)data;
#ifdef HAVE_SYSTEMD
	sd_notify(0, "WATCHDOG=1");
#endif
}

struct sdstatus *sdstatus_new(struct loop *loop, const struct findings *fs)
{
	struct sdstatus *s = calloc(1, sizeof(*s));
	uint64_t usec = 0;

	if (!s)
		return NULL;
	s->fs = fs;
	s->refresh = loop_timer_new(loop, on_refresh, s);
	s->watchdog = loop_timer_new(loop, on_watchdog, s);
	if (!s->refresh || !s->watchdog) {
		sdstatus_free(s);
		return NULL;
	}
#ifdef HAVE_SYSTEMD
	/* only under a unit that asks (WatchdogSec=), and for our pid */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) {
		loop_timer_arm(s->watchdog, usec / 2000, usec / 2000);
		log_info("systemd watchdog: pinging every %llu ms",
			 (unsigned long long)(usec / 2000));
	}
	if (getenv("NOTIFY_SOCKET"))
		loop_timer_arm(s->refresh, SDSTATUS_REFRESH_MS,
			       SDSTATUS_REFRESH_MS);
#endif
	(void)usec;
	return s;
}

void sdstatus_free(struct sdstatus *s)
{
	if (!s)
		return;
	loop_timer_free(s->refresh);
	loop_timer_free(s->watchdog);
	free(s);
}

void sdstatus_notify(struct sdstatus *s, const char *what)
{
	tell(s, what);
}
