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

/*
 * A new key of a row's state: the names are constants, not copied (a
 * fleet's store is a hundred thousand rows and more).
 */
static void put(json_object *st, const char *key, json_object *v)
{
	json_object_object_add_ex(st, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
				  JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/*
 * One row as fleet_read.c keeps a line's finding; NULL: not understood.
 * tok is reused: a new tokener per row cost a fifth of the report.
 */
static json_object *row_state(PGresult *r, json_tokener *tok)
{
	const struct rule_meta *m = rule_meta_by_name(PQgetvalue(r, 0, 3));
	json_object *st, *attrs = NULL;

	if (!m)
		return NULL;
	if (!PQgetisnull(r, 0, 8)) {
		json_tokener_reset(tok);
		attrs = json_tokener_parse_ex(tok, PQgetvalue(r, 0, 8),
					      PQgetlength(r, 0, 8));
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
	put(st, "id", json_object_new_string(PQgetvalue(r, 0, 0)));
	put(st, "machine_id", json_object_new_string(PQgetvalue(r, 0, 1)));
	put(st, "hostname", json_object_new_string(PQgetvalue(r, 0, 2)));
	put(st, "rule", json_object_new_string(m->id));
	put(st, "severity", json_object_new_string(severity_name(m->severity)));
	if (!PQgetisnull(r, 0, 4))
		put(st, "fingerprint",
		    json_object_new_string(PQgetvalue(r, 0, 4)));
	put(st, "asset_key", json_object_new_string(PQgetvalue(r, 0, 5)));
	put(st, "event", json_object_new_string(PQgetvalue(r, 0, 6)));
	put(st, "time", json_object_new_int64(strtoll(PQgetvalue(r, 0, 7),
						      NULL, 10)));
	if (attrs)
		put(st, "attributes", attrs);
	return st;
}

int ctl_fleet_read_pg(struct fleet *fl, const char *uri, struct sbuf *err)
{
	unsigned long rows = 0, skipped = 0;
	int oom = 0;
	PGconn *pg = PQconnectdb(uri);
	json_tokener *tok = json_tokener_new();
	struct sbuf name;
	PGresult *r;
	int rc = -1;

	sbuf_init(&name);
	source_name(uri, &name);
	if (!tok) {
		sbuf_printf(err, "out of memory");
		goto out;
	}
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
			json_object *st = row_state(r, tok);
			int k = st ? fleet_add_final(fl, st) : 1;

			/* the store has each finding once, as it stands */
			rows++;
			skipped += k != 0;
			oom |= k < 0;
		} else if (s != PGRES_TUPLES_OK) {
			PQclear(r);
			while ((r = PQgetResult(pg)))
				PQclear(r);
			goto pg_error;
		}
		PQclear(r);
	}
	if (oom) {
		sbuf_printf(err, "%s: out of memory", sbuf_str(&name));
		goto out;
	}
	fleet_source(fl, sbuf_str(&name), "findings", rows, skipped);
	rc = 0;
	goto out;
pg_error:
	sbuf_printf(err, "%s: %.*s", sbuf_str(&name),
		    (int)strcspn(PQerrorMessage(pg), "\n"), PQerrorMessage(pg));
out:
	json_tokener_free(tok);
	PQfinish(pg);
	sbuf_free(&name);
	return rc;
}
