// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Assessment runs (assess.h): start, collect for a duration, evaluate
 * (the end-of-run rules), complete or cancel; the ring of past runs and
 * what each saw.  run_json.c gives them their JSON form.
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "findings/assess_priv.h"
#include "lib/duration.h"
#include "lib/log.h"

static const char *const state_names[] = {
	[RUN_COLLECTING] = "collecting",
	[RUN_EVALUATING] = "evaluating",
	[RUN_COMPLETED] = "completed",
	[RUN_CANCELED] = "canceled",
};

const char *run_state_name(enum run_state s)
{
	if ((unsigned int)s > RUN_CANCELED)
		return "unknown";
	return state_names[s];
}

static void notify(struct assess *a)
{
	if (a->changed)
		a->changed(a->data);
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data);

struct assess *assess_new(struct loop *loop, struct findings *fs,
			  assess_changed_fn changed, void *data)
{
	struct assess *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->loop = loop;
	a->fs = fs;
	a->changed = changed;
	a->data = data;
	a->duration = 3600;
	a->repeat = true;
	a->timer = loop_timer_new(loop, on_timer, a);
	if (!a->timer) {
		free(a);
		return NULL;
	}
	return a;
}

void assess_free(struct assess *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < ASSESS_MAX_RUNS; i++)
		free(a->runs[i].seen);
	loop_timer_free(a->timer);
	free(a);
}

void assess_set_observer(struct assess *a, assess_observe_fn fn, void *data)
{
	a->observe = fn;
	a->observe_data = data;
}

void assess_configure(struct assess *a, uint64_t duration, bool repeat)
{
	a->duration = duration;
	a->repeat = repeat;
}

void assess_set_run_hook(struct assess *a, assess_run_fn fn, void *data)
{
	a->run_hook = fn;
	a->run_data = data;
}

static void announce(struct assess *a, const struct run *r)
{
	if (a->run_hook)
		a->run_hook(a->run_data, r);
}

int assess_add_end_hook(struct assess *a, assess_end_fn fn, void *data)
{
	if (a->nhooks == MAX_HOOKS) {
		errno = ENOSPC;
		return -1;
	}
	a->hooks[a->nhooks].fn = fn;
	a->hooks[a->nhooks].data = data;
	a->nhooks++;
	return 0;
}

size_t assess_count(const struct assess *a)
{
	return a->n;
}

const struct run *assess_at(const struct assess *a, size_t i)
{
	if (i >= a->n)
		return NULL;
	return &a->runs[(a->first + i) % ASSESS_MAX_RUNS];
}

const struct run *assess_find(const struct assess *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(assess_at(a, i)->id, id))
			return assess_at(a, i);
	return NULL;
}

const struct run *assess_current(const struct assess *a)
{
	return a->current;
}

const struct run *assess_last_completed(const struct assess *a)
{
	size_t i;

	for (i = a->n; i > 0; i--) {
		const struct run *r = assess_at(a, i - 1);

		if (r->state == RUN_COMPLETED)
			return r;
	}
	return NULL;
}

/* A new slot at the end of the ring; the oldest summary makes room. */
struct run *assess_new_slot(struct assess *a)
{
	struct run *r;

	if (a->n == ASSESS_MAX_RUNS) {
		a->first = (a->first + 1) % ASSESS_MAX_RUNS;
		a->n--;
	}
	r = &a->runs[(a->first + a->n) % ASSESS_MAX_RUNS];
	a->n++;
	free(r->seen);
	memset(r, 0, sizeof(*r));
	return r;
}

static void make_run_id(char *buf, size_t len, int64_t now)
{
	time_t t = (time_t)now;
	unsigned char rnd[4] = { 0 };
	char stamp[20];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Random part only to keep ids unique within one second. */
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		memcpy(rnd, &t, sizeof(rnd));
	snprintf(buf, len, "%s-%02x%02x%02x%02x", stamp, rnd[0], rnd[1],
		 rnd[2], rnd[3]);
}

