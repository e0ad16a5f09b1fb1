// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigild: runtime behavior analysis daemon.  Wires the modules together
 * around one event loop; see DESIGN.md for the data flow.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <libgen.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/caps.h"
#include "lib/host.h"
#include "lib/log.h"
#include "lib/safedir.h"
#include "daemon/sdstatus.h"
#include "daemon/vigil.h"

/* Allocations this large and up are mapped, and unmapped when freed. */
#define VIGILD_MMAP_THRESHOLD (128 * 1024)

static void notify(struct vigil *v, const char *what)
{
	if (v->sd)
		sdstatus_notify(v->sd, what);
}

json_object *vigil_state_dump(void *data)
{
	struct vigil *v = data;
	json_object *doc = json_object_new_object(), *f, *r;
	char t[32];

	f = findings_to_json(v->findings);
	r = assess_to_json(v->assess, true);
	if (!doc || !f || !r || findings_append_kept(v->findings, f) < 0) {
		json_object_put(doc);
		json_object_put(f);
		json_object_put(r);
		return NULL;
	}
	format_utc((int64_t)time(NULL), t, sizeof(t));
	json_object_object_add(doc, "version", json_object_new_int(STATE_VERSION));
	json_object_object_add(doc, "generator",
			       json_object_new_string("vigild " VERSION));
	json_object_object_add(doc, "written", json_object_new_string(t));
	json_object_object_add(doc, "host", json_object_get(v->host));
	json_object_object_add(doc, "findings", f);
	json_object_object_add(doc, "runs", r);
	return doc;
}

static void on_finding_event(void *data, const struct finding *f,
			     enum finding_event ev)
{
	struct vigil *v = data;

	output_finding(v->output, f, ev);
}

/*
 * What every finding says of this host: its name, machine-id and
 * addresses, and the admin's tags (config "tags"), or NULL on ENOMEM.
 */
static json_object *host_new(const struct vigil_config *cfg)
{
	json_object *h = host_info_new(), *t;
	size_t i;

	if (!h || !cfg->ntags)
		return h;
	t = json_object_new_object();
	if (!t) {
		json_object_put(h);
		return NULL;
	}
	for (i = 0; i < cfg->ntags; i++)
		json_object_object_add(t, cfg->tags[i].key,
			json_object_new_string(cfg->tags[i].value));
	json_object_object_add(h, "tags", t);
	return h;
}

static void on_run(void *data, const struct run *r)
{
	struct vigil *v = data;

	output_run(v->output, r);
}

static void on_finding_change(void *data, const struct finding *f,
			      bool counts_only)
{
	struct vigil *v = data;

	(void)f;
	if (counts_only)
		state_dirty_later(v->state);
	else
		state_dirty(v->state);
}

static const struct findings_ops finding_ops = {
	.on_event = on_finding_event,
	.on_change = on_finding_change,
};

static void on_runs_changed(void *data)
{
	struct vigil *v = data;

	state_dirty(v->state);
}

/* Repeat findings seen in the current or the last completed run. */
static void on_remind(struct loop *loop, struct loop_timer *t, void *data)
{
	struct vigil *v = data;
	const struct run *cur = assess_current(v->assess);
	const struct run *last = assess_last_completed(v->assess);
	size_t i;

	for (i = 0; i < findings_count(v->findings); i++) {
		const struct finding *f = findings_at(v->findings, i);

		if (f->status != FINDING_OPEN || f->quiet)
			continue;
		if ((cur && finding_seen_in(f, cur->id)) ||
		    (last && finding_seen_in(f, last->id)))
			output_finding(v->output, f, FEV_REMIND);
	}
}

static uint64_t counter_value(struct engine *e, const char *src,
			      const char *name)
{
	uint64_t *c = engine_counter(e, src, name);

	return c ? *c : 0;
}

