// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reports: the fleet report reads what three hosts sent, in each line
 * format vigil writes (made by the real formatters), behind a syslog
 * header or not, with hostile names and garbage among them; the HTML
 * escapes every host value.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/csv.h"
#include "findings/line.h"
#include "report/report.h"

#define HOSTILE "/opt/<script>alert(1)</script>\xff\"x"

/* A container to put the next add_line()'s finding in; NULL: none. */
static const char *ctr_id, *ctr_image;

/* One finding's event as a line in fmt, sent from host. */
static void add_line(FILE *out, enum syslog_format fmt, const char *host,
		     const char *mid, enum rule_id rule, const char *path,
		     int port, enum finding_event ev, int64_t t)
{
	struct findings *fs = findings_new(10, NULL, NULL);
	json_object *h = json_object_new_object(), *a;
	struct line_host lh = { 0 };
	struct sbuf line;

	json_object_object_add(h, "hostname", json_object_new_string(host));
	json_object_object_add(h, "machine_id", json_object_new_string(mid));
	findings_set_host(fs, h);
	a = json_object_new_object();
	json_object_object_add(a, "path", json_object_new_string(path));
	json_object_object_add(a, "program", json_object_new_string(path));
	if (port)
		json_object_object_add(a, "port", json_object_new_int(port));
	if (ctr_id) {
		json_object_object_add(a, "container_id",
				       json_object_new_string(ctr_id));
		json_object_object_add(a, "container_name",
				       json_object_new_string("c"));
		json_object_object_add(a, "container_image",
				       json_object_new_string(ctr_image));
	}
	ck_assert_int_eq(findings_report(fs, rule, ctr_id ? ctr_id : path, a,
					 t, "r"), 1);
	lh.hostname = host;
	lh.machine_id = mid;
	sbuf_init(&line);
	ck_assert_int_ge(line_finding(&line, fmt, 8192, findings_at(fs, 0),
				      ev, &lh, t * 1000), 0);
	/* collectors often keep a syslog header before the message */
	fprintf(out, "%s%s\n", fmt == SYSLOG_FORMAT_JSON ?
		"2026-11-24T10:00:00+00:00 h vigild[1]: " : "", sbuf_str(&line));
	sbuf_free(&line);
	findings_free(fs);
	json_object_put(h);
}

static json_object *fleet_of(const char *text, struct fleet **keep)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct fleet *fl = fleet_new();
	struct sbuf err;
	json_object *doc;

	sbuf_init(&err);
	ck_assert_int_eq(fleet_read(fl, in, "all.log", &err), 0);
	fclose(in);
	doc = fleet_report(fl);
	ck_assert_ptr_nonnull(doc);
	sbuf_free(&err);
	*keep = fl;
	return doc;
}

static json_object *host_row(json_object *doc, const char *name)
{
	json_object *hosts = report_get(doc, "hosts");
	size_t i;

	for (i = 0; i < json_object_array_length(hosts); i++)
		if (!strcmp(report_str(json_object_array_get_idx(hosts, i),
				       "hostname"), name))
			return json_object_array_get_idx(hosts, i);
	return NULL;
}