void assess_count_findings(struct assess *a, struct run *r)
{
	size_t i, n = findings_count(a->fs);

	r->high = r->medium = r->low = r->info = r->accepted = 0;
	for (i = 0; i < n; i++) {
		const struct finding *f = findings_at(a->fs, i);

		if (!finding_seen_in(f, r->id))
			continue;
		r->accepted += f->quiet != NULL;
		switch (f->rule->severity) {
		case SEV_HIGH:
			r->high++;
			break;
		case SEV_MEDIUM:
			r->medium++;
			break;
		case SEV_LOW:
			r->low++;
			break;
		default:
			r->info++;
		}
	}
}

/*
 * The run's record: each finding seen in it, with its sightings in the
 * run when they are known (the finding's newest run is this one).
 * Then the oldest runs' lists give way while all lists together name
 * more than ASSESS_MAX_SEEN findings.
 */
struct run_finding *assess_gather_seen(const struct assess *a,
				       const struct run *r, size_t *n)
{
	size_t i, total = findings_count(a->fs), k = 0;
	struct run_finding *v = calloc(total ? total : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < total; i++) {
		const struct finding *f = findings_at(a->fs, i);
		struct run_finding *e = &v[k];

		if (!finding_seen_in(f, r->id))
			continue;
		/* its id is its own, never another's text */
		if (run_finding_set_id(e, f->id) < 0)
			continue;
		e->rule = (uint8_t)f->rule->idx;
		e->accepted = f->quiet != NULL;
		if (!strcmp(finding_run(f, f->nruns - 1), r->id))
			run_finding_set_seen(e, f->run_count, f->run_first,
					     f->run_last);
		k++;
	}
	*n = k;
	return v;
}

void assess_record_seen(struct assess *a, struct run *r)
{
	size_t i, total = 0;

	free(r->seen);
	r->nseen = 0;
	r->seen = assess_gather_seen(a, r, &r->nseen);
	if (!r->seen) {
		r->seen_dropped = true;
		return;
	}
	for (i = 0; i < a->n; i++)
		total += assess_at(a, i)->nseen;
	for (i = 0; i < a->n && total > ASSESS_MAX_SEEN; i++) {
		struct run *o = (struct run *)assess_at(a, i);

		if (o == r || !o->nseen)
			continue;
		total -= o->nseen;
		free(o->seen);
		o->seen = NULL;
		o->nseen = 0;
		o->seen_dropped = true;
	}
}

static const struct {
	const char *name, *text;
} run_limits[RUN_LIMIT_COUNT] = {
	{ "audit-off", "audit is off (audit.mode): programs were seen at the /proc rescans only, and one that ran between two rescans was not assessed" },
	{ "audit-unavailable", "kernel audit was not available (no audit capability, a container, or audit=0): programs came from the process events connector or the /proc rescans, and one that exits within about a millisecond, or a library loaded later, may not have been assessed" },
	{ "audit-connector", "another audit daemon ran and vigil's audit rules were out (audit.beside_auditd = \"connector\"): a program that exits within about a millisecond, or a library loaded later, may not have been assessed" },
	{ "conntrack-unavailable", "conntrack was not available: no connection was seen, so the protocol rules judged nothing and unused ports could not be told" },
	{ "conntrack-table-missing", "vigil's nft table was not loaded: unless another ruleset uses conntrack, connections were not tracked" },
	{ "tracepoints-off", "the connect tracepoints are off (network.tracepoints): programs behind connections were named from audit and /proc, and a short-lived client may be \"unknown\"" },
	{ "tracepoints-unavailable", "the connect tracepoints could not be opened (no tracefs or no permission): programs behind connections were named from audit and /proc, and a short-lived client may be \"unknown\"" },
	{ "payload-off", "flows are not judged by their payload (network.payload): a clear-text protocol off its port was not seen, and an upgrade to TLS on its port was reported as clear text" },
	{ "payload-unavailable", "no flow's payload could be read (NFLOG group 7411 taken, or vigil.nft's log rules not loaded): a clear-text protocol off its port was not seen, and an upgrade to TLS on its port was reported as clear text" },
};

const char *run_limit_name(unsigned int i)
{
	return i < RUN_LIMIT_COUNT ? run_limits[i].name : "?";
}

const char *run_limit_text(unsigned int i)
{
	return i < RUN_LIMIT_COUNT ? run_limits[i].text : "?";
}

static uint64_t delta(uint64_t end, uint64_t start)
{
	return end >= start ? end - start : end;
}

