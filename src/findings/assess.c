// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "findings/assess.h"
#include "lib/duration.h"
#include "lib/jsonutil.h"
#include "lib/log.h"

#define MAX_HOOKS 16

struct assess {
	struct loop *loop;
	struct findings *fs;
	struct loop_timer *timer;
	struct run runs[ASSESS_MAX_RUNS];	/* ring, oldest at first */
	size_t first, n;
	struct run *current;
	uint64_t duration;
	bool repeat;
	struct {
		assess_end_fn fn;
		void *data;
	} hooks[MAX_HOOKS];
	size_t nhooks;
	assess_changed_fn changed;
	void *data;
	assess_run_fn run_hook;
	void *run_data;
	assess_observe_fn observe;
	void *observe_data;
};

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
static struct run *new_slot(struct assess *a)
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

static void count_findings(struct assess *a, struct run *r)
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
		memcpy(e->id, f->id, sizeof(e->id));
		e->rule = f->rule->idx;
		e->accepted = f->quiet != NULL;
		if (!strcmp(f->runs[f->nruns - 1], r->id)) {
			e->count = f->run_count;
			e->first = f->run_first;
			e->last = f->run_last;
		}
		k++;
	}
	*n = k;
	return v;
}

static void record_seen(struct assess *a, struct run *r)
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
			a->hooks[i].fn(a->hooks[i].data, r);
	}
	r->end = (int64_t)time(NULL);
	if (state == RUN_COMPLETED)
		r->resolved = findings_end_run(a->fs, r->id, r->end);
	r->state = state;
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "");
	count_findings(a, r);
	record_seen(a, r);
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
	r = new_slot(a);
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

static int add_seen_json(json_object *o, const struct run *r)
{
	json_object *arr = json_object_new_array();
	char t[32];
	size_t i;

	if (!arr)
		return -1;
	json_object_object_add(o, "findings", arr);
	for (i = 0; i < r->nseen; i++) {
		const struct run_finding *e = &r->seen[i];
		json_object *x = json_object_new_object();

		if (!x || json_object_array_add(arr, x) < 0) {
			json_object_put(x);
			return -1;
		}
		json_add_str(x, "id", e->id);
		json_add_str(x, "rule", rule_meta(e->rule)->id);
		if (e->count) {
			json_object_object_add(x, "count",
				json_object_new_int64((int64_t)e->count));
			format_utc(e->first, t, sizeof(t));
			json_add_str(x, "first_seen", t);
			format_utc(e->last, t, sizeof(t));
			json_add_str(x, "last_seen", t);
		}
		if (e->accepted)
			json_object_object_add(x, "accepted",
					       json_object_new_boolean(1));
	}
	return 0;
}

#define OBSERVED(X) X(flows) X(listeners) X(processes) X(execs) \
	X(binaries_judged) X(binaries_packaged) X(root_checks) X(events_lost) \
	X(limits)

static int add_observed_json(json_object *o, const struct run *r)
{
	json_object *ob = json_object_new_object();
	json_object *rules = json_object_new_array(), *cov;
	int i;

	if (!ob || !rules) {
		json_object_put(ob);
		json_object_put(rules);
		return -1;
	}
	json_object_object_add(o, "observed", ob);
	json_object_object_add(o, "rules", rules);
#define ADD(f) json_object_object_add(ob, #f, \
		json_object_new_int64((int64_t)r->observed.f));
	OBSERVED(ADD)
#undef ADD
	/* what it could not assess, by name (limits is the bits) */
	cov = json_object_new_array();
	for (i = 0; cov && i < RUN_LIMIT_COUNT; i++)
		if (r->observed.limits & (1ull << i))
			json_object_array_add(cov, json_object_new_string(
					run_limit_name((unsigned int)i)));
	json_object_object_add(o, "coverage", cov);
	for (i = 0; i < RULE_COUNT; i++)
		if (r->rules & (1u << i))
			json_object_array_add(rules, json_object_new_string(
					rule_meta((enum rule_id)i)->id));
	return 0;
}