START_TEST(fleet_three_hosts_three_formats)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct fleet *fl;
	json_object *doc, *h, *p, *r;
	struct sbuf html, txt;
	const char *m1 = "11111111111111111111111111111111";
	const char *m2 = "22222222222222222222222222222222";
	const char *m3 = "33333333333333333333333333333333";

	/* the same problem on all three hosts, one line format each */
	add_line(out, SYSLOG_FORMAT_KV, "h1", m1, RULE_UNUSED_PORTS,
		 "/opt/legacy/adm", 8081, FEV_NEW, 100);
	add_line(out, SYSLOG_FORMAT_JSON, "h2", m2, RULE_UNUSED_PORTS,
		 "/opt/legacy/adm", 8081, FEV_NEW, 100);
	add_line(out, SYSLOG_FORMAT_OCSF, "h3", m3, RULE_UNUSED_PORTS,
		 "/opt/legacy/adm", 8081, FEV_NEW, 100);
	/* h1: a hostile name, new then reminded */
	add_line(out, SYSLOG_FORMAT_KV, "h1", m1, RULE_NO_DEP, HOSTILE, 0,
		 FEV_NEW, 100);
	add_line(out, SYSLOG_FORMAT_KV, "h1", m1, RULE_NO_DEP, HOSTILE, 0,
		 FEV_REMIND, 200);
	/* h2: one resolved after it was new; h3: one accepted */
	add_line(out, SYSLOG_FORMAT_JSON, "h2", m2, RULE_ROOT_PERMS, "/x", 0,
		 FEV_NEW, 100);
	add_line(out, SYSLOG_FORMAT_JSON, "h2", m2, RULE_ROOT_PERMS, "/x", 0,
		 FEV_RESOLVED, 300);
	add_line(out, SYSLOG_FORMAT_OCSF, "h3", m3, RULE_NO_STACK_COOKIES,
		 "/y", 0, FEV_NEW, 100);
	/* an older event read after a newer one does not win */
	add_line(out, SYSLOG_FORMAT_JSON, "h2", m2, RULE_ROOT_PERMS, "/x", 0,
		 FEV_REMIND, 200);
	/* a host named to break the HTML */
	add_line(out, SYSLOG_FORMAT_JSON, "<b>evil</b>", m1,
		 RULE_CLIENT_LOGIN, "/usr/bin/telnet", 23, FEV_NEW, 100);
	fputs("garbage\n{\"not\": \"vigil\"}\n{broken json\n"
	      "event=new host=h9 id=zz rule=nope\n", out);
	fclose(out);
	doc = fleet_of(text, &fl);
	ck_assert_int_eq(report_int(doc, "lines"), 14);
	ck_assert_int_eq(report_int(doc, "finding_events"), 10);
	ck_assert_int_eq(report_int(doc, "skipped"), 4);
	ck_assert_uint_eq(json_object_array_length(report_get(doc, "hosts")),
			  4);
	h = host_row(doc, "h1");
	ck_assert_str_eq(report_str(h, "machine_id"), m1);
	/* kv lines: the time of the last sighting (200, the reminder) */
	ck_assert_str_eq(report_str(h, "last_event"), "1970-01-01T00:03:20Z");
	ck_assert_int_eq(report_int(report_get(h, "open"), "Medium"), 1);
	ck_assert_int_eq(report_int(report_get(h, "open"), "Informational"),
			 1);
	h = host_row(doc, "h2");
	ck_assert_int_eq(report_int(h, "resolved"), 1);
	ck_assert_int_eq(report_int(report_get(h, "open"), "High"), 0);
	/* the accepted line came from an accepted event only: here, open */
	h = host_row(doc, "h3");
	ck_assert_int_eq(report_int(report_get(h, "open"), "Medium"), 1);
	/* most severe first, then spread: the Medium on one host leads */
	p = json_object_array_get_idx(report_get(doc, "problems"), 0);
	ck_assert_str_eq(report_str(p, "severity"), "Medium");
	ck_assert_uint_eq(json_object_array_length(report_get(p, "hosts")),
			  1);
	p = json_object_array_get_idx(report_get(doc, "problems"),
		json_object_array_length(report_get(doc, "problems")) - 1);
	ck_assert_str_eq(report_str(p, "rule"), "unused-listening-tcp-ports");
	ck_assert_uint_eq(json_object_array_length(report_get(p, "hosts")),
			  3);
	ck_assert_str_eq(report_str(p, "asset"),
			 "/opt/legacy/adm on port 8081");
	/* rules most severe first; each names its hosts */
	r = json_object_array_get_idx(report_get(doc, "rules"), 0);
	ck_assert_str_eq(report_str(r, "id"),
			 "root-process-insecure-permissions");
	ck_assert_int_eq(report_int(r, "findings"), 0);
	sbuf_init(&html);
	ck_assert_int_eq(report_render(doc, REPORT_HTML, false, &html), 0);
	ck_assert_ptr_null(strstr(sbuf_str(&html), "<script"));
	ck_assert_ptr_null(strstr(sbuf_str(&html), "<b>"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&html), "&lt;b&gt;evil&lt;/b&gt;"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&html),
		"/opt/&lt;script&gt;alert(1)&lt;/script&gt;\\xff&quot;x"));
	sbuf_init(&txt);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, false, &txt), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"  3 hosts  Informational unused-listening-tcp-ports  /opt/legacy/adm on port 8081"));
	sbuf_free(&html);
	sbuf_free(&txt);
	json_object_put(doc);
	fleet_free(fl);
	free(text);
}
END_TEST

/*
 * Containers in the fleet, by image: each image's open findings, its
 * containers counted once per host, and the same file in two images is
 * two problems.  In every line format.
 */
