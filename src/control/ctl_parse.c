// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigilctl: a subcommand's options into the request (ctl.h): filters,
 * durations, report and acceptance options, each value checked here so
 * vigild is never asked something malformed.
 */
#include "build.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "control/ctl.h"
#include "core/exceptions.h"
#include "core/rulemeta.h"
#include "lib/duration.h"
#include "report/report.h"

static int bad_value(const char *what, const char *v, const char *hint)
{
	fputs("vigilctl: '", stderr);
	ctl_put_escaped(stderr, v, 0);
	fprintf(stderr, "' is not a %s (%s)\n", what, hint);
	return -1;
}

int ctl_parse_sub(int argc, char **argv, struct ctl *c, json_object *req,
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
		{ "since", required_argument, NULL, 'i' },
		{ "program", required_argument, NULL, 'p' },
		{ "container", required_argument, NULL, 'K' },
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
		case 'i':	/* --since: findings seen since */
			if (!(allow & SUB_FILTERS))
				return -1;
			if (acceptance_parse_until(optarg, &t) < 0)
				return bad_value("date", optarg,
						 "2027-03-01 or 2027-03-01T12:00:00Z");
			json_object_object_add(req, "since",
					       json_object_new_string(optarg));
			break;
		case 'p':
			if (!(allow & SUB_FILTERS))
				return -1;
			if (!*optarg || strlen(optarg) > 4096)
				return bad_value("program", optarg,
						 "a path, or a program's name");
			json_object_object_add(req, "program",
					       json_object_new_string(optarg));
			break;
		case 'K':
			if (!(allow & SUB_FILTERS))
				return -1;
			if (!*optarg || strlen(optarg) > 255)
				return bad_value("container", optarg,
						 "a container's name or id");
			json_object_object_add(req, "container",
					       json_object_new_string(optarg));
			break;
		case 'u':	/* accept's end, or findings seen until */
			if (!(allow & (SUB_ACCEPT | SUB_FILTERS)))
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