static void load_observed(struct run *r, json_object *o)
{
	json_object *ob, *rules, *v;
	size_t i, n;

	if (!json_object_object_get_ex(o, "observed", &ob) ||
	    !json_object_is_type(ob, json_type_object))
		return;
#define GET(f) if (json_object_object_get_ex(ob, #f, &v) && \
		   json_object_is_type(v, json_type_int) && \
		   json_object_get_int64(v) >= 0) \
		r->observed.f = (uint64_t)json_object_get_int64(v);
	OBSERVED(GET)
#undef GET
	r->observed_known = true;
	if (!json_object_object_get_ex(o, "rules", &rules) ||
	    !json_object_is_type(rules, json_type_array))
		return;
	n = json_object_array_length(rules);
	for (i = 0; i < n; i++) {
		const struct rule_meta *m = rule_meta_by_name(
			json_object_get_string(json_object_array_get_idx(rules,
									 i)));

		if (m)
			r->rules |= 1u << m->idx;
	}
}

/*
 * The findings a run's record names.  Returns 0, or -1 when the file
 * has no list (older vigil) and it must be worked out from the
 * findings.
 */
static int load_seen(struct run *r, json_object *o)
{
	json_object *arr, *v;
	size_t i, n, k = 0;

	if (json_object_object_get_ex(o, "findings_dropped", &v) &&
	    json_object_get_boolean(v)) {
		r->seen_dropped = true;
		return 0;
	}
	if (!json_object_object_get_ex(o, "findings", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n > ASSESS_MAX_SEEN)
		n = ASSESS_MAX_SEEN;
	r->seen = calloc(n ? n : 1, sizeof(*r->seen));
	if (!r->seen) {
		r->seen_dropped = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(arr, i);
		const char *id = json_get_str(x, "id");
		const char *rule = json_get_str(x, "rule");
		const char *t1 = json_get_str(x, "first_seen");
		const char *t2 = json_get_str(x, "last_seen");
		const struct rule_meta *m = rule ? rule_meta_by_name(rule) :
						   NULL;
		struct run_finding *e = &r->seen[k];

		if (!id || !m || strlen(id) != FINDING_ID_LEN ||
		    strspn(id, "0123456789abcdef") != FINDING_ID_LEN)
			continue;
		memcpy(e->id, id, sizeof(e->id));
		e->rule = m->idx;
		if (json_object_object_get_ex(x, "accepted", &v))
			e->accepted = json_object_get_boolean(v);
		if (json_object_object_get_ex(x, "count", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) > 0 && t1 && t2 &&
		    !parse_utc(t1, &e->first) && !parse_utc(t2, &e->last))
			e->count = (uint64_t)json_object_get_int64(v);
		else
			e->first = e->last = 0;
		k++;
	}
	r->nseen = k;
	return 0;
}

static json_object *run_json(const struct run *r, bool record);

json_object *run_to_json(const struct run *r)
{
	return run_json(r, false);
}

json_object *run_record_to_json(const struct run *r)
{
	return run_json(r, true);
}

static json_object *run_json(const struct run *r, bool record)
{
	json_object *o = json_object_new_object(), *c;
	char t[32];

	if (!o)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(r->id));
	json_object_object_add(o, "state",
			       json_object_new_string(run_state_name(r->state)));
	format_utc(r->start, t, sizeof(t));
	json_object_object_add(o, "start", json_object_new_string(t));
	if (r->end) {
		format_utc(r->end, t, sizeof(t));
		json_object_object_add(o, "end", json_object_new_string(t));
	}
	json_object_object_add(o, "duration",
			       json_object_new_int64((int64_t)r->duration));
	if (r->reason[0])
		json_object_object_add(o, "reason",
				       json_object_new_string(r->reason));
	c = json_object_new_object();
	json_object_object_add(c, "High", json_object_new_int((int)r->high));
	json_object_object_add(c, "Medium",
			       json_object_new_int((int)r->medium));
	json_object_object_add(c, "Low", json_object_new_int((int)r->low));
	json_object_object_add(c, "Informational",
			       json_object_new_int((int)r->info));
	json_object_object_add(o, "counts", c);
	if (r->resolved)
		json_object_object_add(o, "resolved",
				       json_object_new_int((int)r->resolved));
	if (r->accepted)
		json_object_object_add(o, "accepted",
				       json_object_new_int((int)r->accepted));
	if (record && (r->state == RUN_COMPLETED ||
		       r->state == RUN_CANCELED)) {
		if (r->seen_dropped)
			json_object_object_add(o, "findings_dropped",
					       json_object_new_boolean(1));
		else if (add_seen_json(o, r) < 0)
			goto err;
	}
	if (r->observed_known && add_observed_json(o, r) < 0)
		goto err;
	return o;
err:
	json_object_put(o);
	return NULL;
}

