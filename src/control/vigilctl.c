// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigilctl: the command line, the request to vigild over its control
 * socket, and the reply handed to the command's printer (ctl_out.c,
 * ctl_report.c).
 */
#include "build.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "control/checkelf.h"
#include "control/ctl.h"
#include "lib/escape.h"
#include "lib/sbuf.h"
#include "report/report.h"

#define DEFAULT_SOCKET "/run/vigil/control"
/* Replies can hold every finding; bound them all the same. */
#define MAX_REPLY (512L * 1024 * 1024)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigilctl [-s SOCKET] COMMAND [OPTIONS]\n\n"
		"Commands:\n"
		"  status [--json] [-v]                  daemon, run, findings and\n"
		"                                        coverage; -v: every counter\n"
		"  findings [--json|--csv] [-H] [-l] [--rule R] [--severity S]\n"
		"           [--since DATE] [--until DATE] [--program P]"
		" [--container C]\n"
		"                                        list findings, most severe\n"
		"                                        and most recent first\n"
		"  findings show ID                      one finding, all its evidence\n"
		"                                        (ID: a unique prefix will do)\n"
		"  findings accept ID --reason TEXT [--until DATE]\n"
		"                                        accept a known risk: kept and\n"
		"                                        counted, not announced (until\n"
		"                                        DATE: 2027-03-01)\n"
		"  findings unaccept ID                  take an acceptance back\n"
		"  findings tag ID KEY=VALUE             a tag of your own on one\n"
		"                                        finding (as config \"tags\" on\n"
		"                                        all); in its lines from now on\n"
		"  findings untag ID KEY                 take it away\n"
		"  runs [--json] [-H]                    assessment runs\n"
		"  report [RUN] [--format text|html|json] [--full] [-o FILE]\n"
		"                                        a run's report (default: the\n"
		"                                        last completed run); --full\n"
		"                                        adds the rules without finding\n"
		"  report --from FILE... [--format F] [-o FILE]\n"
		"                                        fleet report from the kv, json\n"
		"                                        or ocsf lines collectors wrote\n"
		"                                        (no daemon; - for stdin)\n"
		"  run start [--duration D] [--restart]  start a run now (e.g. 15m);\n"
		"                                        --restart cancels one collecting\n"
		"  run stop                              cancel the collecting run\n"
		"  save                                  write the state file now\n"
		"  audit yield                           let an audit daemon (auditd)\n"
		"                                        register; vigild reads beside it\n"
		"  check-elf [--json] PATH...            DEP, stack cookies, PIE, RELRO\n"
		"                                        of files and trees (no daemon)\n\n"
		"  -s, --socket PATH   control socket (default " DEFAULT_SOCKET ")\n"
		"  -H, --no-header     tables without their header line\n"
		"  -l, --full          do not cut columns to the terminal's width\n"
		"  -q, --quiet         no message when vigild is not running\n\n"
		"Exit status: 0 ok, 1 vigild refused the request, 64 usage,\n"
		"66 no such file (check-elf, report --from), 69 vigild not\n"
		"running, 73 cannot write -o FILE, 77 permission denied.\n");
}

/*
 * Misuse: the synopsis of the command meant (or of all), not the
 * whole help (as GNU tools do).
 */
