// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration and the state file: read at start, checked, and
 * the configuration taken again on SIGHUP only when all of it holds
 * (a broken file, or a control socket that cannot be made, keeps the
 * running one).
 */
#include "build.h"

#include <errno.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daemon/vigil.h"
#include "lib/log.h"
#include "lib/safedir.h"

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
void vigil_load_state(struct vigil *v)
{
	struct assess_loading l = { .findings = { .fs = v->findings },
				    .a = v->assess };
	json_object *head = NULL, *o;
	int64_t written = 0;
	struct sbuf err;

	sbuf_init(&err);
	if (ensure_state_dir(v->cfg->state_file) < 0)
		log_warn("%s: cannot create its directory: %s",
			 v->cfg->state_file, strerror(errno));
	/*
	 * Each finding is built beside the parse of its text, which is
	 * freed at once.  Kept in fast bins, those small pieces cannot
	 * merge into the room later findings need, and the store ends
	 * scattered over a heap a few hundred KiB larger: freed at once
	 * instead, until the store stands (then glibc's default again).
	 */
	mallopt(M_MXFAST, 0);
	switch (state_load(v->cfg->state_file, &assess_state_reader, &l,
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
		assess_loading_finish(&l, written);
		if (l.runs_skipped)
			log_warn("%s: %u runs in it are malformed: left out, and not written back",
				 v->cfg->state_file, l.runs_skipped);
		if (l.findings.skipped)
			log_warn("%s: %u findings not loaded (malformed, of a rule this version does not know, or over max_findings); they are kept in the file as they are",
				 v->cfg->state_file, l.findings.skipped);
		log_info("%s: loaded %zu findings and %zu runs",
			 v->cfg->state_file, findings_count(v->findings),
			 assess_count(v->assess));
		break;
	}
	assess_loading_free(&l);
	json_object_put(head);
	sbuf_free(&err);
	/* what parsing freed goes back to the system, not kept for later */
	malloc_trim(0);
	mallopt(M_MXFAST, 64 * sizeof(size_t) / 4);	/* mallopt(3) */
}

int vigil_load_config(const char *path, struct vigil_config **cfg)
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
int vigil_check_dirs(const struct vigil_config *cfg,
		     struct sbuf *err)
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

int vigil_open_control(struct vigil *v)
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

void vigil_reload(struct vigil *v)
{
	struct vigil_config *cfg, *old = v->cfg;
	struct sbuf err;
	int i;

	vigil_notify(v, "RELOADING=1");
	sbuf_init(&err);
	if ((v->config_path && config_check_forked(v->config_path, &err) < 0) ||
	    (v->config_path ? config_load_file(v->config_path, &cfg, &err) :
			      config_load_default(&cfg, &err)) < 0) {
		log_err("reload: %s; keeping the running configuration",
			sbuf_str(&err));
		goto out;
	}
	if (vigil_check_dirs(cfg, &err) < 0) {
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
	v->host = vigil_host_new(cfg);
	findings_set_host(v->findings, v->host);
	output_set_host(v->output, v->host);
	vigil_arm_remind(v);
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
	vigil_notify(v, "READY=1");
}
