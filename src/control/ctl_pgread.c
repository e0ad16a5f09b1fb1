// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigilctl report --from postgresql://...: the fleet report from the
 * store vigil-collect fills (examples/postgresql/vigil-fleet.sql).  Each
 * row of vigil.findings is a finding's current state, read in libpq's
 * single-row mode (a fleet's store need not fit in memory twice) and
 * kept as report/fleet_read.c keeps a line's.  Rows are checked as lines
 * are: an unknown rule or a malformed id is not understood.
 */
#include "build.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl.h"
#include "core/rulemeta.h"
#include "lib/jsonutil.h"
#include "report/report.h"

static const char query[] =
	"SELECT id, machine_id, hostname, rule, fingerprint, asset_key, "
	"status, extract(epoch FROM last_seen)::bigint, attributes::text "
	"FROM vigil.findings";

int ctl_is_pg_source(const char *s)
{
	return !strncmp(s, "postgresql://", 13) ||
	       !strncmp(s, "postgres://", 11);
}

/* The source as the report names it: no user or password. */
static void source_name(const char *uri, struct sbuf *out)
{
	const char *rest = strstr(uri, "://") + 3;
	const char *at = strchr(rest, '@');
	const char *slash = strchr(rest, '/');

	sbuf_addn(out, uri, (size_t)(rest - uri));
	if (at && (!slash || at < slash))
		rest = at + 1;
	sbuf_addn(out, rest, strcspn(rest, "?"));
}

/* One row as fleet_read.c keeps a line's finding; NULL: not understood. */
static json_object *row_state(PGresult *r)
{
	const struct rule_meta *m = rule_meta_by_name(PQgetvalue(r, 0, 3));
	json_object *st, *attrs = NULL;

	if (!m)
		return NULL;
	if (!PQgetisnull(r, 0, 8)) {
		attrs = json_tokener_parse(PQgetvalue(r, 0, 8));
		if (attrs && !json_object_is_type(attrs, json_type_object)) {
			json_object_put(attrs);
			return NULL;
		}
	}
	st = json_object_new_object();
	if (!st) {
		json_object_put(attrs);
		return NULL;
	}
	json_add_str(st, "id", PQgetvalue(r, 0, 0));
	json_add_str(st, "machine_id", PQgetvalue(r, 0, 1));
	json_add_str(st, "hostname", PQgetvalue(r, 0, 2));
	json_add_str(st, "rule", m->id);
	json_add_str(st, "severity", severity_name(m->severity));
	if (!PQgetisnull(r, 0, 4))
		json_add_str(st, "fingerprint", PQgetvalue(r, 0, 4));
	json_add_str(st, "asset_key", PQgetvalue(r, 0, 5));
	json_add_str(st, "event", PQgetvalue(r, 0, 6));
	json_object_object_add(st, "time", json_object_new_int64(
				       strtoll(PQgetvalue(r, 0, 7), NULL, 10)));
	if (attrs)
		json_object_object_add(st, "attributes", attrs);
	return st;
}

int ctl_fleet_read_pg(struct fleet *fl, const char *uri, struct sbuf *err)
{
	unsigned long rows = 0, skipped = 0;
	PGconn *pg = PQconnectdb(uri);
	struct sbuf name;
	PGresult *r;
	int rc = -1;

	sbuf_init(&name);
	source_name(uri, &name);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		sbuf_printf(err, "%s: %.*s", sbuf_str(&name),
			    pg ? (int)strcspn(PQerrorMessage(pg), "\n") : 13,
			    pg ? PQerrorMessage(pg) : "out of memory");
		goto out;
	}
	if (!PQsendQuery(pg, query) || !PQsetSingleRowMode(pg))
		goto pg_error;
	while ((r = PQgetResult(pg))) {
		ExecStatusType s = PQresultStatus(r);

		if (s == PGRES_SINGLE_TUPLE) {
			json_object *st = row_state(r);

			rows++;
			if (!st || fleet_add_state(fl, st) < 0)
				skipped++;
		} else if (s != PGRES_TUPLES_OK) {
			PQclear(r);
			while ((r = PQgetResult(pg)))
				PQclear(r);
			goto pg_error;
		}
		PQclear(r);
	}
	fleet_source(fl, sbuf_str(&name), "findings", rows, skipped);
	rc = 0;
	goto out;
pg_error:
	sbuf_printf(err, "%s: %.*s", sbuf_str(&name),
		    (int)strcspn(PQerrorMessage(pg), "\n"), PQerrorMessage(pg));
out:
	PQfinish(pg);
	sbuf_free(&name);
	return rc;
}