static int short_usage(const char *cmd)
{
	static const char *const lines[][2] = {
		{ "status", "status [--json] [-v]" },
		{ "findings", "findings [--json|--csv] [-H] [-l] [--rule R] [--severity S]\n"
		  "                [--since DATE] [--until DATE] [--program P]"
		  " [--container C]\n"
		  "       vigilctl findings show ID\n"
		  "       vigilctl findings accept ID --reason TEXT [--until DATE]\n"
		  "       vigilctl findings unaccept ID\n"
		  "       vigilctl findings tag ID KEY=VALUE\n"
		  "       vigilctl findings untag ID KEY" },
		{ "runs", "runs [--json] [-H]" },
		{ "report", "report [RUN] [--format text|html|json] [--full] [-o FILE]\n"
		  "       vigilctl report --from FILE... [--format F] [-o FILE]" },
		{ "run", "run start [--duration D] [--restart]\n"
		  "       vigilctl run stop" },
		{ "save", "save" },
		{ "audit", "audit yield" },
	};
	size_t i, n = sizeof(lines) / sizeof(lines[0]);

	for (i = 0; cmd && i < n; i++)
		if (!strcmp(cmd, lines[i][0]))
			break;
	if (cmd && i < n)
		fprintf(stderr, "Usage: vigilctl %s\n", lines[i][1]);
	else
		fprintf(stderr, "Usage: vigilctl [-s SOCKET] COMMAND [OPTIONS]\n");
	fprintf(stderr, "Try 'vigilctl --help' for more.\n");
	return EXIT_USAGE;
}

static int connect_socket(const char *path, bool quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vigilctl: %s: path too long\n", path);
		return -EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "vigilctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno == EACCES || errno == EPERM) {
		fprintf(stderr,
			"vigilctl: %s: permission denied (run as root or as a member of control_group)\n",
			path);
		close(fd);
		return -EXIT_NOPERM;
	}
	if (!quiet || (errno != ENOENT && errno != ECONNREFUSED))
		fprintf(stderr, "vigilctl: cannot reach vigild at %s: %s (is vigild running?)\n",
			path, strerror(errno));
	close(fd);
	return -EXIT_UNAVAILABLE;
}

/*
 * Send one request, read the whole reply.  Returns the reply object or
 * NULL with *code set to the exit status to use.
 */
static json_object *request(const struct ctl *c, json_object *req, int *code)
{
	const char *s = json_object_to_json_string_ext(req,
						       JSON_C_TO_STRING_PLAIN);
	struct sbuf in;
	json_object *reply = NULL;
	char buf[65536];
	int fd;

	fd = connect_socket(c->socket, c->quiet);
	if (fd < 0) {
		*code = fd == -1 ? 1 : -fd;
		return NULL;
	}
	sbuf_init(&in);
	/* If sending fails, vigild may still have said why: read on. */
	if (send(fd, s, strlen(s), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "vigilctl: send: %s\n", strerror(errno));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vigilctl: recv: %s\n", strerror(errno));
			*code = 1;
			goto out;
		}
		if (n == 0)
			break;
		if (in.len + (size_t)n > (size_t)MAX_REPLY) {
			fprintf(stderr, "vigilctl: reply too large\n");
			*code = 1;
			goto out;
		}
		sbuf_addn(&in, buf, (size_t)n);
	}
	reply = json_tokener_parse(sbuf_str(&in));
	if (!reply || !json_object_is_type(reply, json_type_object)) {
		fprintf(stderr, "vigilctl: vigild sent no valid reply\n");
		json_object_put(reply);
		reply = NULL;
		*code = 1;
	}