/* What runs record of the sources (assess_observe_fn). */
static void observe(void *data, struct run_observed *o, uint32_t *rules)
{
	static const char *const lost[][2] = {
		{ "audit", "kernel_lost" }, { "audit", "socket_overruns" },
		{ "connector", "socket_overruns" },
		{ "conntrack", "enobufs" }, { "addr", "socket_overruns" },
		{ "owner", "intents_lost" }, { "listen", "dropped" },
		{ "unused-ports", "dropped" }, { "proc", "table_full" },
		{ "payload", "overruns" },
	};
	struct vigil *v = data;
	struct engine *e = v->engine;
	size_t i;
	int r;

#define VAL(src, name) counter_value(e, src, name)
	o->flows = VAL("conntrack", "new") + VAL("conntrack", "dumped");
	o->listeners = VAL("listen", "listeners");
	o->processes = VAL("proc", "processes");
	o->execs = VAL("audit", "execs") + VAL("connector", "execs");
	o->binaries_judged = VAL("binaries", "checked");
	o->binaries_packaged = VAL("binaries", "packaged");
	o->root_checks = VAL("root-perms", "checks");
	o->events_lost = 0;
	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		o->events_lost += VAL(lost[i][0], lost[i][1]);
	/* what could not be assessed now, and why */
	o->limits = 0;
	if (v->cfg->audit_mode == AUDIT_MODE_OFF)
		o->limits |= RUN_LIMIT_AUDIT_OFF;
	else if (VAL("audit", "unavailable"))
		o->limits |= RUN_LIMIT_AUDIT_UNAVAILABLE;
	else if (!VAL("audit", "rules_active"))
		o->limits |= RUN_LIMIT_AUDIT_CONNECTOR;
	if (VAL("conntrack", "unavailable"))
		o->limits |= RUN_LIMIT_CT_UNAVAILABLE;
	else if (VAL("conntrack", "table_absent"))
		o->limits |= RUN_LIMIT_CT_TABLE_MISSING;
	if (!v->cfg->tracepoints)
		o->limits |= RUN_LIMIT_TRACEPOINTS_OFF;
	else if (!model_connect_trace(v->model))
		o->limits |= RUN_LIMIT_TRACEPOINTS_UNAVAILABLE;
	if (!v->cfg->payload)
		o->limits |= RUN_LIMIT_PAYLOAD_OFF;
	else if (!VAL("payload", "active") || VAL("payload", "silent"))
		o->limits |= RUN_LIMIT_PAYLOAD_UNAVAILABLE;
#undef VAL
	*rules = 0;
	for (r = 0; r < RULE_COUNT; r++)
		if (engine_rule_enabled(e, (enum rule_id)r))
			*rules |= 1u << r;
}

static void arm_remind(struct vigil *v)
{
	uint64_t ms = v->cfg->syslog_remind * 1000;

	loop_timer_arm(v->remind, ms, ms);
}

static int ensure_state_dir(const char *path)
{
	char *copy = strdup(path);
	int r = 0;

	if (!copy)
		return -1;
	if (mkdir(dirname(copy), 0750) < 0 && errno != EEXIST)
		r = -1;
	free(copy);
	return r;
}

/*
 * The findings of the state file, read one at a time (state_load), so
 * ten thousand never stand as one parsed document beside the store.
 */
static void load_state(struct vigil *v)
{
	struct findings_loading l = { .fs = v->findings };
	json_object *head = NULL, *o;
	int64_t written = 0;
	struct sbuf err;

	sbuf_init(&err);
	if (ensure_state_dir(v->cfg->state_file) < 0)
		log_warn("%s: cannot create its directory: %s",
			 v->cfg->state_file, strerror(errno));
	switch (state_load(v->cfg->state_file, &findings_state_reader, &l,
			   &head, &err)) {
	case STATE_ABSENT:
		log_info("%s: no state yet, starting empty",
			 v->cfg->state_file);
		break;
	case STATE_MOVED_ASIDE:
	case STATE_FAILED:
		log_err("state: %s", sbuf_str(&err));
		break;
	case STATE_LOADED:
		findings_load_done(v->findings);
		if (json_object_object_get_ex(head, "written", &o) &&
		    parse_utc(json_object_get_string(o), &written) < 0)
			written = 0;
		if (json_object_object_get_ex(head, "runs", &o) &&
		    assess_load_json(v->assess, o, written, &err) < 0)
			log_err("%s: %s, ignoring it", v->cfg->state_file,
				sbuf_str(&err));
		if (l.skipped)
			log_warn("%s: %u findings not loaded (malformed, of a rule this version does not know, or over max_findings); they are kept in the file as they are",
				 v->cfg->state_file, l.skipped);
		log_info("%s: loaded %zu findings and %zu runs",
			 v->cfg->state_file, findings_count(v->findings),
			 assess_count(v->assess));
		break;
	}
	json_object_put(head);
	sbuf_free(&err);
	/* what parsing freed goes back to the system, not kept for later */
	malloc_trim(0);
}

