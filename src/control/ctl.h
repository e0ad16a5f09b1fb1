/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_CTL_H
#define VIGIL_CONTROL_CTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"

/*
 * vigilctl: the command line and the request (vigilctl.c), what each
 * command's reply looks like (ctl_out.c), reports (ctl_report.c).
 */

/* sysexits */
#define EXIT_USAGE 64
#define EXIT_NOINPUT 66
#define EXIT_UNAVAILABLE 69
#define EXIT_CANTCREAT 73
#define EXIT_NOPERM 77

/* What the command line asked for. */
struct ctl {
	const char *socket;
	bool json;
	bool no_header;		/* -H: tables without their header line */
	bool full;		/* -l: no column cut to fit the terminal */
	bool quiet;		/* -q: say nothing when vigild is not running */
	const char *show_id;	/* findings show ID (a unique prefix) */
	enum report_format format;	/* report --format */
	const char *output;	/* report -o FILE; NULL: stdout */
	bool from;		/* report --from FILE...: a fleet report */
	bool verbose;		/* status -v: every counter too */
	bool csv;		/* findings --csv */
};

/* What a subcommand accepts besides --json, -H and -l. */
enum sub_opts {
	/* --rule, --severity, --since, --until, --program, --container, --csv */
	SUB_FILTERS = 1,
	SUB_DURATION = 2,	/* --duration, --restart */
	SUB_REPORT = 4,		/* --format, -o, --from */
	SUB_ACCEPT = 8,		/* --reason, --until */
	SUB_VERBOSE = 16,	/* -v */
};

/*
 * Parse the options of a subcommand into the request (ctl_parse.c).
 * Returns how many arguments are left (moved to the end of argv), or -1
 * on misuse.
 */
int ctl_parse_sub(int argc, char **argv, struct ctl *c, json_object *req,
		  unsigned int allow);

/* A reply's value as text ("" when missing). */
const char *ctl_str(json_object *o, const char *key);
/*
 * Untrusted text out, escaped; width > 3: at most that many columns,
 * keeping the end after "..."; 0: all of it.
 */
void ctl_put_escaped(FILE *f, const char *s, int width);
void ctl_put_safe(const char *s);
void ctl_print_json(json_object *o);
/* Prints vigild's error; 0 if the reply says ok, else the exit code. */
int ctl_check_reply(json_object *reply);

/* Each command's reply, shown; each returns the exit code. */
int ctl_cmd_status(const struct ctl *c, json_object *reply);
int ctl_cmd_findings(const struct ctl *c, json_object *reply);
int ctl_cmd_findings_show(const struct ctl *c, json_object *reply);
int ctl_cmd_accepted(const struct ctl *c, json_object *reply);
int ctl_cmd_tagged(const struct ctl *c, json_object *reply);
int ctl_cmd_runs(const struct ctl *c, json_object *reply);
int ctl_cmd_run(const struct ctl *c, json_object *reply);
int ctl_cmd_save(const struct ctl *c, json_object *reply);
int ctl_cmd_yield(const struct ctl *c, json_object *reply);
int ctl_cmd_report(const struct ctl *c, json_object *reply);
/* report --from FILE...: a fleet report, no daemon. */
int ctl_fleet_main(const struct ctl *c, int nfiles, char **files);

/* Whether a report --from source is a PostgreSQL URI (ctl_pgread.c). */
int ctl_is_pg_source(const char *s);
/*
 * Read the fleet store at uri (vigil-collect's) into fl.  0, or -1 with
 * why in err (the URI's user and password never in it).
 */
int ctl_fleet_read_pg(struct fleet *fl, const char *uri, struct sbuf *err);

#endif
