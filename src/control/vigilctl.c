// SPDX-License-Identifier: GPL-2.0-or-later
/* vigilctl: talk to vigild over its control socket. */
#include "build.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "control/checkelf.h"
#include "lib/duration.h"
#include "lib/escape.h"
#include "lib/sbuf.h"

#define DEFAULT_SOCKET "/run/vigil/control"
/* Replies can hold every finding; bound them all the same. */
#define MAX_REPLY (512L * 1024 * 1024)

/* sysexits */
#define EXIT_USAGE 64
#define EXIT_UNAVAILABLE 69
#define EXIT_NOPERM 77

struct ctl {
	const char *socket;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigilctl [-s SOCKET] COMMAND [OPTIONS]\n\n"
		"Commands:\n"
		"  status [--json]                       daemon, run and counters\n"
		"  findings [--json] [--rule R] [--severity S]\n"
		"                                        list findings\n"
		"  runs [--json]                         assessment runs\n"
		"  run start [--duration D]              start a run now (e.g. 15m)\n"
		"  run stop                              cancel the collecting run\n"
		"  save                                  write the state file now\n"
		"  check-elf [--json] PATH...            DEP, stack cookies, PIE, RELRO\n"
		"                                        of files and trees (no daemon)\n\n"
		"  -s, --socket PATH   control socket (default " DEFAULT_SOCKET ")\n\n"
		"Exit status: 0 ok, 1 vigild refused the request, 64 usage,\n"
		"69 vigild not running, 77 permission denied.\n");
}

static int connect_socket(const char *path)
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

	fd = connect_socket(c->socket);
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

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "";
	return json_object_get_string(v);
}

