// SPDX-License-Identifier: GPL-2.0-or-later
/* vigilctl: what each command's reply looks like (see ctl.h). */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "control/csv.h"
#include "control/ctl.h"
#include "control/show.h"
#include "lib/escape.h"
#include "lib/sbuf.h"

const char *ctl_str(json_object *o, const char *key)
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
void ctl_put_escaped(FILE *f, const char *s, int width)
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

void ctl_put_safe(const char *s)
{
	ctl_put_escaped(stdout, s, 0);
}

/* Prints vigild's error; 0 if the reply says ok. */
int ctl_check_reply(json_object *reply)
{
	json_object *ok;

	if (json_object_object_get_ex(reply, "ok", &ok) &&
	    json_object_get_boolean(ok))
		return 0;
	fputs("vigilctl: ", stderr);
	ctl_put_escaped(stderr, ctl_str(reply, "error"), 0);
	fputc('\n', stderr);
	return strstr(ctl_str(reply, "error"), "permission denied") ?
	       EXIT_NOPERM : 1;
}

void ctl_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_run_line(json_object *r)
{
	json_object *c = NULL;

	json_object_object_get_ex(r, "counts", &c);
	printf("%-26s %-10s %-20s %-20s %4s %4s %4s %4s", ctl_str(r, "id"),
	       ctl_str(r, "state"), ctl_str(r, "start"), ctl_str(r, "end"),
	       ctl_str(c, "High"), ctl_str(c, "Medium"), ctl_str(c, "Low"),
	       ctl_str(c, "Informational"));
	if (*ctl_str(r, "reason")) {
		printf("  ");
		ctl_put_safe(ctl_str(r, "reason"));
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

int ctl_cmd_status(const struct ctl *c, json_object *reply)
{
	json_object *run = NULL, *f = NULL, *counters = NULL, *by, *cov;

	if (c->json) {
		ctl_print_json(reply);
		return 0;
	}
	printf("vigild %s, pid %s, up %ss\n", ctl_str(reply, "version"),
	       ctl_str(reply, "pid"), ctl_str(reply, "uptime"));
	printf("config:       ");
	ctl_put_safe(ctl_str(reply, "config"));
	printf("\ncapabilities: %s\n", ctl_str(reply, "capabilities"));
	if (json_object_object_get_ex(reply, "run", &run) && run)
		printf("run:          %s %s since %s (duration %ss)\n",
		       ctl_str(run, "id"), ctl_str(run, "state"), ctl_str(run, "start"),
		       ctl_str(run, "duration"));
	else
		printf("run:          none collecting\n");
	json_object_object_get_ex(reply, "findings", &f);
	printf("findings:     %s total: %s High, %s Medium, %s Low, %s Informational\n",
	       ctl_str(f, "total"), ctl_str(f, "High"), ctl_str(f, "Medium"),
	       ctl_str(f, "Low"), ctl_str(f, "Informational"));
	if (json_object_object_get_ex(f, "by_cause", &by) && by &&
	    json_object_object_length(by)) {
		/* the store was full: whose findings were given up */
		printf("store full:  ");
		json_object_object_foreach(by, who, n)
			printf(" %s%s: %s evicted, %s refused;",
			       isdigit((unsigned char)*who) ? "uid " : "", who,
			       ctl_str(n, "evicted"), ctl_str(n, "refused"));
		printf("\n");
	}
	if (json_object_object_get_ex(reply, "coverage", &cov) && cov &&
	    json_object_is_type(cov, json_type_array)) {
		size_t k, nc = json_object_array_length(cov);

		printf("coverage:     %s\n", nc ? "not complete" : "complete");
		for (k = 0; k < nc; k++) {
			printf("  - ");
			ctl_put_escaped(stdout, ctl_str(json_object_array_get_idx(cov,
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
	return ctl_str(f, "asset_key");
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
	d = strcmp(ctl_str(fb, "last_seen"), ctl_str(fa, "last_seen"));
	return d ? d : strcmp(ctl_str(fa, "id"), ctl_str(fb, "id"));
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
		ctl_print_json(*arr ? *arr : json_object_new_array());
		return 0;
	}
	n = *arr ? json_object_array_length(*arr) : 0;
	if (!n && !c->no_header)
		printf("no %s\n", what);
	return n;
}

int ctl_cmd_findings(const struct ctl *c, json_object *reply)
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
		if ((int)strlen(ctl_str(v[i], "rule")) > rule_w)
			rule_w = (int)strlen(ctl_str(v[i], "rule"));
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
		printf("%-8.8s %-6s ", ctl_str(v[i], "id"),
		       short_severity(ctl_str(v[i], "severity")));
		put_short_time(ctl_str(v[i], "last_seen"));
		printf(" %5s %-*s ", ctl_str(v[i], "count"), rule_w,
		       ctl_str(v[i], "rule"));
		ctl_put_escaped(stdout, asset_of(v[i]), asset_w);
		printf("\n");
	}
	free(v);
	return 0;
}

int ctl_cmd_findings_show(const struct ctl *c, json_object *reply)
{
	json_object *arr = NULL, *found = NULL;
	size_t i, n, len = strlen(c->show_id), matches = 0;

	json_object_object_get_ex(reply, "findings", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(arr, i);

		if (!strncmp(ctl_str(f, "id"), c->show_id, len)) {
			found = f;
			matches++;
			if (!strcmp(ctl_str(f, "id"), c->show_id)) {
				matches = 1;
				break;
			}
		}
	}
	if (matches != 1) {
		fprintf(stderr, "vigilctl: %s finding has an ID starting with '",
			matches ? "more than one" : "no");
		ctl_put_escaped(stderr, c->show_id, 0);
		fputs("'\n", stderr);
		return 1;
	}
	if (c->json) {
		ctl_print_json(found);
		return 0;
	}
	show_finding(stdout, found);
	return 0;
}

int ctl_cmd_runs(const struct ctl *c, json_object *reply)
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

int ctl_cmd_run(const struct ctl *c, json_object *reply)
{
	json_object *run = NULL;

	json_object_object_get_ex(reply, "run", &run);
	if (c->json)
		ctl_print_json(run);
	else if (run)
		printf("run %s %s\n", ctl_str(run, "id"), ctl_str(run, "state"));
	return 0;
}

int ctl_cmd_save(const struct ctl *c, json_object *reply)
{
	if (!c->json)
		printf("state written\n");
	return 0;
}

int ctl_cmd_yield(const struct ctl *c, json_object *reply)
{
	if (!c->json)
		printf("vigild lets an audit daemon register\n");
	return 0;
}

/* The tags a finding now has: the host's and its own. */
int ctl_cmd_tagged(const struct ctl *c, json_object *reply)
{
	json_object *f = NULL;
	struct sbuf t;

	json_object_object_get_ex(reply, "finding", &f);
	if (c->json) {
		ctl_print_json(f);
		return 0;
	}
	sbuf_init(&t);
	show_tags(f, ", ", true, &t);
	printf("finding %s tags: ", ctl_str(f, "id"));
	ctl_put_safe(t.len ? sbuf_str(&t) : "none");
	printf("\n");
	sbuf_free(&t);
	return 0;
}

int ctl_cmd_accepted(const struct ctl *c, json_object *reply)
{
	json_object *f = NULL, *a;

	json_object_object_get_ex(reply, "finding", &f);
	if (c->json) {
		ctl_print_json(f);
		return 0;
	}
	printf("finding %s ", ctl_str(f, "id"));
	if (json_object_object_get_ex(f, "acceptance", &a) && a) {
		printf("accepted by ");
		ctl_put_safe(ctl_str(a, "by"));
		if (*ctl_str(a, "until"))
			printf(" until %s", ctl_str(a, "until"));
		printf(": ");
		ctl_put_safe(ctl_str(a, "reason"));
		printf("\n");
	} else {
		printf("is not accepted: it is announced again\n");
	}
	return 0;
}
