// SPDX-License-Identifier: GPL-2.0-or-later
/* vigilctl: talk to vigild over its control socket. */
#include "build.h"

#include <ctype.h>
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

#include <fcntl.h>

#include "control/checkelf.h"
#include "control/csv.h"
#include "control/show.h"
#include "findings/exceptions.h"
#include "lib/duration.h"
#include "lib/escape.h"
#include "lib/sbuf.h"
#include "report/report.h"
#include "rules/rulemeta.h"

#define DEFAULT_SOCKET "/run/vigil/control"
/* Replies can hold every finding; bound them all the same. */
#define MAX_REPLY (512L * 1024 * 1024)

/* sysexits */
#define EXIT_USAGE 64
#define EXIT_NOINPUT 66
#define EXIT_UNAVAILABLE 69
#define EXIT_CANTCREAT 73
#define EXIT_NOPERM 77

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

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigilctl [-s SOCKET] COMMAND [OPTIONS]\n\n"
		"Commands:\n"
		"  status [--json] [-v]                  daemon, run, findings and\n"
		"                                        coverage; -v: every counter\n"
		"  findings [--json|--csv] [-H] [-l] [--rule R] [--severity S]\n"
		"                                        list findings, most severe\n"
		"                                        and most recent first\n"
		"  findings show ID                      one finding, all its evidence\n"
		"                                        (ID: a unique prefix will do)\n"
		"  findings accept ID --reason TEXT [--until DATE]\n"
		"                                        accept a known risk: kept and\n"
		"                                        counted, not announced (until\n"
		"                                        DATE: 2027-03-01)\n"
		"  findings unaccept ID                  take an acceptance back\n"
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
		  "       vigilctl findings show ID\n"
		  "       vigilctl findings accept ID --reason TEXT [--until DATE]\n"
		  "       vigilctl findings unaccept ID" },
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

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "";
	return json_object_get_string(v);
}

/*
 * Untrusted text (paths, names, vigild's errors) goes out escaped.
 * width > 3: at most that many columns, a longer text keeping its end
 * after "..." (a path's end tells most); 0: all of it.
 */
static void put_escaped(FILE *f, const char *s, int width)
{
	struct sbuf e;
	int len;

	sbuf_init(&e);
	escape_text(&e, s);
	len = (int)e.len;
	if (width > 3 && len > width)
		fprintf(f, "...%s", sbuf_str(&e) + len - (width - 3));
	else
		fputs(sbuf_str(&e), f);
	sbuf_free(&e);
}

static void put_safe(const char *s)
{
	put_escaped(stdout, s, 0);
}