/* Prints vigild's error; 0 if the reply says ok. */
static int check_reply(json_object *reply)
{
	json_object *ok;
	struct sbuf e;

	if (json_object_object_get_ex(reply, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return 0;
	sbuf_init(&e);
	escape_text(&e, str(reply, "error"));
	fprintf(stderr, "vigilctl: %s\n", sbuf_str(&e));
	sbuf_free(&e);
	return strstr(str(reply, "error"), "permission denied") ?
	       EXIT_NOPERM : 1;
}

/* Untrusted text (paths, names) goes to the terminal escaped. */
static void put_safe(const char *s, int width)
{
	struct sbuf e;

	sbuf_init(&e);
	escape_text(&e, s);
	if (width > 0)
		printf("%-*.*s", width, width, sbuf_str(&e));
	else
		printf("%s", sbuf_str(&e));
	sbuf_free(&e);
}

static void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_run_line(json_object *r)
{
	json_object *c = NULL;

	json_object_object_get_ex(r, "counts", &c);
	printf("%-26s %-10s %-20s %-20s %4s %4s %4s %4s", str(r, "id"),
	       str(r, "state"), str(r, "start"), str(r, "end"),
	       str(c, "High"), str(c, "Medium"), str(c, "Low"),
	       str(c, "Informational"));
	if (*str(r, "reason")) {
		printf("  ");
		put_safe(str(r, "reason"), 0);
	}
	printf("\n");
}

static int cmd_status(const struct ctl *c, json_object *reply)
{
	json_object *run = NULL, *f = NULL, *counters = NULL;

	if (c->json) {
		print_json(reply);
		return 0;
	}
	printf("vigild %s, pid %s, up %ss\n", str(reply, "version"),
	       str(reply, "pid"), str(reply, "uptime"));
	printf("config:       ");
	put_safe(str(reply, "config"), 0);
	printf("\ncapabilities: %s\n", str(reply, "capabilities"));
	if (json_object_object_get_ex(reply, "run", &run) && run)
		printf("run:          %s %s since %s (duration %ss)\n",
		       str(run, "id"), str(run, "state"), str(run, "start"),
		       str(run, "duration"));
	else
		printf("run:          none collecting\n");
	json_object_object_get_ex(reply, "findings", &f);
	printf("findings:     %s total: %s High, %s Medium, %s Low, %s Informational\n",
	       str(f, "total"), str(f, "High"), str(f, "Medium"),
	       str(f, "Low"), str(f, "Informational"));
	if (json_object_object_get_ex(reply, "counters", &counters) &&
	    counters) {
		printf("counters:\n");
		json_object_object_foreach(counters, src, vals) {
			json_object_object_foreach(vals, name, val)
				printf("  %s.%s %s\n", src, name,
				       json_object_get_string(val));
		}
	}
	return 0;
}

/* The most telling piece of evidence for the table. */
static const char *asset_of(json_object *f)
{
	/* network findings: the key says it best, e.g. "telnet|23|tcp" */
	static const char *const keys[] = { "path", "module", "exe" };
	json_object *a, *v;
	size_t i;

	if (json_object_object_get_ex(f, "attributes", &a))
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (json_object_object_get_ex(a, keys[i], &v))
				return json_object_get_string(v);
	return str(f, "asset_key");
}

static int cmd_findings(const struct ctl *c, json_object *reply)
{
	json_object *arr = NULL;
	size_t i, n;

	json_object_object_get_ex(reply, "findings", &arr);
	if (c->json) {
		print_json(arr ? arr : json_object_new_array());
		return 0;
	}
	n = arr ? json_object_array_length(arr) : 0;
	if (!n) {
		printf("no findings\n");
		return 0;
	}
	printf("%-16s %-13s %-34s %-20s %6s  %s\n", "ID", "SEVERITY", "RULE",
	       "LAST SEEN", "COUNT", "ASSET");
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(arr, i);

		printf("%-16s %-13s %-34s %-20s %6s  ", str(f, "id"),
		       str(f, "severity"), str(f, "rule"), str(f, "last_seen"),
		       str(f, "count"));
		put_safe(asset_of(f), 0);
		printf("\n");
	}
	return 0;
}

static int cmd_runs(const struct ctl *c, json_object *reply)
{
	json_object *arr = NULL;
	size_t i, n;

	json_object_object_get_ex(reply, "runs", &arr);
	if (c->json) {
		print_json(arr ? arr : json_object_new_array());
		return 0;
	}
	n = arr ? json_object_array_length(arr) : 0;
	if (!n) {
		printf("no runs\n");
		return 0;
	}
	printf("%-26s %-10s %-20s %-20s %4s %4s %4s %4s\n", "RUN", "STATE",
	       "START", "END", "HIGH", "MED", "LOW", "INFO");
	for (i = 0; i < n; i++)
		print_run_line(json_object_array_get_idx(arr, i));
	return 0;
}

static int cmd_run(const struct ctl *c, json_object *reply)
{
	json_object *run = NULL;

	json_object_object_get_ex(reply, "run", &run);
	if (c->json)
		print_json(run);
	else if (run)
		printf("run %s %s\n", str(run, "id"), str(run, "state"));
	return 0;
}

static int cmd_save(const struct ctl *c, json_object *reply)
{
	if (!c->json)
		printf("state written\n");
	return 0;
}

/* Parse the options of a subcommand into the request. */
static int parse_sub(int argc, char **argv, struct ctl *c, json_object *req,
		     bool allow_filters, bool allow_duration)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "rule", required_argument, NULL, 'r' },
		{ "severity", required_argument, NULL, 'S' },
		{ "duration", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t sec;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			c->json = true;
			break;
		case 'r':
		case 'S':
			if (!allow_filters)
				return -1;
			json_object_object_add(req, o == 'r' ? "rule" :
					       "severity",
					       json_object_new_string(optarg));
			break;
		case 'd':
			if (!allow_duration)
				return -1;
			if (duration_parse(optarg, &sec) < 0) {
				fprintf(stderr,
					"vigilctl: '%s' is not a duration (e.g. 90s, 15m, 1h)\n",
					optarg);
				return -1;
			}
			json_object_object_add(req, "duration",
					       json_object_new_string(optarg));
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .socket = DEFAULT_SOCKET };
	int (*show)(const struct ctl *, json_object *) = NULL;
	json_object *req, *reply;
	const char *cmd;
	int o, code = 0, r = 0;

	while ((o = getopt_long(argc, argv, "+s:hV", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c.socket = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vigilctl %s\n", VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "check-elf"))
		return checkelf_main(argc, argv);
	req = json_object_new_object();
	if (!req)
		return 1;
	if (!strcmp(argv[0], "status")) {
		cmd = "status";
		show = cmd_status;
		r = parse_sub(argc, argv, &c, req, false, false);
	} else if (!strcmp(argv[0], "findings")) {
		cmd = "findings";
		show = cmd_findings;
		r = parse_sub(argc, argv, &c, req, true, false);
	} else if (!strcmp(argv[0], "runs")) {
		cmd = "runs";
		show = cmd_runs;
		r = parse_sub(argc, argv, &c, req, false, false);
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "start")) {
		cmd = "run-start";
		show = cmd_run;
		r = parse_sub(argc - 1, argv + 1, &c, req, false, true);
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "stop")) {
		cmd = "run-stop";
		show = cmd_run;
		r = parse_sub(argc - 1, argv + 1, &c, req, false, false);
	} else if (!strcmp(argv[0], "save")) {
		cmd = "save";
		show = cmd_save;
		r = parse_sub(argc, argv, &c, req, false, false);
	} else {
		fprintf(stderr, "vigilctl: unknown command '%s'\n", argv[0]);
		r = -1;
	}
	if (r < 0) {
		usage(stderr);
		json_object_put(req);
		return EXIT_USAGE;
	}
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	reply = request(&c, req, &code);
	json_object_put(req);
	if (!reply)
		return code;
	code = check_reply(reply);
	if (!code)
		code = show(&c, reply);
	json_object_put(reply);
	return code;
}