/* What the run looked at, from the sources' counters. */
static void observe_end(struct assess *a, struct run *r)
{
	struct run_observed now = { 0 }, *s = &r->at_start;

	if (!a->observe)
		return;
	a->observe(a->observe_data, &now, &r->rules);
	r->observed.flows = delta(now.flows, s->flows);
	r->observed.listeners = now.listeners;
	r->observed.processes = now.processes;
	r->observed.execs = delta(now.execs, s->execs);
	r->observed.binaries_judged = delta(now.binaries_judged,
					    s->binaries_judged);
	r->observed.binaries_packaged = delta(now.binaries_packaged,
					      s->binaries_packaged);
	r->observed.root_checks = delta(now.root_checks, s->root_checks);
	r->observed.events_lost = delta(now.events_lost, s->events_lost);
	r->observed.limits = now.limits | s->limits;
	r->observed_known = true;
}

void assess_note_limits(struct assess *a, bool replace)
{
	struct run_observed now = { 0 };
	uint32_t rules;
	struct run *r = a->current;

	if (!r || !a->observe)
		return;
	a->observe(a->observe_data, &now, &rules);
	if (replace)
		r->at_start.limits = now.limits;
	else
		r->at_start.limits |= now.limits;
}

void assess_observe_current(struct assess *a, struct run_observed *out,
			    uint32_t *rules)
{
	struct run copy;

	memset(out, 0, sizeof(*out));
	*rules = 0;
	if (!a->current)
		return;
	copy = *a->current;
	observe_end(a, &copy);
	*out = copy.observed;
	*rules = copy.rules;
}

static void finish(struct assess *a, enum run_state state,
		   const char *reason)
{
	struct run *r = a->current;
	size_t i;

	loop_timer_arm(a->timer, 0, 0);
	if (state == RUN_COMPLETED) {
		r->state = RUN_EVALUATING;
		for (i = 0; i < a->nhooks; i++)
			a->hooks[i].fn(a->hooks[i].data, r->id);
	}
	r->end = (int64_t)time(NULL);
	if (state == RUN_COMPLETED)
		r->resolved = findings_end_run(a->fs, r->id, r->end);
	r->state = state;
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "");
	assess_count_findings(a, r);
	assess_record_seen(a, r);
	observe_end(a, r);
	a->current = NULL;
	log_info("run %s %s%s%s%s: %u high, %u medium, %u low, %u informational",
		 r->id, run_state_name(state), reason ? " (" : "",
		 reason ? reason : "", reason ? ")" : "", r->high, r->medium,
		 r->low, r->info);
	announce(a, r);
}

int assess_start(struct assess *a, uint64_t duration)
{
	struct run *r;
	char d[32];

	if (!duration)
		duration = a->duration;
	if (a->current)
		finish(a, RUN_CANCELED, "replaced by a new run");
	r = assess_new_slot(a);
	r->start = (int64_t)time(NULL);
	r->duration = duration;
	r->state = RUN_COLLECTING;
	make_run_id(r->id, sizeof(r->id), r->start);
	if (a->observe)
		a->observe(a->observe_data, &r->at_start, &r->rules);
	if (loop_timer_arm(a->timer, duration * 1000, 0) < 0) {
		int e = errno;

		r->state = RUN_CANCELED;
		snprintf(r->reason, sizeof(r->reason), "timer failed");
		notify(a);
		errno = e;
		return -1;
	}
	a->current = r;
	duration_format(duration, d, sizeof(d));
	log_info("run %s started, collecting for %s", r->id, d);
	announce(a, r);
	notify(a);
	return 0;
}

int assess_stop(struct assess *a, const char *reason)
{
	if (!a->current) {
		errno = ENOENT;
		return -1;
	}
	finish(a, RUN_CANCELED, reason ? reason : "stopped");
	notify(a);
	return 0;
}

int assess_complete(struct assess *a)
{
	if (!a->current) {
		errno = ENOENT;
		return -1;
	}
	finish(a, RUN_COMPLETED, NULL);
	notify(a);
	if (a->repeat && assess_start(a, 0) < 0)
		log_err("cannot start the next run: %s", strerror(errno));
	return 0;
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	assess_complete(data);
}