/* Prints vigild's error; 0 if the reply says ok. */
static int check_reply(json_object *reply)
{
	json_object *ok;

	if (json_object_object_get_ex(reply, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return 0;
	fputs("vigilctl: ", stderr);
	put_escaped(stderr, str(reply, "error"), 0);
	fputc('\n', stderr);
	return strstr(str(reply, "error"), "permission denied") ?
	       EXIT_NOPERM : 1;
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
		put_safe(str(r, "reason"));
	}
	printf("\n");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "source.name value", sorted: what ausearch and ss users expect. */
static void print_counters(json_object *counters)
{
	char **lines = NULL, **more;
	size_t n = 0, i;

	json_object_object_foreach(counters, src, vals) {
		json_object_object_foreach(vals, name, val) {
			char *l;

			if (asprintf(&l, "%s.%s %s", src, name,
				     json_object_get_string(val)) < 0)
				continue;
			more = realloc(lines, (n + 1) * sizeof(*lines));
			if (!more) {
				free(l);
				continue;
			}
			lines = more;
			lines[n++] = l;
		}
	}
	qsort(lines, n, sizeof(*lines), by_name);
	printf("counters:\n");
	for (i = 0; i < n; i++) {
		printf("  %s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

static int cmd_status(const struct ctl *c, json_object *reply)
{
	json_object *run = NULL, *f = NULL, *counters = NULL, *by, *cov;

	if (c->json) {
		print_json(reply);
		return 0;
	}
	printf("vigild %s, pid %s, up %ss\n", str(reply, "version"),
	       str(reply, "pid"), str(reply, "uptime"));
	printf("config:       ");
	put_safe(str(reply, "config"));
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
	if (json_object_object_get_ex(f, "by_cause", &by) && by &&
	    json_object_object_length(by)) {
		/* the store was full: whose findings were given up */
		printf("store full:  ");
		json_object_object_foreach(by, who, n)
			printf(" %s%s: %s evicted, %s refused;",
			       isdigit((unsigned char)*who) ? "uid " : "", who,
			       str(n, "evicted"), str(n, "refused"));
		printf("\n");
	}
	if (json_object_object_get_ex(reply, "coverage", &cov) && cov &&
	    json_object_is_type(cov, json_type_array)) {
		size_t k, nc = json_object_array_length(cov);

		printf("coverage:     %s\n", nc ? "not complete" : "complete");
		for (k = 0; k < nc; k++) {
			printf("  - ");
			put_escaped(stdout, str(json_object_array_get_idx(cov,
								    k),
						"what"), 0);
			printf("\n");
		}
	}
	if (c->verbose &&
	    json_object_object_get_ex(reply, "counters", &counters) &&
	    counters)
		print_counters(counters);
	else if (json_object_object_get_ex(reply, "counters", &counters))
		printf("(every counter: vigilctl status -v)\n");
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

static int int_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_int(v) : 0;
}

/* Most severe first, then most recently seen (ISO times sort as text). */
static int by_severity_then_recent(const void *a, const void *b)
{
	json_object *fa = *(json_object *const *)a;
	json_object *fb = *(json_object *const *)b;
	int d = int_of(fb, "numeric_severity") - int_of(fa, "numeric_severity");

	if (d)
		return d;
	d = strcmp(str(fb, "last_seen"), str(fa, "last_seen"));
	return d ? d : strcmp(str(fa, "id"), str(fb, "id"));
}

/*
 * The terminal's width (or $COLUMNS); 0, no limit, when the output is
 * no terminal: "vigilctl findings | grep" sees whole paths, as with
 * systemctl.  80 for a terminal that does not say.
 */
static int term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (cols && atoi(cols) >= 40)
		return atoi(cols);
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

static const char *short_severity(const char *s)
{
	return !strcmp(s, "Informational") ? "Info" : s;
}

/* "2026-11-24T07:03:09Z" as "11-24 07:03" */
static void put_short_time(const char *t)
{
	if (strlen(t) >= 16)
		printf("%.5s %.5s", t + 5, t + 11);
	else
		printf("%-11s", t);
}

/*
 * The array a table lists: printed whole with --json, or "no WHAT" when
 * empty (nothing with -H).  Returns its length, 0 when that is all.
 */
static size_t table_rows(const struct ctl *c, json_object *reply,
			 const char *what, json_object **arr)
{
	size_t n;

	*arr = NULL;
	json_object_object_get_ex(reply, what, arr);
	if (c->csv)
		return *arr ? json_object_array_length(*arr) : 0;
	if (c->json) {
		print_json(*arr ? *arr : json_object_new_array());
		return 0;
	}
	n = *arr ? json_object_array_length(*arr) : 0;
	if (!n && !c->no_header)
		printf("no %s\n", what);
	return n;
}

static int cmd_findings(const struct ctl *c, json_object *reply)
{
	json_object *arr, **v;
	int width, rule_w = 4, asset_w;
	size_t i, n = table_rows(c, reply, "findings", &arr);

	if (!n && !c->csv)
		return 0;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return 1;
	for (i = 0; i < n; i++) {
		v[i] = json_object_array_get_idx(arr, i);
		if ((int)strlen(str(v[i], "rule")) > rule_w)
			rule_w = (int)strlen(str(v[i], "rule"));
	}
	qsort(v, n, sizeof(*v), by_severity_then_recent);
	if (c->csv) {
		i = csv_findings(stdout, v, n) < 0;
		free(v);
		if (i)
			fprintf(stderr, "vigilctl: cannot write the CSV: %m\n");
		return i ? 1 : 0;
	}
	/* ID 8, SEVERITY 6, LAST SEEN 11, COUNT 5 and the spaces: 35. */
	width = term_width();
	asset_w = c->full || !width ? 0 : width - 35 - rule_w;
	if (asset_w && asset_w < 8)
		asset_w = 8;
	if (!c->no_header)
		printf("%-8s %-6s %-11s %5s %-*s ASSET\n", "ID", "SEV",
		       "LAST SEEN", "COUNT", rule_w, "RULE");
	for (i = 0; i < n; i++) {
		printf("%-8.8s %-6s ", str(v[i], "id"),
		       short_severity(str(v[i], "severity")));
		put_short_time(str(v[i], "last_seen"));
		printf(" %5s %-*s ", str(v[i], "count"), rule_w,
		       str(v[i], "rule"));
		put_escaped(stdout, asset_of(v[i]), asset_w);
		printf("\n");
	}
	free(v);
	return 0;
}

static int cmd_findings_show(const struct ctl *c, json_object *reply)
{
	json_object *arr = NULL, *found = NULL;
	size_t i, n, len = strlen(c->show_id), matches = 0;

	json_object_object_get_ex(reply, "findings", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(arr, i);

		if (!strncmp(str(f, "id"), c->show_id, len)) {
			found = f;
			matches++;
			if (!strcmp(str(f, "id"), c->show_id)) {
				matches = 1;
				break;
			}
		}
	}
	if (matches != 1) {
		fprintf(stderr, "vigilctl: %s finding has an ID starting with '",
			matches ? "more than one" : "no");
		put_escaped(stderr, c->show_id, 0);
		fputs("'\n", stderr);
		return 1;
	}
	if (c->json) {
		print_json(found);
		return 0;
	}
	show_finding(stdout, found);
	return 0;
}

static int cmd_runs(const struct ctl *c, json_object *reply)
{
	json_object *arr;
	size_t i, n = table_rows(c, reply, "runs", &arr);

	if (!n)
		return 0;
	if (!c->no_header)
		printf("%-26s %-10s %-20s %-20s %4s %4s %4s %4s\n", "RUN",
		       "STATE", "START", "END", "HIGH", "MED", "LOW", "INFO");
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

static int cmd_yield(const struct ctl *c, json_object *reply)
{
	if (!c->json)
		printf("vigild lets an audit daemon register\n");
	return 0;
}

/* Write a rendered report to -o FILE or stdout. */
static int put_report(const struct ctl *c, const struct sbuf *text)
{
	int fd = STDOUT_FILENO;
	size_t off = 0;

	if (c->output) {
		fd = open(c->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0) {
			fputs("vigilctl: ", stderr);
			put_escaped(stderr, c->output, 0);
			fprintf(stderr, ": %s\n", strerror(errno));
			return EXIT_CANTCREAT;
		}
	}
	while (off < text->len) {
		ssize_t n = write(fd, sbuf_str(text) + off, text->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vigilctl: writing the report: %s\n",
				strerror(errno));
			if (c->output)
				close(fd);
			return c->output ? EXIT_CANTCREAT : 1;
		}
		off += (size_t)n;
	}
	if (c->output && close(fd) < 0) {
		fprintf(stderr, "vigilctl: writing the report: %s\n",
			strerror(errno));
		return EXIT_CANTCREAT;
	}
	return 0;
}

static int render(const struct ctl *c, json_object *doc)
{
	struct sbuf out;
	int code;

	sbuf_init(&out);
	if (report_render(doc, c->format, c->full, &out) < 0) {
		fprintf(stderr, "vigilctl: cannot draw the report: %s\n",
			sbuf_failed(&out) ? "out of memory" : sbuf_str(&out));
		sbuf_free(&out);
		return 1;
	}
	code = put_report(c, &out);
	sbuf_free(&out);
	return code;
}

static int cmd_report(const struct ctl *c, json_object *reply)
{
	json_object *doc = NULL;

	json_object_object_get_ex(reply, "report", &doc);
	return render(c, doc);
}

/* report --from FILE...: no daemon, the lines of many hosts. */
static int fleet_main(const struct ctl *c, int nfiles, char **files)
{
	struct fleet *fl = fleet_new();
	json_object *doc = NULL;
	struct sbuf err;
	int i, code = 0;

	sbuf_init(&err);
	if (!fl)
		goto oom;
	for (i = 0; i < nfiles; i++) {
		bool is_stdin = !strcmp(files[i], "-");
		FILE *f = is_stdin ? stdin : fopen(files[i], "re");
		int r;

		if (!f) {
			fputs("vigilctl: ", stderr);
			put_escaped(stderr, files[i], 0);
			fprintf(stderr, ": %s\n", strerror(errno));
			code = EXIT_NOINPUT;
			goto out;
		}
		r = fleet_read(fl, f, is_stdin ? "(stdin)" : files[i], &err);
		if (!is_stdin)
			fclose(f);
		if (r < 0) {
			fputs("vigilctl: ", stderr);
			put_escaped(stderr, sbuf_str(&err), 0);
			fputc('\n', stderr);
			code = 1;
			goto out;
		}
	}
	doc = fleet_report(fl);
	if (!doc)
		goto oom;
	code = render(c, doc);
	goto out;
oom:
	fprintf(stderr, "vigilctl: out of memory\n");
	code = 1;
out:
	json_object_put(doc);
	fleet_free(fl);
	sbuf_free(&err);
	return code;
}

static int cmd_accepted(const struct ctl *c, json_object *reply)
{
	json_object *f = NULL, *a;

	json_object_object_get_ex(reply, "finding", &f);
	if (c->json) {
		print_json(f);
		return 0;
	}
	printf("finding %s ", str(f, "id"));
	if (json_object_object_get_ex(f, "acceptance", &a) && a) {
		printf("accepted by ");
		put_safe(str(a, "by"));
		if (*str(a, "until"))
			printf(" until %s", str(a, "until"));
		printf(": ");
		put_safe(str(a, "reason"));
		printf("\n");
	} else {
		printf("is not accepted: it is announced again\n");
	}
	return 0;
}

/* What a subcommand accepts besides --json, -H and -l. */
enum sub_opts {
	SUB_FILTERS = 1,	/* --rule, --severity */
	SUB_DURATION = 2,	/* --duration, --restart */
	SUB_REPORT = 4,		/* --format, -o, --from */
	SUB_ACCEPT = 8,		/* --reason, --until */
	SUB_VERBOSE = 16,	/* -v */
};

static int bad_value(const char *what, const char *v, const char *hint)
{
	fputs("vigilctl: '", stderr);
	put_escaped(stderr, v, 0);
	fprintf(stderr, "' is not a %s (%s)\n", what, hint);
	return -1;
}

/*
 * Parse the options of a subcommand into the request.  Returns how many
 * arguments are left (moved to the end of argv), or -1 on misuse.
 */
static int parse_sub(int argc, char **argv, struct ctl *c, json_object *req,
		     unsigned int allow)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "full", no_argument, NULL, 'l' },
		{ "rule", required_argument, NULL, 'r' },
		{ "severity", required_argument, NULL, 'S' },
		{ "duration", required_argument, NULL, 'd' },
		{ "restart", no_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "from", no_argument, NULL, 'f' },
		{ "reason", required_argument, NULL, 'e' },
		{ "until", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "csv", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	enum vigil_severity sev;
	uint64_t sec;
	int64_t t;
	int o;

	optind = 0;	/* 0: GNU getopt starts afresh, permuting again */
	while ((o = getopt_long(argc, argv, allow & SUB_REPORT ? "Hlo:" :
				allow & SUB_VERBOSE ? "Hlv" : "Hl",
				opts, NULL)) != -1) {
		switch (o) {
		case 'v':
			if (!(allow & SUB_VERBOSE))
				return -1;
			c->verbose = true;
			break;
		case 'C':
			if (!(allow & SUB_FILTERS))
				return -1;
			c->csv = true;
			break;
		case 'F':
			if (!(allow & SUB_REPORT))
				return -1;
			if (report_format_parse(optarg, &c->format) < 0)
				return bad_value("report format", optarg,
						 "text, html, json");
			break;
		case 'o':
			if (!(allow & SUB_REPORT))
				return -1;
			c->output = optarg;
			break;
		case 'f':
			if (!(allow & SUB_REPORT))
				return -1;
			c->from = true;
			break;
		case 'e':
			if (!(allow & SUB_ACCEPT))
				return -1;
			if (!*optarg || strlen(optarg) > 1000)
				return bad_value("reason", optarg,
						 "1 to 1000 bytes");
			json_object_object_add(req, "reason",
					       json_object_new_string(optarg));
			break;
		case 'u':
			if (!(allow & SUB_ACCEPT))
				return -1;
			if (acceptance_parse_until(optarg, &t) < 0)
				return bad_value("date", optarg,
						 "2027-03-01 or 2027-03-01T12:00:00Z");
			json_object_object_add(req, "until",
					       json_object_new_string(optarg));
			break;
		case 'j':
			c->json = true;
			break;
		case 'H':
			c->no_header = true;
			break;
		case 'l':
			c->full = true;
			break;
		case 'r':
			if (!(allow & SUB_FILTERS))
				return -1;
			if (!rule_meta_by_name(optarg))
				return bad_value("rule", optarg,
						 "see vigilctl(1) for the seven rules");
			json_object_object_add(req, "rule",
					       json_object_new_string(optarg));
			break;
		case 'S':
			if (!(allow & SUB_FILTERS))
				return -1;
			if (severity_parse(optarg, &sev) < 0)
				return bad_value("severity", optarg,
						 "High, Medium, Low, Informational");
			json_object_object_add(req, "severity",
					       json_object_new_string(optarg));
			break;
		case 'd':
			if (!(allow & SUB_DURATION))
				return -1;
			if (duration_parse(optarg, &sec) < 0 || sec < 10 ||
			    sec > 86400)
				return bad_value("run duration", optarg,
						 "10s to 24h, e.g. 90s, 15m, 1h");
			json_object_object_add(req, "duration",
					       json_object_new_string(optarg));
			break;
		case 'R':
			if (!(allow & SUB_DURATION))
				return -1;
			json_object_object_add(req, "restart",
					       json_object_new_boolean(1));
			break;
		default:
			return -1;
		}
	}
	return argc - optind;
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
		show = cmd_status;
		r = parse_sub(argc, argv, &c, req, SUB_VERBOSE) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "show")) {
		cmd = "findings";
		show = cmd_findings_show;
		/* exactly one ID besides the options */
		r = parse_sub(argc - 1, argv + 1, &c, req, 0) == 1 ? 0 : -1;
		c.show_id = argv[argc - 1];
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "accept")) {
		cmd = "findings-accept";
		show = cmd_accepted;
		r = parse_sub(argc - 1, argv + 1, &c, req, SUB_ACCEPT) == 1 &&
		    json_object_object_get_ex(req, "reason", NULL) ? 0 : -1;
		json_object_object_add(req, "id", json_object_new_string(
					       argv[argc - 1]));
	} else if (!strcmp(argv[0], "findings") && argc >= 2 &&
		   !strcmp(argv[1], "unaccept")) {
		cmd = "findings-unaccept";
		show = cmd_accepted;
		r = parse_sub(argc - 1, argv + 1, &c, req, 0) == 1 ? 0 : -1;
		json_object_object_add(req, "id", json_object_new_string(
					       argv[argc - 1]));
	} else if (!strcmp(argv[0], "report")) {
		int left = parse_sub(argc, argv, &c, req, SUB_REPORT);

		cmd = "report";
		show = cmd_report;
		if (c.json)
			c.format = REPORT_JSON;
		r = left < 0 || (c.from && !left) ||
		    (!c.from && left > 1) ? -1 : 0;
		if (!r && c.from) {
			json_object_put(req);
			return fleet_main(&c, left, argv + argc - left);
		}
		if (!r && left == 1)
			json_object_object_add(req, "run",
				json_object_new_string(argv[argc - 1]));
	} else if (!strcmp(argv[0], "findings")) {
		cmd = "findings";
		show = cmd_findings;
		r = parse_sub(argc, argv, &c, req, SUB_FILTERS) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "runs")) {
		cmd = "runs";
		show = cmd_runs;
		r = parse_sub(argc, argv, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "start")) {
		cmd = "run-start";
		show = cmd_run;
		r = parse_sub(argc - 1, argv + 1, &c, req, SUB_DURATION) ?
		    -1 : 0;
	} else if (!strcmp(argv[0], "run") && argc >= 2 &&
		   !strcmp(argv[1], "stop")) {
		cmd = "run-stop";
		show = cmd_run;
		r = parse_sub(argc - 1, argv + 1, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "save")) {
		cmd = "save";
		show = cmd_save;
		r = parse_sub(argc, argv, &c, req, 0) == 0 ? 0 : -1;
	} else if (!strcmp(argv[0], "audit") && argc >= 2 &&
		   !strcmp(argv[1], "yield")) {
		cmd = "audit-yield";
		show = cmd_yield;
		r = parse_sub(argc - 1, argv + 1, &c, req, 0) == 0 ? 0 : -1;
	} else {
		fputs("vigilctl: unknown command '", stderr);
		put_escaped(stderr, argv[0], 0);
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
	code = check_reply(reply);
	if (!code)
		code = show(&c, reply);
	json_object_put(reply);
	return code;
}
