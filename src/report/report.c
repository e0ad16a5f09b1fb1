// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A report document rendered in the format asked for: the places and
 * "fix these first" added, then handed to the text or HTML renderer.
 * What the renderers share is in report_parts.c.
 */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonutil.h"
#include "report/report.h"

int report_format_parse(const char *s, enum report_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = REPORT_TEXT;
	else if (!strcmp(s, "html"))
		*fmt = REPORT_HTML;
	else if (!strcmp(s, "json"))
		*fmt = REPORT_JSON;
	else
		return -1;
	return 0;
}

int report_render(json_object *doc, enum report_format fmt, bool full,
		  struct sbuf *out)
{
	const char *kind = report_str(doc, "report");
	bool fleet = !strcmp(kind, "fleet");

	if (!fleet && strcmp(kind, "run")) {
		sbuf_adds(out, "not a vigil report document");
		return -1;
	}
	if (!fleet && (report_add_places(doc) < 0 ||
		       report_add_first(doc) < 0))
		return -1;
	switch (fmt) {
	case REPORT_JSON:
		if (json_dump(doc, JSON_C_TO_STRING_PRETTY |
			      JSON_C_TO_STRING_NOSLASHESCAPE, out) < 0)
			return -1;
		sbuf_addc(out, '\n');
		return sbuf_failed(out) ? -1 : 0;
	case REPORT_HTML:
		return fleet ? report_fleet_html(doc, out) :
			       report_run_html(doc, full, out);
	default:
		return fleet ? report_fleet_text(doc, out) :
			       report_run_text(doc, full, out);
	}
}