static json_object *run_item(const void *ctx, size_t i)
{
	return run_to_json(assess_at(ctx, i));
}

static json_object *record_item(const void *ctx, size_t i)
{
	return run_record_to_json(assess_at(ctx, i));
}

json_object *assess_to_json(const struct assess *a, bool records)
{
	return json_array_of(a->n, records ? record_item : run_item, a);
}

static unsigned int get_count(json_object *o, const char *k)
{
	json_object *c, *v;

	if (!json_object_object_get_ex(o, "counts", &c) ||
	    !json_object_object_get_ex(c, k, &v))
		return 0;
	return (unsigned int)json_object_get_int(v);
}

/*
 * A run the last vigild did not finish (killed, or the machine went
 * down): it is closed as canceled with what it had gathered, the
 * findings seen in it counted, ending when vigild was last known alive.
 */
static void close_interrupted(struct assess *a, struct run *r, int64_t alive)
{
	size_t i;

	r->state = RUN_CANCELED;
	snprintf(r->reason, sizeof(r->reason), "interrupted: vigild stopped");
	count_findings(a, r);
	if (!r->end)
		r->end = alive > r->start ? alive : r->start;
	for (i = 0; i < findings_count(a->fs); i++) {
		const struct finding *f = findings_at(a->fs, i);

		if (finding_seen_in(f, r->id) && f->last_seen > r->end)
			r->end = f->last_seen;
	}
	record_seen(a, r);
}

int assess_load_json(struct assess *a, json_object *arr, int64_t written,
		     struct sbuf *err)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array)) {
		sbuf_printf(err, "runs is not an array");
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;
		const char *id = json_get_str(o, "id"), *st = json_get_str(o, "state");
		const char *start = json_get_str(o, "start"), *end;
		const char *reason = json_get_str(o, "reason");
		struct run r;
		int s;

		memset(&r, 0, sizeof(r));
		if (!id || !st || !start || strlen(id) >= RUN_ID_MAX ||
		    parse_utc(start, &r.start))
			continue;
		for (s = RUN_COLLECTING; s <= RUN_CANCELED; s++)
			if (!strcmp(st, state_names[s]))
				break;
		if (s > RUN_CANCELED)
			continue;
		snprintf(r.id, sizeof(r.id), "%s", id);
		r.state = (enum run_state)s;
		end = json_get_str(o, "end");
		if (end)
			parse_utc(end, &r.end);
		if (json_object_object_get_ex(o, "duration", &v))
			r.duration = (uint64_t)json_object_get_int64(v);
		snprintf(r.reason, sizeof(r.reason), "%s",
			 reason ? reason : "");
		r.high = get_count(o, "High");
		r.medium = get_count(o, "Medium");
		r.low = get_count(o, "Low");
		r.info = get_count(o, "Informational");
		if (json_object_object_get_ex(o, "resolved", &v))
			r.resolved = (unsigned int)json_object_get_int(v);
		if (json_object_object_get_ex(o, "accepted", &v))
			r.accepted = (unsigned int)json_object_get_int(v);
		load_observed(&r, o);
		if (r.state == RUN_COLLECTING || r.state == RUN_EVALUATING)
			close_interrupted(a, &r, written);
		else if (load_seen(&r, o) < 0)
			record_seen(a, &r);
		*new_slot(a) = r;
	}
	return 0;
}