START_TEST(fleet_by_image)
{
	const char *m1 = "11111111111111111111111111111111";
	const char *m2 = "22222222222222222222222222222222";
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	json_object *doc, *im, *p;
	struct sbuf txt, html;
	struct fleet *fl;

	/* app:1 in two containers on h1 and one on h2; legacy:3 on h2 */
	ctr_image = "registry.example/app:1";
	ctr_id = "c1";
	add_line(out, SYSLOG_FORMAT_KV, "h1", m1, RULE_NO_STACK_COOKIES,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	add_line(out, SYSLOG_FORMAT_KV, "h1", m1, RULE_NO_DEP,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	ctr_id = "c2";
	add_line(out, SYSLOG_FORMAT_JSON, "h1", m1, RULE_NO_STACK_COOKIES,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	ctr_id = "c1";	/* another host's container of the same id */
	add_line(out, SYSLOG_FORMAT_OCSF, "h2", m2, RULE_NO_STACK_COOKIES,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	ctr_image = "registry.example/legacy:3";
	ctr_id = "c3";
	add_line(out, SYSLOG_FORMAT_JSON, "h2", m2, RULE_ROOT_PERMS,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	ctr_id = NULL;	/* the host's own: in no image */
	add_line(out, SYSLOG_FORMAT_KV, "h2", m2, RULE_NO_DEP,
		 "/opt/app/bin", 0, FEV_NEW, 100);
	fclose(out);
	doc = fleet_of(text, &fl);
	ck_assert_int_eq(report_int(doc, "skipped"), 0);
	ck_assert_uint_eq(json_object_array_length(report_get(doc, "images")),
			  2);
	/* the image with a High comes first, though on one host */
	im = json_object_array_get_idx(report_get(doc, "images"), 0);
	ck_assert_str_eq(report_str(im, "image"), "registry.example/legacy:3");
	ck_assert_int_eq(report_int(report_get(im, "open"), "High"), 1);
	im = json_object_array_get_idx(report_get(doc, "images"), 1);
	ck_assert_str_eq(report_str(im, "image"), "registry.example/app:1");
	ck_assert_int_eq(report_int(im, "containers"), 3);
	ck_assert_int_eq(report_int(report_get(im, "open"), "Medium"), 4);
	ck_assert_uint_eq(json_object_array_length(report_get(im, "hosts")),
			  2);
	/* High first; then the cookie problem of app:1 on two hosts */
	p = json_object_array_get_idx(report_get(doc, "problems"), 0);
	ck_assert_str_eq(report_str(p, "severity"), "High");
	ck_assert_str_eq(report_str(p, "image"), "registry.example/legacy:3");
	p = json_object_array_get_idx(report_get(doc, "problems"), 1);
	ck_assert_str_eq(report_str(p, "rule"),
			 "software-without-stack-cookies");
	ck_assert_str_eq(report_str(p, "image"), "registry.example/app:1");
	ck_assert_uint_eq(json_object_array_length(report_get(p, "hosts")),
			  2);
	/* the host's own DEP finding and app:1's are two problems */
	ck_assert_uint_eq(json_object_array_length(report_get(doc,
							      "problems")), 4);
	sbuf_init(&txt);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, false, &txt), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"     0    4    0    0           3  registry.example/app:1, on h1, h2\n"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		" in image registry.example/app:1"));
	sbuf_init(&html);
	ck_assert_int_eq(report_render(doc, REPORT_HTML, false, &html), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&html),
		"<tr class=\"image\"><td class=\"mono\">registry.example/legacy:3</td><td class=\"n\">1</td>"));
	sbuf_free(&txt);
	sbuf_free(&html);
	json_object_put(doc);
	fleet_free(fl);
	free(text);
}
END_TEST

