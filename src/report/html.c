// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pieces every HTML report is made of (html.h): the page's head and
 * styles, escaping, severity classes and the inline SVG chart.
 */
#include "build.h"

#include "report/html.h"
#include "report/report.h"

static const char *const colours[4] = {
	"#b3261e", "#c26a00", "#2f6db5", "#6b6b6b",
};

/* A severity as a class name: one of the four, never host text. */
const char *html_sev(const char *s)
{
	int i = report_severity_rank(s);

	return i < 4 ? report_severities[i] : "Unknown";
}

/* Text into HTML element content or a quoted attribute value. */
void html_esc(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sbuf_adds(out, "&amp;");
			break;
		case '<':
			sbuf_adds(out, "&lt;");
			break;
		case '>':
			sbuf_adds(out, "&gt;");
			break;
		case '"':
			sbuf_adds(out, "&quot;");
			break;
		case '\'':
			sbuf_adds(out, "&#39;");
			break;
		default:
			sbuf_addc(out, *s);
		}
	}
}

void html_tag(struct sbuf *out, const char *open, const char *text,
	      const char *close)
{
	sbuf_adds(out, open);
	html_esc(out, text);
	sbuf_adds(out, close);
}

void html_head(struct sbuf *out, const char *title)
{
	sbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		  "<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width\">\n"
		  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
	html_tag(out, "<title>", title, "</title>\n");
	sbuf_adds(out, "<style>\n"
		  "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:78em;padding:0 1em;color:#1b1b1b}\n"
		  "h1{font-size:1.6em;margin:0 0 .4em}h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid #ccc}\n"
		  "h3{font-size:1.05em;margin:1.2em 0 .3em}\n"
		  "table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
		  "th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e3e3e3}\n"
		  "th{background:#f4f4f4}td.n{text-align:right}\n"
		  "code,.mono{font-family:ui-monospace,monospace;font-size:.92em;overflow-wrap:anywhere}\n"
		  "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:0}\n"
		  "dl.meta dt{font-weight:600}dl.meta dd{margin:0}\n"
		  ".sev{display:inline-block;padding:0 .45em;border-radius:3px;color:#fff;font-size:.85em}\n"
		  ".High{background:#b3261e}.Medium{background:#c26a00}.Low{background:#2f6db5}.Informational{background:#6b6b6b}\n"
		  ".rec{background:#f7f7f2;border-left:3px solid #999;padding:.3em .7em;margin:.3em 0}\n"
		  ".accepted{color:#555}table.ev{width:auto;margin:.2em 0 0;font-size:.88em}table.ev th,table.ev td{background:none;border:0;padding:0 .9em 0 0;font-weight:normal}table.ev th{color:#555;font-family:ui-monospace,monospace;white-space:nowrap}\n"
		  "tr.group td{background:#fafafa;font-weight:600;color:#333}ol.first li{margin:.35em 0}\n"
		  "details{font-size:.88em;color:#555}details summary{cursor:pointer}\n"
		  "footer{margin-top:2em;color:#666;font-size:.85em}\n"
		  "@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}tr{break-inside:avoid}}\n"
		  "</style>\n</head>\n<body>\n");
}

/* The severity counts as a horizontal bar chart, drawn inline. */
void html_svg_counts(struct sbuf *out, const int n[4], int accepted)
{
	int i, max = 1;

	for (i = 0; i < 4; i++)
		if (n[i] > max)
			max = n[i];
	sbuf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"420\" height=\"112\" viewBox=\"0 0 420 112\" aria-labelledby=\"sevtitle\">\n"
		  "<title id=\"sevtitle\">Findings by severity</title>\n");
	for (i = 0; i < 4; i++) {
		int w = n[i] * 260 / max;

		sbuf_printf(out, "<text x=\"0\" y=\"%d\" font-size=\"13\" font-family=\"sans-serif\">%s</text>\n",
			    18 + i * 26, report_severities[i]);
		sbuf_printf(out, "<rect x=\"110\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>\n",
			    5 + i * 26, w ? w : 1, colours[i]);
		sbuf_printf(out, "<text class=\"count\" x=\"%d\" y=\"%d\" font-size=\"13\" font-family=\"sans-serif\">%d</text>\n",
			    116 + w, 18 + i * 26, n[i]);
	}
	sbuf_adds(out, "</svg>\n");
	if (accepted)
		sbuf_printf(out, "<p class=\"accepted\">%d of these accepted (known risks, not announced).</p>\n",
			    accepted);
}
