// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigild: runtime behavior analysis daemon.  Wires the modules together
 * around one event loop; the configuration and state file are read
 * in reload.c, what the store and runs tell it is handled in hooks.c.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/caps.h"
#include "lib/log.h"
#include "daemon/sdstatus.h"
#include "daemon/vigil.h"
#include "sources/elfjudge.h"

/* Allocations this large and up are mapped, and unmapped when freed. */
#define VIGILD_MMAP_THRESHOLD (128 * 1024)

static void on_signal(struct loop *loop, int signo, void *data)
{
	struct vigil *v = data;

	if (signo == SIGHUP) {
		vigil_reload(v);
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
	v->host = vigil_host_new(v->cfg);
	v->findings = findings_new((size_t)v->cfg->max_findings, &vigil_finding_ops,
				   v);
	if (!v->loop || !v->host || !v->findings)
		goto oom;
	if (!json_object_object_get_ex(v->host, "machine_id", NULL))
		log_warn("no machine-id (/etc/machine-id, /var/lib/dbus/machine-id): finding ids are not unique across hosts; run systemd-machine-id-setup");
	findings_set_host(v->findings, v->host);
	v->assess = assess_new(v->loop, v->findings, vigil_on_runs_changed, v);
	if (!v->assess)
		goto oom;
	assess_configure(v->assess, v->cfg->assess_duration,
			 v->cfg->assess_repeat);
	assess_set_run_hook(v->assess, vigil_on_run, v);
	assess_engine_store(v->assess, &store);
	v->engine = engine_new(v->cfg, &store);
	v->model = v->engine ? model_new(v->engine) : NULL;
	v->output = output_new(v->cfg, v->foreground);
	if (v->output)
		output_set_host(v->output, v->host);
	v->state = state_new(v->loop, v->cfg->state_file, vigil_state_dump, v);
	v->remind = loop_timer_new(v->loop, vigil_on_remind, v);
	v->expiry = expiry_new(v->loop, v->findings);
	v->sd = sdstatus_new(v->loop, v->findings);
	if (!v->engine || !v->model || !v->output || !v->state ||
	    !v->remind || !v->expiry || !v->sd)
		goto oom;
	assess_set_observer(v->assess, vigil_observe, v);
	/*
	 * Before the state file grows the heap, and with all privileges,
	 * so the helper can become nobody.
	 */
	v->judge = elf_judge_new(
		engine_counter(v->engine, "binaries", "analyser_crashes"),
		engine_counter(v->engine, "binaries", "analyser_timeouts"));
	if (!v->judge) {
		log_err("binaries: cannot start the ELF analyser: %s",
			strerror(errno));
		return -1;
	}
	v->env = (struct vigil_env){
		.loop = v->loop, .engine = v->engine, .model = v->model,
		.cfg = v->cfg, .judge = v->judge,
	};
	v->reloads = engine_counter(v->engine, "vigild", "reloads");
	if (!v->reloads)
		goto oom;
	if (loop_signals(v->loop, sigs, 3, on_signal, v) < 0) {
		log_err("signals: %s", strerror(errno));
		return -1;
	}
	vigil_load_state(v);
	findings_set_exceptions(v->findings, &v->cfg->exceptions,
				(int64_t)time(NULL));
	expiry_check(v->expiry);
	if (vigil_open_control(v) < 0)
		return -1;
	/* Before the sources start, so their first findings have a run. */
	if (assess_start(v->assess, 0) < 0) {
		log_err("cannot start an assessment run: %s", strerror(errno));
		return -1;
	}
	if (init_modules(v) < 0)
		return -1;
	vigil_arm_remind(v);
	return 0;
oom:
	log_err("out of memory while starting");
	return -1;
}

static void teardown(struct vigil *v)
{
	fini_modules(v);
	elf_judge_free(v->judge);
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
	if (vigil_load_config(v.config_path, &v.cfg) < 0 ||
	    vigil_check_dirs(v.cfg, NULL) < 0) {
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
	vigil_notify(&v, "READY=1");
	if (loop_run(v.loop) < 0) {
		log_err("event loop: %s", strerror(errno));
		v.exit_code = 1;
	}
	vigil_notify(&v, "STOPPING=1");
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
