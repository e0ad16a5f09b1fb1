// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings and runs announced to syslog or the journal (output.h). */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
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
	/* the host's "tags", "addresses" (or NULL), "device_type" (or "") */
	json_object *tags;
	json_object *addresses;
	char device_type[16];
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
	json_object_put(out->tags);
	json_object_put(out->addresses);
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
	json_object *tags;
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
	json_object_put(out->tags);
	out->tags = NULL;
	if (json_object_object_get_ex(host, "tags", &tags) &&
	    json_object_is_type(tags, json_type_object))
		out->tags = json_object_get(tags);
	json_object_put(out->addresses);
	out->addresses = NULL;
	snprintf(out->device_type, sizeof(out->device_type), "%s",
		 json_get_str(host, "device_type") ?
		 json_get_str(host, "device_type") : "");
	if (json_object_object_get_ex(host, "addresses", &tags) &&
	    json_object_is_type(tags, json_type_array))
		out->addresses = json_object_get(tags);
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

#ifdef HAVE_SYSTEMD
/*
 * A finding's journal entry: a sentence for people as MESSAGE, the line
 * in syslog.format as VIGIL_LINE (what a forwarder sends on), its
 * fields, and where it happened.  True if the journal took it.
 */
static bool send_finding(struct output *out, const char *line, int prio,
			 const struct finding *f, enum finding_event ev)
{
	static const char *const where[][2] = {
		{ "container_id", "VIGIL_CONTAINER_ID" },
		{ "container_name", "VIGIL_CONTAINER_NAME" },
		{ "container_image", "VIGIL_CONTAINER_IMAGE" },
		{ "container_runtime", "VIGIL_CONTAINER_RUNTIME" },
		{ "pod_name", "VIGIL_POD_NAME" },
		{ "pod_namespace", "VIGIL_POD_NAMESPACE" },
		{ "netns", "VIGIL_NETNS" },
	};
	json_object *attrs = finding_attrs(f), *v;
	struct iovec iov[21];
	char *fld[21];
	size_t n = 0, i;
	struct sbuf human;
	bool sent = false;

	sbuf_init(&human);
	if (line_human_finding(&human, f, ev) < 0 || !attrs)
		goto out;
	if (asprintf(&fld[n++], "MESSAGE=%s", sbuf_str(&human)) < 0 ||
	    asprintf(&fld[n++], "VIGIL_LINE=%s", line) < 0 ||
	    asprintf(&fld[n++], "PRIORITY=%d", prio) < 0 ||
	    asprintf(&fld[n++], "SYSLOG_FACILITY=%d", out->facility >> 3) < 0 ||
	    asprintf(&fld[n++], "SYSLOG_IDENTIFIER=vigild") < 0 ||
	    asprintf(&fld[n++], "MESSAGE_ID=%s", f->rule->message_id) < 0 ||
	    asprintf(&fld[n++], "VIGIL_RULE=%s", f->rule->id) < 0 ||
	    asprintf(&fld[n++], "VIGIL_SEVERITY=%s",
		     severity_name(f->rule->severity)) < 0 ||
	    asprintf(&fld[n++], "VIGIL_FINDING_ID=%s", f->id) < 0 ||
	    asprintf(&fld[n++], "VIGIL_FINGERPRINT=%s",
		     finding_fingerprint(f).s) < 0 ||
	    asprintf(&fld[n++], "VIGIL_STATUS=%s",
		     finding_status_name(f->status)) < 0 ||
	    asprintf(&fld[n++], "VIGIL_EVENT=%s",
		     finding_event_name(ev)) < 0) {
		n--;	/* the failed one holds nothing */
		goto out;
	}
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (!json_object_object_get_ex(attrs, where[i][0], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		if (asprintf(&fld[n], "%s=%s", where[i][1],
			     json_object_get_string(v)) < 0)
			goto out;
		n++;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = fld[i];
		iov[i].iov_len = strlen(fld[i]);
	}
	if (sd_journal_sendv(iov, (int)n) < 0)
		goto out;
	sent = true;
out:
	for (i = 0; i < n; i++)
		free(fld[i]);
	json_object_put(attrs);
	sbuf_free(&human);
	return sent;
}

/* A run's journal entry: the sentence, and the line for machines. */
static bool send_run(struct output *out, const char *line, int prio,
		     const struct run *r)
{
	struct sbuf human;
	int rc = -1;

	sbuf_init(&human);
	if (line_human_run(&human, r) == 0)
		rc = sd_journal_send("MESSAGE=%s", sbuf_str(&human),
				     "VIGIL_LINE=%s", line,
				     "PRIORITY=%d", prio,
				     "SYSLOG_FACILITY=%d", out->facility >> 3,
				     "SYSLOG_IDENTIFIER=vigild",
				     "VIGIL_EVENT=%s", line_run_event(r),
				     "VIGIL_RUN_ID=%s", r->id,
				     NULL);
	sbuf_free(&human);
	return rc >= 0;
}
#endif

/*
 * One event to the journal (when there is one) or to syslog: r is the
 * run of a run event, f the finding of a finding event.
 */
static void send_line(struct output *out, const char *line, int prio,
		      const struct finding *f, enum finding_event ev,
		      const struct run *r)
{
	/* On a terminal, not where the journal already has the entry. */
	if (out->foreground && !log_to_journal())
		fprintf(stderr, "vigild: %s: %s\n", f ? "finding" : "run",
			line);
#ifdef HAVE_SYSTEMD
	if (out->journal) {
		if (f ? send_finding(out, line, prio, f, ev) :
			send_run(out, line, prio, r))
			out->emitted++;
		else if (!out->failed++)
			log_err("the journal did not take a %s event; counted in output.failed",
				f ? "finding" : "run");
		return;
	}
#else
	(void)ev;
	(void)r;
#endif
	syslog(LOG_MAKEPRI(out->facility, prio), "%s", line);
	out->emitted++;
}

static struct line_host host_of(const struct output *out)
{
	return (struct line_host){ out->hostname, out->machine_id, out->tags,
				   out->addresses,
				   out->device_type[0] ? out->device_type :
							 NULL };
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
	send_line(out, sbuf_str(&line), prio, f, ev, NULL);
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
	send_line(out, sbuf_str(&line), LOG_INFO, NULL, FEV_NEW, r);
out:
	sbuf_free(&line);
}