/* A run's findings by place: the host, then the worst-off container. */
START_TEST(run_report_by_place)
{
	json_object *doc = json_tokener_parse(
		"{\"report\":\"run\",\"host\":{\"hostname\":\"h\"},"
		"\"run\":{\"id\":\"R\",\"counts\":{}},\"findings\":["
		"{\"id\":\"a1\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\","
		"\"attributes\":{\"path\":\"/x\"},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"a2\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\","
		"\"attributes\":{\"path\":\"/x\",\"container_id\":\"0123456789abcdef\","
		"\"container_name\":\"web\",\"container_runtime\":\"cri-o\","
		"\"container_image\":\"nginx:1\",\"pod_name\":\"web-7d\","
		"\"pod_namespace\":\"shop\"},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"a3\",\"rule\":\"root-process-insecure-permissions\",\"severity\":\"High\","
		"\"attributes\":{\"path\":\"/y\",\"container_id\":\"fedcba9876543210\","
		"\"container_name\":\"<db>\",\"container_runtime\":\"podman\"},"
		"\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"a4\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\","
		"\"attributes\":{\"path\":\"/z\",\"netns\":\"4026532200\","
		"\"netns_name\":\"blue\"},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"a5\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\","
		"\"attributes\":{\"path\":\"/w\",\"container_id\":\"0123456789abcdef\"},"
		"\"in_run\":{\"accepted\":true}}]}");
	json_object *pl, *g;
	struct sbuf txt, html;

	ck_assert_ptr_nonnull(doc);
	sbuf_init(&txt);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, false, &txt), 0);
	pl = report_get(doc, "places");
	ck_assert_uint_eq(json_object_array_length(pl), 4);
	g = json_object_array_get_idx(pl, 0);
	ck_assert_str_eq(report_str(g, "kind"), "host");
	g = json_object_array_get_idx(pl, 1);
	ck_assert_str_eq(report_str(g, "name"), "<db>");
	ck_assert_int_eq(report_int(report_get(g, "counts"), "High"), 1);
	/* equal counts: by name; the accepted one is not counted */
	g = json_object_array_get_idx(pl, 2);
	ck_assert_str_eq(report_str(g, "name"), "blue");
	g = json_object_array_get_idx(pl, 3);
	ck_assert_str_eq(report_str(g, "name"), "web");
	ck_assert_int_eq(report_int(report_get(g, "counts"), "Medium"), 1);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"     0    1    0    0  container web (cri-o 0123456789ab), pod shop/web-7d, image nginx:1\n"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"     0    1    0    0  network namespace blue\n"));
	sbuf_init(&html);
	ck_assert_int_eq(report_render(doc, REPORT_HTML, false, &html), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&html),
		"<tr class=\"place\"><td>container &lt;db&gt; (podman fedcba987654)</td>"));
	sbuf_free(&txt);
	sbuf_free(&html);
	json_object_put(doc);
}
END_TEST

/*
 * What a reader looks at first: the few fields that explain each
 * finding (the rest folded), near-identical findings under what they
 * share, uids named for the host's findings only, lists as lists, and
 * the short list of what to fix first, the most severe on top.
 */
