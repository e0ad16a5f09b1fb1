// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A collector's file, as "vigilctl report --from" reads it: any host may
 * have sent any line.  Read, reported, and drawn as text and HTML; the
 * HTML may hold no tag made of the input.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "r");
	struct fleet *fl = fleet_new();
	json_object *doc = NULL;
	struct sbuf err, out;

	sbuf_init(&err);
	sbuf_init(&out);
	if (!in || !fl || !size)
		goto out;
	if (fleet_read(fl, in, "fuzz", &err) < 0)
		goto out;
	doc = fleet_report(fl);
	if (!doc)
		goto out;
	report_render(doc, REPORT_TEXT, false, &out);
	sbuf_reset(&out);
	report_render(doc, REPORT_JSON, false, &out);
	sbuf_reset(&out);
	if (report_render(doc, REPORT_HTML, false, &out) == 0 &&
	    (strstr(sbuf_str(&out), "<script") || strstr(sbuf_str(&out),
							 "<img")))
		abort();	/* host text became markup */
out:
	if (in)
		fclose(in);
	json_object_put(doc);
	fleet_free(fl);
	sbuf_free(&err);
	sbuf_free(&out);
	return 0;
}