static int load_config(const char *path, struct vigil_config **cfg)
{
	struct sbuf err;
	int r;

	sbuf_init(&err);
	r = path ? config_load_file(path, cfg, &err) :
		   config_load_default(cfg, &err);
	if (r < 0)
		fprintf(stderr, "%s\n", sbuf_str(&err));
	sbuf_free(&err);
	return r;
}

/*
 * The directories of the state file and the control socket must be
 * vigild's alone (safedir.h).  Returns 0, or -1 after saying why: on
 * stderr at start (err NULL), in err on reload.
 */
static int check_dirs(const struct vigil_config *cfg, struct sbuf *err)
{
	const char *paths[] = { cfg->state_file, cfg->control_socket };
	const char *keys[] = { "state_file", "control_socket" };
	struct sbuf why;
	size_t i;
	int r = 0;

	sbuf_init(&why);
	for (i = 0; i < 2 && r == 0; i++) {
		if (safedir_check(paths[i], &why) == 0)
			continue;
		r = -1;
		if (err)
			sbuf_printf(err, "%s: %s", keys[i], sbuf_str(&why));
		else
			fprintf(stderr, "vigild: %s: %s; refusing to start\n",
				keys[i], sbuf_str(&why));
	}
	sbuf_free(&why);
	return r;
}

