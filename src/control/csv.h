/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_CSV_H
#define VIGIL_CONTROL_CSV_H

#include <json-c/json.h>
#include <stdio.h>

/*
 * Findings (finding objects, as vigilctl findings --json gives them)
 * as CSV for a spreadsheet or a ticket (Inspector's export): RFC 4180
 * (CRLF, every field quoted, quotes doubled), a header row, one row a
 * finding.  Host strings are escaped as in vigilctl's tables
 * (printable ASCII, any other byte as \xNN), and a field a spreadsheet would take for a
 * formula (=, +, -, @, tab, CR first) gets a leading apostrophe: a file
 * named "=HYPERLINK(...)" stays text.  Returns 0, or -1 when out could
 * not be written.
 */
int csv_findings(FILE *out, json_object *const *v, size_t n);

#endif