START_TEST(run_report_focus)
{
	json_object *doc = json_tokener_parse(
		"{\"report\":\"run\",\"host\":{\"hostname\":\"h\"},"
		"\"run\":{\"id\":\"R\",\"counts\":{\"High\":1,\"Medium\":3}},\"findings\":["
		"{\"id\":\"d1\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\",\"title\":\"No DEP\","
		"\"recommendation\":\"Rebuild it.\",\"last_seen\":\"2026-12-06T01:00:01Z\","
		"\"attributes\":{\"path\":\"/opt/app/a\",\"package\":\"none\",\"inode\":11,\"uid\":0,"
		"\"programs\":[\"/opt/app/a\",\"/opt/app/b\"]},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"d2\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\",\"title\":\"No DEP\","
		"\"recommendation\":\"Rebuild it.\",\"last_seen\":\"2026-12-06T01:00:02Z\","
		"\"attributes\":{\"path\":\"/opt/app/b\",\"package\":\"none\",\"inode\":12},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"d3\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\",\"title\":\"No DEP\","
		"\"recommendation\":\"Rebuild it.\",\"last_seen\":\"2026-12-06T01:00:03Z\","
		"\"attributes\":{\"path\":\"/srv/x\",\"package\":\"none\",\"uid\":0,"
		"\"container_id\":\"0123\",\"container_name\":\"web\"},\"in_run\":{\"accepted\":false}},"
		"{\"id\":\"r1\",\"rule\":\"root-process-insecure-permissions\",\"severity\":\"High\","
		"\"title\":\"Root runs changeable code\",\"recommendation\":\"chmod go-w\","
		"\"attributes\":{\"module\":\"/ww/l.so\",\"exe\":\"/opt/p\",\"directory\":\"/ww\","
		"\"reason\":\"directory is world-writable\",\"mode\":\"0755\",\"owner\":0},"
		"\"in_run\":{\"accepted\":false}}]}");
	struct sbuf txt, full, html;
	const char *t, *h;
	json_object *ff;

	ck_assert_ptr_nonnull(doc);
	sbuf_init(&txt);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, false, &txt), 0);
	t = sbuf_str(&txt);
	ff = report_get(doc, "fix_first");
	ck_assert_uint_eq(json_object_array_length(ff), 3);
	ck_assert_str_eq(report_str(json_object_array_get_idx(ff, 0),
				    "severity"), "High");
	ck_assert_str_eq(report_str(json_object_array_get_idx(ff, 1),
				    "group"), "directory /opt/app");
	ck_assert_int_eq(report_int(json_object_array_get_idx(ff, 1),
				    "findings"), 2);
	ck_assert_str_eq(report_str(json_object_array_get_idx(ff, 1),
				    "example"), "d2");
	ck_assert_ptr_nonnull(strstr(t, "Fix these first:\n  1. [High] Root runs changeable code: 1 finding, directory /ww (e.g. r1)\n     chmod go-w\n"));
	ck_assert_ptr_nonnull(strstr(t, "  2 findings, directory /opt/app:\n"));
	/* the two of /opt/app together, under their header */
	ck_assert(strstr(t, "* d1") > strstr(t, "directory /opt/app:") &&
		  strstr(t, "* d2") > strstr(t, "directory /opt/app:") &&
		  strstr(t, "* d3") > strstr(t, "* d1"));
	ck_assert_ptr_nonnull(strstr(t, "      programs           /opt/app/a, /opt/app/b\n"));
	ck_assert_ptr_nonnull(strstr(t, "      (also inode, uid: --full shows them)\n"));
	/* no mode beside a reason about the directory, unless asked */
	ck_assert_ptr_null(strstr(t, "0755"));
	sbuf_init(&full);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, true, &full), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&full), "      uid                0 (root)\n"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&full), "      owner              0 (root)\n"));
	/* a container's uid is not the host's user */
	ck_assert_ptr_nonnull(strstr(sbuf_str(&full), "      uid                0\n"));
	sbuf_init(&html);
	ck_assert_int_eq(report_render(doc, REPORT_HTML, false, &html), 0);
	h = sbuf_str(&html);
	ck_assert_ptr_nonnull(strstr(h, "<h2>Fix these first</h2>"));
	ck_assert_ptr_nonnull(strstr(h, "<tr class=\"group\"><td colspan=\"4\">2 findings, directory /opt/app</td></tr>"));
	ck_assert_ptr_nonnull(strstr(h, "<details><summary>2 more</summary>"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#f-r1\">r1</a>"));
	ck_assert_ptr_nonnull(strstr(h, "id=\"f-r1\""));
	/* the counts are drawn once, in the chart */
	ck_assert_ptr_null(strstr(h, "class=\"counts\""));
	sbuf_free(&txt);
	sbuf_free(&full);
	sbuf_free(&html);
	json_object_put(doc);
}
END_TEST

/* A run's report: grouped by rule, accepted apart, values escaped. */
START_TEST(run_report_html_and_text)
{
	json_object *doc = json_tokener_parse(
		"{\"report\":\"run\",\"generated\":\"2026-11-24T10:00:00Z\","
		"\"host\":{\"hostname\":\"h<1>\",\"machine_id\":\"ab\"},"
		"\"product\":{\"version\":\"0.1.0\"},"
		"\"run\":{\"id\":\"R1\",\"state\":\"completed\","
		"\"start\":\"2026-11-24T09:00:00Z\",\"end\":\"2026-11-24T09:00:10Z\","
		"\"duration\":10,\"accepted\":1,"
		"\"counts\":{\"High\":1,\"Medium\":1,\"Low\":0,\"Informational\":0}},"
		"\"observed\":{\"known\":true,\"flows\":5,\"listeners\":2},"
		"\"rules\":[{\"id\":\"root-process-insecure-permissions\",\"enabled\":true,\"findings\":1,\"severity\":\"High\"},"
		"{\"id\":\"software-without-dep\",\"enabled\":false,\"findings\":1,\"severity\":\"Medium\"}],"
		"\"findings\":["
		"{\"id\":\"aaaaaaaaaaaaaaaa\",\"rule\":\"software-without-dep\",\"severity\":\"Medium\",\"title\":\"T\","
		"\"recommendation\":\"R & D\",\"attributes\":{\"path\":\"/tmp/<img src=x>\"},"
		"\"acceptance\":{\"by\":\"vigilctl (uid 0)\",\"reason\":\"<i>vendor</i>\",\"until\":\"2027-03-01T00:00:00Z\"},"
		"\"in_run\":{\"accepted\":true,\"count\":2}},"
		"{\"id\":\"bbbbbbbbbbbbbbbb\",\"rule\":\"root-process-insecure-permissions\",\"severity\":\"High\",\"title\":\"U\","
		"\"attributes\":{\"exe\":\"/ww/s\",\"path\":\"/ww/s\"},\"in_run\":{\"accepted\":false,\"count\":3}}"
		"]}");
	struct sbuf html, txt;
	const char *h;

	ck_assert_ptr_nonnull(doc);
	sbuf_init(&html);
	ck_assert_int_eq(report_render(doc, REPORT_HTML, true, &html), 0);
	h = sbuf_str(&html);
	ck_assert_ptr_null(strstr(h, "<img"));
	ck_assert_ptr_null(strstr(h, "<i>"));
	ck_assert_ptr_null(strstr(h, "<script"));
	ck_assert_ptr_nonnull(strstr(h, "/tmp/&lt;img src=x&gt;"));
	ck_assert_ptr_nonnull(strstr(h, "R &amp; D"));
	ck_assert_ptr_nonnull(strstr(h, "<title>vigil report: h&lt;1&gt;, run R1</title>"));
	/* the accepted one comes after the others, under its own heading */
	ck_assert_ptr_nonnull(strstr(h, "id=\"accepted\""));
	ck_assert(strstr(h, "bbbbbbbbbbbbbbbb") < strstr(h, "id=\"accepted\""));
	ck_assert(strstr(h, "aaaaaaaaaaaaaaaa") > strstr(h, "id=\"accepted\""));
	ck_assert_ptr_nonnull(strstr(h, "<svg"));
	ck_assert_ptr_nonnull(strstr(h, "software-without-dep</code><br>"));
	sbuf_init(&txt);
	ck_assert_int_eq(report_render(doc, REPORT_TEXT, false, &txt), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"Rules:     1 of 2; off: software-without-dep enabled"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"Accepted findings (known risks, not announced): 1"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&txt),
		"accepted by vigilctl (uid 0) until 2027-03-01T00:00:00Z: <i>vendor</i>"));
	ck_assert_ptr_null(strstr(sbuf_str(&txt), "Rules and what"));
	sbuf_free(&html);
	sbuf_free(&txt);
	json_object_put(doc);
}
END_TEST