out:
	sbuf_free(&in);
	close(fd);
	return reply;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "full", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .socket = DEFAULT_SOCKET };
	int (*show)(const struct ctl *, json_object *) = NULL;
	json_object *req, *reply;
	const char *cmd;
	int o, code = 0, r = 0;

	while ((o = getopt_long(argc, argv, "+s:hVHlq", opts, NULL)) != -1) {
		switch (o) {
		case 'q':
			c.quiet = true;
			break;
		case 's':
			c.socket = optarg;
			break;
		case 'H':
			c.no_header = true;
			break;
		case 'l':
			c.full = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vigilctl %s\n", VERSION);
			return 0;
		default:
			return short_usage(NULL);
		}
	}
	if (optind >= argc)
		return short_usage(NULL);
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "check-elf"))
		return checkelf_main(argc, argv);
	req = json_object_new_object();
	if (!req)
		return 1;
	if (!strcmp(argv[0], "status")) {
		cmd = "status";
		show = ctl_cmd_status;
		r = ctl_parse_sub(argc, argv, &c, req, SUB_VERBOSE) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "show")) {
		cmd = "findings";
		show = ctl_cmd_findings_show;
		/* exactly one ID besides the options */
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, 0) == 1 ? 0 : -1;
		c.show_id = argv[argc - 1];
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "accept")) {
		cmd = "findings-accept";
		show = ctl_cmd_accepted;
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, SUB_ACCEPT) == 1 &&
		    json_object_object_get_ex(req, "reason", NULL) ? 0 : -1;
		json_object_object_add(req, "id", json_object_new_string(
					       argv[argc - 1]));
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   (!strcmp(argv[1], "tag") || !strcmp(argv[1], "untag"))) {
		bool set = !strcmp(argv[1], "tag");
		const char *kv = argv[argc - 1], *eq = strchr(kv, '=');

		cmd = "findings-tag";
		show = ctl_cmd_tagged;
		/* tag ID KEY=VALUE, untag ID KEY */
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, 0) == 2 &&
		    (set ? eq && eq > kv : !eq) ? 0 : -1;
		json_object_object_add(req, "id", json_object_new_string(
					       argv[argc - 2]));
		json_object_object_add(req, "key", json_object_new_string_len(
					       kv, eq ? (int)(eq - kv) :
					       (int)strlen(kv)));
		if (eq)
			json_object_object_add(req, "value",
				json_object_new_string(eq + 1));
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "unaccept")) {
		cmd = "findings-unaccept";
		show = ctl_cmd_accepted;
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, 0) == 1 ? 0 : -1;
		json_object_object_add(req, "id", json_object_new_string(
					       argv[argc - 1]));
	} else if (!strcmp(argv[0], "report")) {
		int left = ctl_parse_sub(argc, argv, &c, req, SUB_REPORT);

		cmd = "report";
		show = ctl_cmd_report;
		if (c.json)
			c.format = REPORT_JSON;
		r = left < 0 || (c.from && !left) ||
		    (!c.from && left > 1) ? -1 : 0;
		if (!r && c.from) {
			json_object_put(req);
			return ctl_fleet_main(&c, left, argv + argc - left);
		}
		if (!r && left == 1)
			json_object_object_add(req, "run",
				json_object_new_string(argv[argc - 1]));
	} else if (!strcmp(argv[0], "findings")) {
		cmd = "findings";
		show = ctl_cmd_findings;
		r = ctl_parse_sub(argc, argv, &c, req, SUB_FILTERS) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "runs")) {
		cmd = "runs";
		show = ctl_cmd_runs;
		r = ctl_parse_sub(argc, argv, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "start")) {
		cmd = "run-start";
		show = ctl_cmd_run;
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, SUB_DURATION) ?
		    -1 : 0;
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "stop")) {
		cmd = "run-stop";
		show = ctl_cmd_run;
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "save")) {
		cmd = "save";
		show = ctl_cmd_save;
		r = ctl_parse_sub(argc, argv, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "audit") && argc >= 2 &&
		   !strcmp(argv[1], "yield")) {
		cmd = "audit-yield";
		show = ctl_cmd_yield;
		r = ctl_parse_sub(argc - 1, argv + 1, &c, req, 0) == 0 ? 0 : -1;
	} else {
		fputs("vigilctl: unknown command '", stderr);
		ctl_put_escaped(stderr, argv[0], 0);
		fputs("'\n", stderr);
		json_object_put(req);
		return short_usage(NULL);
	}
	if (r < 0) {
		json_object_put(req);
		return short_usage(argv[0]);
	}
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	reply = request(&c, req, &code);
	json_object_put(req);
	if (!reply)
		return code;
	code = ctl_check_reply(reply);
	if (!code)
		code = show(&c, reply);
	json_object_put(reply);
	return code;
}
