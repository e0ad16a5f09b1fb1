// SPDX-License-Identifier: GPL-2.0-or-later
/* vigilctl: a run's report, and the fleet report (see ctl.h). */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "control/ctl.h"
#include "lib/escape.h"
#include "lib/sbuf.h"
#include "report/report.h"

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
			ctl_put_escaped(stderr, c->output, 0);
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

int ctl_cmd_report(const struct ctl *c, json_object *reply)
{
	json_object *doc = NULL;

	json_object_object_get_ex(reply, "report", &doc);
	return render(c, doc);
}

/* report --from FILE...: no daemon, the lines of many hosts. */
int ctl_fleet_main(const struct ctl *c, int nfiles, char **files)
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
		bool is_pg = ctl_is_pg_source(files[i]);
		FILE *f = is_stdin ? stdin : is_pg ? NULL :
			  fopen(files[i], "re");
		int r;

		if (is_pg) {
			r = ctl_fleet_read_pg(fl, files[i], &err);
		} else if (!f) {
			fputs("vigilctl: ", stderr);
			ctl_put_escaped(stderr, files[i], 0);
			fprintf(stderr, ": %s\n", strerror(errno));
			code = EXIT_NOINPUT;
			goto out;
		} else {
			r = fleet_read(fl, f, is_stdin ? "(stdin)" : files[i],
				       &err);
			if (!is_stdin)
				fclose(f);
		}
		if (r < 0) {
			fputs("vigilctl: ", stderr);
			ctl_put_escaped(stderr, sbuf_str(&err), 0);
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