/*
 * CSV of hostile values: quotes, a newline, a formula, a byte that is
 * no ASCII, a container named like a formula; each stays inside its
 * field, and no field starts a formula.
 */
START_TEST(csv_hostile_values)
{
	json_object *f = json_tokener_parse(
		"{\"id\": \"a1\", \"severity\": \"High\", \"rule\": \"r\","
		" \"title\": \"T \\\"q\\\"\", \"status\": \"open\","
		" \"asset_key\": \"=HYPERLINK(\\\"http://x\\\")\","
		" \"attributes\": {\"program\": \"/tmp/a\\nb\\u00e9\", \"uid\": 1000,"
		" \"container_name\": \"@evil\", \"container_id\": \"c0ffee\"},"
		" \"first_seen\": \"2026-12-05T10:00:00Z\", \"count\": 3,"
		" \"host\": {\"hostname\": \"-h\", \"machine_id\": \"m\","
		" \"tags\": {\"owner\": \"team-a\", \"env\": \"prod\"}},"
		" \"tags\": {\"owner\": \"team-b\"},"
		" \"acceptance\": {\"reason\": \"x\"}}");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(csv_findings(out, &f, 1), 0);
	fclose(out);
	ck_assert_str_eq(buf,
		"id,severity,rule,title,status,asset,program,uid,container,"
		"container_id,image,first_seen,"
		"last_seen,count,accepted,hostname,machine_id,tags,recommendation\r\n"
		"\"a1\",\"High\",\"r\",\"T \"\"q\"\"\",\"open\","
		"\"'=HYPERLINK(\"\"http://x\"\")\",\"/tmp/a\\x0ab\\xc3\\xa9\","
		"\"1000\",\"'@evil\",\"c0ffee\",\"\",\"2026-12-05T10:00:00Z\",\"\",\"3\",\"yes\",\"'-h\","
		"\"m\",\"env=prod;owner=team-b\",\"\"\r\n");
	free(buf);
	json_object_put(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, fleet_three_hosts_three_formats);
	tcase_add_test(tc, fleet_by_image);
	tcase_add_test(tc, run_report_by_place);
	tcase_add_test(tc, run_report_focus);
	tcase_add_test(tc, run_report_html_and_text);
	tcase_add_test(tc, csv_hostile_values);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