static int open_control(struct vigil *v)
{
	struct sbuf err;

	sbuf_init(&err);
	v->control = control_new(v->loop, v->cfg->control_socket,
				 v->cfg->control_group, commands_handle, v,
				 &err);
	if (!v->control)
		log_err("control socket: %s", sbuf_str(&err));
	sbuf_free(&err);
	return v->control ? 0 : -1;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * The control socket as the new configuration wants it, before that
 * configuration is taken: a socket that cannot be made leaves the old
 * one (and the old configuration) in place.  Returns 0 or -1.
 */
static int reload_control(struct vigil *v, const struct vigil_config *cfg,
			  struct sbuf *err)
{
	struct control *c;

	if (!strcmp(v->cfg->control_socket, cfg->control_socket)) {
		if (same_str(v->cfg->control_group, cfg->control_group))
			return 0;
		return control_set_group(v->control, cfg->control_group, err);
	}
	c = control_new(v->loop, cfg->control_socket, cfg->control_group,
			commands_handle, v, err);
	if (!c)
		return -1;
	control_free(v->control);
	v->control = c;
	return 0;
}

static void reload(struct vigil *v)
{
	struct vigil_config *cfg, *old = v->cfg;
	struct sbuf err;
	int i;

	notify(v, "RELOADING=1");
	sbuf_init(&err);
	if ((v->config_path && config_check_forked(v->config_path, &err) < 0) ||
	    (v->config_path ? config_load_file(v->config_path, &cfg, &err) :
			      config_load_default(&cfg, &err)) < 0) {
		log_err("reload: %s; keeping the running configuration",
			sbuf_str(&err));
		goto out;
	}
	if (check_dirs(cfg, &err) < 0) {
		log_err("reload: %s; keeping the running configuration",
			sbuf_str(&err));
		config_free(cfg);
		goto out;
	}
	if (reload_control(v, cfg, &err) < 0) {
		log_err("reload: control socket: %s; keeping the running configuration",
			sbuf_str(&err));
		config_free(cfg);
		goto out;
	}
	v->cfg = cfg;
	v->env.cfg = cfg;
	engine_configure(v->engine, cfg);
	output_configure(v->output, cfg);
	findings_set_max(v->findings, (size_t)cfg->max_findings);
	/* before the old configuration, and its exceptions, are freed */
	findings_set_exceptions(v->findings, &cfg->exceptions,
				(int64_t)time(NULL));
	expiry_check(v->expiry);
	assess_configure(v->assess, cfg->assess_duration, cfg->assess_repeat);
	json_object_put(v->host);
	v->host = host_new(cfg);
	findings_set_host(v->findings, v->host);
	output_set_host(v->output, v->host);
	arm_remind(v);
	if (strcmp(old->state_file, cfg->state_file)) {
		ensure_state_dir(cfg->state_file);
		state_set_path(v->state, cfg->state_file);
		state_flush(v->state);
	}
	for (i = 0; vigil_modules[i]; i++)
		if (vigil_modules[i]->reload && v->mod_priv[i])
			vigil_modules[i]->reload(v->mod_priv[i]);
	config_free(old);
	assess_note_limits(v->assess, false);
	(*v->reloads)++;
	log_info("configuration reloaded from %s", cfg->source);
out:
	sbuf_free(&err);
	notify(v, "READY=1");
}

static void on_signal(struct loop *loop, int signo, void *data)
{
	struct vigil *v = data;

	if (signo == SIGHUP) {
		reload(v);
		return;
	}
	log_info("signal %d: stopping", signo);
	loop_quit(loop);
}

static int init_modules(struct vigil *v)
{
	int caps[65];
	size_t ncaps = 0, j;
	struct sbuf err;
	int i, r;

	for (i = 0; vigil_modules[i]; i++) {
		const struct vigil_module *m = vigil_modules[i];

		if (m->init(&v->env, &v->mod_priv[i]) < 0) {
			log_err("%s: cannot start", m->name);
			return -1;
		}
		if (m->needs_caps && !m->needs_caps(v->cfg))
			continue;
		for (j = 0; j < m->ncaps && ncaps < 64; j++)
			caps[ncaps++] = m->caps[j];
	}
	/* The control socket is made again on reload: its group too. */
	if (v->cfg->control_group)
		caps[ncaps++] = CAP_CHOWN;
	/* Everything privileged is open now: keep only what is used. */
	sbuf_init(&err);
	r = caps_keep_only(caps, ncaps, &err);
	if (r < 0)
		log_err("%s", sbuf_str(&err));
	sbuf_free(&err);
	if (r < 0)
		return r;
	for (i = 0; vigil_modules[i]; i++)
		if (vigil_modules[i]->start)
			vigil_modules[i]->start(v->mod_priv[i]);
	return 0;
}

static void fini_modules(struct vigil *v)
{
	int i;

	for (i = 0; vigil_modules[i]; i++)
		if (vigil_modules[i]->fini && v->mod_priv[i])
			vigil_modules[i]->fini(v->mod_priv[i]);
}

static int setup(struct vigil *v)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct engine_store store;

	v->started = (int64_t)time(NULL);
	v->loop = loop_new();
	v->host = host_new(v->cfg);
	v->findings = findings_new((size_t)v->cfg->max_findings, &finding_ops,
				   v);
	if (!v->loop || !v->host || !v->findings)
		goto oom;
	if (!json_object_object_get_ex(v->host, "machine_id", NULL))
		log_warn("no machine-id (/etc/machine-id, /var/lib/dbus/machine-id): finding ids are not unique across hosts; run systemd-machine-id-setup");
	findings_set_host(v->findings, v->host);
	v->assess = assess_new(v->loop, v->findings, on_runs_changed, v);
	if (!v->assess)
		goto oom;
	assess_configure(v->assess, v->cfg->assess_duration,
			 v->cfg->assess_repeat);
	assess_set_run_hook(v->assess, on_run, v);
	assess_engine_store(v->assess, &store);
	v->engine = engine_new(v->cfg, &store);
	v->model = v->engine ? model_new(v->engine) : NULL;
	v->output = output_new(v->cfg, v->foreground);
	if (v->output)
		output_set_host(v->output, v->host);
	v->state = state_new(v->loop, v->cfg->state_file, vigil_state_dump, v);
	v->remind = loop_timer_new(v->loop, on_remind, v);
	v->expiry = expiry_new(v->loop, v->findings);
	v->sd = sdstatus_new(v->loop, v->findings);
	if (!v->engine || !v->model || !v->output || !v->state ||
	    !v->remind || !v->expiry || !v->sd)
		goto oom;
	assess_set_observer(v->assess, observe, v);
	v->env = (struct vigil_env){
		.loop = v->loop, .engine = v->engine, .model = v->model,
		.cfg = v->cfg,
	};
	v->reloads = engine_counter(v->engine, "vigild", "reloads");
	if (!v->reloads)
		goto oom;
	if (loop_signals(v->loop, sigs, 3, on_signal, v) < 0) {
		log_err("signals: %s", strerror(errno));
		return -1;
	}
	load_state(v);
	findings_set_exceptions(v->findings, &v->cfg->exceptions,
				(int64_t)time(NULL));
	expiry_check(v->expiry);
	if (open_control(v) < 0)
		return -1;
	/* Before the sources start, so their first findings have a run. */
	if (assess_start(v->assess, 0) < 0) {
		log_err("cannot start an assessment run: %s", strerror(errno));
		return -1;
	}
	if (init_modules(v) < 0)
		return -1;
	arm_remind(v);
	return 0;
oom:
	log_err("out of memory while starting");
	return -1;
}

