/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_REPORT_HTML_H
#define VIGIL_REPORT_HTML_H

/* Shared by the HTML renderers (html.c); nothing else includes it. */
#include "lib/sbuf.h"

/* A severity as a class name: one of the four, never host text. */
const char *html_sev(const char *s);
/* Text into HTML element content or a quoted attribute value. */
void html_esc(struct sbuf *out, const char *s);
/* open, then text escaped, then close. */
void html_tag(struct sbuf *out, const char *open, const char *text,
	      const char *close);
/* The document up to <body>: strict CSP, no script, print styles. */
void html_head(struct sbuf *out, const char *title);
/* The severity counts as a horizontal bar chart, drawn inline. */
void html_svg_counts(struct sbuf *out, const int n[4], int accepted);

#endif
