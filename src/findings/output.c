// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "findings/line.h"
#include "findings/output.h"
#include "lib/jsonutil.h"
#include "lib/log.h"
#include "lib/utf8.h"

struct output {
	int facility;
	enum syslog_format format;
	size_t max_line;
	int foreground;
	int journal;
	char *hostname;			/* escaped */
	char machine_id[40];
	unsigned long emitted, trimmed, failed;
};

static int journal_available(void)
{
#ifdef HAVE_SYSTEMD
	return access("/run/systemd/journal/socket", W_OK) == 0;
#else
	return 0;
#endif
}

struct output *output_new(const struct vigil_config *cfg, int foreground)
{
	struct output *out = calloc(1, sizeof(*out));

	if (!out)
		return NULL;
	out->foreground = foreground;
	out->hostname = strdup("");
	if (!out->hostname) {
		free(out);
		return NULL;
	}
	output_configure(out, cfg);
	/* Findings go to syslog in the foreground too: same ident and pid. */
	log_syslog_open(cfg->syslog_facility);
	return out;
}

void output_free(struct output *out)
{
	if (!out)
		return;
	free(out->hostname);
	free(out);
}

void output_configure(struct output *out, const struct vigil_config *cfg)
{
	out->facility = cfg->syslog_facility;
	out->format = cfg->syslog_format;
	out->max_line = (size_t)cfg->syslog_max_line - LINE_HEADER_ROOM;
	out->journal = journal_available();
}

void output_set_host(struct output *out, json_object *host)
{
	const char *name = json_get_str(host, "hostname");
	const char *mid = json_get_str(host, "machine_id");
	struct sbuf sb;

	sbuf_init(&sb);
	if (name)
		utf8_escape_once(&sb, name, strlen(name));
	if (!sbuf_failed(&sb)) {
		free(out->hostname);
		out->hostname = strdup(sbuf_str(&sb));
		if (!out->hostname)
			out->hostname = strdup("");
	}
	sbuf_free(&sb);
	snprintf(out->machine_id, sizeof(out->machine_id), "%s",
		 mid ? mid : "");
}

unsigned long output_emitted(const struct output *out)
{
	return out->emitted;
}

unsigned long output_trimmed(const struct output *out)
{
	return out->trimmed;
}

unsigned long output_failed(const struct output *out)
{
	return out->failed;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void send_line(struct output *out, const char *line, int prio,
		      const struct finding *f, const char *event)
{
	/* On a terminal, not where the journal already has the entry. */
	if (out->foreground && !log_to_journal())
		fprintf(stderr, "vigild: %s: %s\n", f ? "finding" : "run",
			line);
#ifdef HAVE_SYSTEMD
	if (out->journal) {
		if (f)
			sd_journal_send("MESSAGE=%s", line,
					"PRIORITY=%d", prio,
					"SYSLOG_FACILITY=%d", out->facility >> 3,
					"SYSLOG_IDENTIFIER=vigild",
					"MESSAGE_ID=%s", f->rule->message_id,
					"VIGIL_RULE=%s", f->rule->id,
					"VIGIL_SEVERITY=%s",
					severity_name(f->rule->severity),
					"VIGIL_FINDING_ID=%s", f->id,
					"VIGIL_FINGERPRINT=%s", f->fingerprint,
					"VIGIL_STATUS=%s",
					finding_status_name(f->status),
					"VIGIL_EVENT=%s", event,
					NULL);
		else
			sd_journal_send("MESSAGE=%s", line,
					"PRIORITY=%d", prio,
					"SYSLOG_FACILITY=%d", out->facility >> 3,
					"SYSLOG_IDENTIFIER=vigild",
					"VIGIL_EVENT=%s", event,
					NULL);
		out->emitted++;
		return;
	}
#endif
	syslog(LOG_MAKEPRI(out->facility, prio), "%s", line);
	out->emitted++;
}

static struct line_host host_of(const struct output *out)
{
	return (struct line_host){ out->hostname, out->machine_id };
}

void output_finding(struct output *out, const struct finding *f,
		    enum finding_event ev)
{
	struct line_host h = host_of(out);
	struct sbuf line;
	int r, prio;

	prio = ev == FEV_RESOLVED || ev == FEV_ACCEPTED ? LOG_INFO :
	       severity_syslog_prio(f->rule->severity);
	sbuf_init(&line);
	r = line_finding(&line, out->format, out->max_line, f, ev, &h,
			 now_ms());
	if (r < 0) {
		if (!out->failed++)
			log_err("finding %s: its %s event cannot be written in %zu bytes (syslog.max_line) or memory ran out; counted in output.failed",
				f->id, finding_event_name(ev), out->max_line);
		goto out;
	}
	if (r > 0)
		out->trimmed++;
	send_line(out, sbuf_str(&line), prio, f, finding_event_name(ev));
out:
	sbuf_free(&line);
}

void output_run(struct output *out, const struct run *r)
{
	struct line_host h = host_of(out);
	struct sbuf line;

	sbuf_init(&line);
	if (line_run(&line, out->format, r, &h, now_ms()) < 0) {
		out->failed++;
		goto out;
	}
	send_line(out, sbuf_str(&line), LOG_INFO, NULL, line_run_event(r));
out:
	sbuf_free(&line);
}
