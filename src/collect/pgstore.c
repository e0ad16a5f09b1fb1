// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fleet store in PostgreSQL, through libpq: each batch of finding
 * events is one statement, one transaction, handed to the schema's
 * vigil.ingest_batch() (examples/postgresql/vigil-fleet.sql), which
 * keeps the events, checks their senders and updates the findings in
 * place.  The
 * events go as one JSON parameter: nothing from the network is ever
 * part of the SQL text.
 */
#include "build.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/pgstore.h"

struct pgstore {
	char *conninfo;
	PGconn *conn;
	time_t partitions_at;
};

static const char put_sql[] =
	"SELECT result, n FROM vigil.ingest_batch($1::jsonb)";

struct pgstore *pgstore_new(const char *conninfo)
{
	struct pgstore *s = calloc(1, sizeof(*s));

	if (s && !(s->conninfo = strdup(conninfo))) {
		free(s);
		s = NULL;
	}
	return s;
}

static void drop(struct pgstore *s)
{
	PQfinish(s->conn);
	s->conn = NULL;
}

void pgstore_free(struct pgstore *s)
{
	if (!s)
		return;
	drop(s);
	free(s->conninfo);
	free(s);
}

/* libpq's message, on one line. */
static void pg_error(struct sbuf *err, const char *what, const char *msg)
{
	size_t n = strcspn(msg, "\n");

	sbuf_printf(err, "%s: %.*s", what, (int)n, msg);
}

static int simple(struct pgstore *s, const char *sql, struct sbuf *err)
{
	PGresult *r = PQexec(s->conn, sql);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK ||
		 PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		pg_error(err, "store", PQerrorMessage(s->conn));
	PQclear(r);
	return ok ? 0 : -1;
}

int pgstore_open(struct pgstore *s, struct sbuf *err)
{
	static const char *const keys[] = {
		"dbname", "connect_timeout", "application_name", NULL
	};
	const char *vals[] = { s->conninfo, "5", "vigil-collect", NULL };
	time_t now = time(NULL);
	PGresult *r;

	if (s->conn && PQstatus(s->conn) != CONNECTION_OK)
		drop(s);
	if (!s->conn) {
		s->conn = PQconnectdbParams(keys, vals, 1);
		if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
			pg_error(err, "store", s->conn ?
				 PQerrorMessage(s->conn) : "out of memory");
			drop(s);
			return -1;
		}
		r = PQexec(s->conn, "SELECT to_regproc('vigil.ingest_batch')");
		if (PQresultStatus(r) != PGRES_TUPLES_OK ||
		    PQgetisnull(r, 0, 0)) {
			sbuf_printf(err, "store: no vigil schema in this "
				    "database; apply vigil-fleet.sql first");
			PQclear(r);
			drop(s);
			return -1;
		}
		PQclear(r);
		/* "already exists, skipping" is not worth a line each hour */
		if (simple(s, "SET client_min_messages = warning", err) < 0) {
			drop(s);
			return -1;
		}
		s->partitions_at = 0;
	}
	if (now - s->partitions_at >= 3600) {
		if (simple(s, "SELECT vigil.partitions(now())", err) < 0) {
			drop(s);
			return -1;
		}
		s->partitions_at = now;
	}
	return 0;
}

/* The batch as the statement's one parameter. */
static char *batch_json(const struct pgitem *items, size_t n, size_t *k)
{
	json_object *a = json_object_new_array_ext((int)n);
	char *out = NULL;
	size_t i;

	if (!a)
		return NULL;
	for (*k = i = 0; i < n; i++) {
		json_object *e;

		if (!items[i].state)
			continue;
		e = json_object_new_object();
		++*k;
		if (!e || json_object_array_add(a, e) < 0) {
			json_object_put(e);
			goto out;
		}
		json_object_object_add(e, "peer",
				       json_object_new_string(items[i].peer));
		json_object_object_add(e, "line",
				       json_object_new_string(items[i].line));
		json_object_object_add(e, "state",
				       json_object_get(items[i].state));
	}
	out = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(a);
	return out;
}

/* Whether the failure is the connection's: try again later. */
static int connection_lost(struct pgstore *s, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return PQstatus(s->conn) != CONNECTION_OK || !state ||
	       !strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
	       !strcmp(state, "53300");
}

static int put(struct pgstore *s, const struct pgitem *items, size_t n,
	       struct pgcounts *c, struct sbuf *err, int *data_error)
{
	size_t k;
	char *param = batch_json(items, n, &k);
	const char *params[1] = { param };
	PGresult *r;
	int i, rows;

	*data_error = 0;
	if (!param) {
		sbuf_printf(err, "store: out of memory");
		return -1;
	}
	if (!k) {
		free(param);
		return 0;	/* nothing the store keeps */
	}
	r = PQexecParams(s->conn, put_sql, 1, NULL, params, NULL, NULL, 0);
	free(param);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_error(err, "store", PQerrorMessage(s->conn));
		*data_error = !connection_lost(s, r);
		PQclear(r);
		if (!*data_error)
			drop(s);
		return -1;
	}
	rows = PQntuples(r);
	for (i = 0; i < rows; i++) {
		const char *what = PQgetvalue(r, i, 0);
		unsigned long got = strtoul(PQgetvalue(r, i, 1), NULL, 10);

		if (!strcmp(what, "stored"))
			c->stored += got;
		else if (!strcmp(what, "duplicate"))
			c->duplicate += got;
		else
			c->untrusted += got;
	}
	PQclear(r);
	return 0;
}

int pgstore_put(struct pgstore *s, const struct pgitem *items, size_t n,
		struct pgcounts *c, struct sbuf *err)
{
	int data_error;
	size_t i;

	for (i = 0; i < n && !items[i].state; i++)
		;
	if (i == n)
		return 0;
	if (pgstore_open(s, err) < 0)
		return -1;
	if (put(s, items, n, c, err, &data_error) == 0)
		return 0;
	if (!data_error)
		return -1;
	/*
	 * The store refused the batch for what one event holds: store them
	 * one by one so that one bad event does not hold up the rest.
	 */
	sbuf_reset(err);
	for (i = 0; i < n; i++) {
		struct sbuf one;

		sbuf_init(&one);
		if (put(s, items + i, 1, c, &one, &data_error) < 0) {
			if (!data_error) {
				sbuf_free(&one);
				return -1;
			}
			c->refused++;
			if (!err->len)
				sbuf_printf(err, "from %s: %s", items[i].peer,
					    sbuf_str(&one));
		}
		sbuf_free(&one);
	}
	return 0;
}