static void teardown(struct vigil *v)
{
	fini_modules(v);
	sdstatus_free(v->sd);
	control_free(v->control);
	loop_timer_free(v->remind);
	expiry_free(v->expiry);
	state_free(v->state);
	output_free(v->output);
	model_free(v->model);
	engine_free(v->engine);
	assess_free(v->assess);
	findings_free(v->findings);
	json_object_put(v->host);
	loop_free(v->loop);
	config_free(v->cfg);
}

/*
 * Classic daemon mode: the parent waits until the child is ready (or
 * failed) so that the exit status of "vigild" tells the truth.
 */
static int daemonize(int *ready_fd)
{
	int p[2], null;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		_exit(c == 'R' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	*ready_fd = p[1];
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigild [OPTIONS]\n"
		"Runtime behavior analysis daemon.\n\n"
		"  -f, --foreground        stay in the foreground, log to stderr\n"
		"  -c, --config FILE       configuration file (default: built-in)\n"
		"      --check-config      validate the configuration and exit\n"
		"      --print-default-config  print the built-in configuration\n"
		"  -V, --version           print the version and exit\n"
		"  -h, --help              this help\n\n"
		"Exit status: 0 ok, 1 failure, 64 usage, 78 bad configuration.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "print-default-config", no_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigil v = { 0 };
	char *abs_config = NULL;
	bool check = false;
	int c, ready_fd = -1;

	/*
	 * Large buffers (the dpkg index being rebuilt, a burst's read
	 * buffers) are mapped and given back when freed; left to adjust
	 * itself, glibc raises this threshold at the first such free and
	 * later ones stay in the heap, kept.
	 */
	mallopt(M_MMAP_THRESHOLD, VIGILD_MMAP_THRESHOLD);
	while ((c = getopt_long(argc, argv, "fc:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			v.foreground = true;
			break;
		case 'c':
			v.config_path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'P':
			fputs(config_default_text, stdout);
			return 0;
		case 'V':
			printf("vigild %s\n", VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vigild: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 64;
	}
	/* Daemon mode works from "/": a relative path would break SIGHUP. */
	if (v.config_path && v.config_path[0] != '/') {
		abs_config = realpath(v.config_path, NULL);
		if (!abs_config) {
			fprintf(stderr, "%s: %s\n", v.config_path,
				strerror(errno));
			return VIGIL_EXIT_CONFIG;
		}
		v.config_path = abs_config;
	}
	if (load_config(v.config_path, &v.cfg) < 0 ||
	    check_dirs(v.cfg, NULL) < 0) {
		config_free(v.cfg);
		free(abs_config);
		return VIGIL_EXIT_CONFIG;
	}
	if (check) {
		printf("%s: configuration is valid\n", v.cfg->source);
		config_free(v.cfg);
		free(abs_config);
		return 0;
	}
	if (!v.foreground && daemonize(&ready_fd) < 0) {
		fprintf(stderr, "vigild: cannot daemonize: %s\n",
			strerror(errno));
		return 1;
	}
	log_open(v.foreground, v.cfg->syslog_facility);
	umask(0027);
	signal(SIGPIPE, SIG_IGN);
	if (setup(&v) < 0) {
		v.exit_code = 1;
		goto out;
	}
	log_info("vigild %s started (config %s)", VERSION, v.cfg->source);
	if (ready_fd >= 0) {
		if (write(ready_fd, "R", 1) != 1)
			log_warn("cannot tell the parent that vigild is ready");
		close(ready_fd);
		ready_fd = -1;
	}
	/* the run began before the sources: what they cannot see, now */
	assess_note_limits(v.assess, true);
	notify(&v, "READY=1");
	if (loop_run(v.loop) < 0) {
		log_err("event loop: %s", strerror(errno));
		v.exit_code = 1;
	}
	notify(&v, "STOPPING=1");
	assess_stop(v.assess, "vigild stopped");
	if (state_flush(v.state) < 0)
		v.exit_code = 1;
out:
	if (ready_fd >= 0) {
		if (write(ready_fd, "F", 1) < 0)
			v.exit_code = 1;
		close(ready_fd);
	}
	teardown(&v);
	log_info("vigild stopped");
	log_close();
	free(abs_config);
	return v.exit_code;
}
