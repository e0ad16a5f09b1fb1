// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What vigil-collect does with what its senders send.  Each connection
 * speaks RELP (what omrelp sends: every message acknowledged) or syslog
 * over TLS (RFC 5425: omfwd), known from its first bytes.  Each message
 * is read as the fleet report reads a line (report/fleet_read.c), queued
 * with the name of the certificate that sent it, stored in batches
 * (pgstore.c), and only then acknowledged: a RELP sender sends again
 * whatever was not, so a stop, a crash or a store outage loses nothing.
 */
#include "build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "collect/relp.h"
#include "lib/utf8.h"
#include "report/report.h"

void collect_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write: a line is never cut by another's */
	fprintf(stderr, "vigil-collect: %s\n", line);
}

/* Queue one message of t's; state NULL: only to be acknowledged. */
static int queue(struct collector *co, struct tlsconn *t, unsigned long txnr,
		 const char *line, json_object *state)
{
	struct pgitem *it;
	struct sbuf esc;

	if (co->npending == co->cap) {
		size_t cap = co->cap ? co->cap * 2 : 1024;
		struct pgitem *p = realloc(co->pending, cap * sizeof(*p));

		if (!p)
			goto fail;
		co->pending = p;
		co->cap = cap;
	}
	it = &co->pending[co->npending];
	memset(it, 0, sizeof(*it));
	if (state) {
		/* the line as stored is valid UTF-8 whatever was sent */
		sbuf_init(&esc);
		utf8_escape_once(&esc, line, strlen(line));
		it->line = esc.failed ? NULL : strdup(sbuf_str(&esc));
		sbuf_free(&esc);
		it->peer = strdup(t->peer);
		if (!it->line || !it->peer) {
			free(it->line);
			free(it->peer);
			goto fail;
		}
	}
	it->state = state;
	it->conn = t->id;
	it->txnr = txnr;
	co->npending++;
	return 0;
fail:
	json_object_put(state);
	co->oom = 1;
	return -1;
}

/* One syslog message (m, n) from t, in RELP transaction txnr or none. */
static void message(struct collector *co, struct tlsconn *t,
		    unsigned long txnr, const char *m, size_t n)
{
	struct syslog_parts sp;
	json_object *st = NULL;
	char *line = NULL;
	int r = -1;

	if (syslog_split(m, n, &sp) == 0 && sp.app_len == 6 &&
	    !memcmp(sp.app, "vigild", 6) && !memchr(sp.msg, '\0', sp.msg_len)) {
		line = strndup(sp.msg, sp.msg_len);
		if (!line) {
			co->oom = 1;
			return;
		}
		r = fleet_parse_line(line, &st);
	}
	if (r == 1)
		co->runs++;
	else if (r < 0)
		co->not_understood++;
	if (r == -ENOMEM)
		co->oom = 1;
	else if (r == 0 || txnr)
		queue(co, t, txnr, line, r == 0 ? st : NULL);
	free(line);
}

/* RELP frames out of t's buffer; -1 when t is to be dropped. */
static int relp_frames(struct collector *co, struct tlsconn *t, size_t *off,
		       struct sbuf *err)
{
	struct relp_frame f;
	ssize_t r;

	while ((r = relp_frame_next(t->buf + *off, t->len - *off, FRAME_MAX,
				    &f)) > 0) {
		*off += (size_t)r;
		if (!strcmp(f.cmd, "syslog")) {
			if (f.txnr)
				message(co, t, f.txnr, f.data, f.datalen);
		} else if (!strcmp(f.cmd, "open")) {
			relp_rsp(&t->out, f.txnr, 200, "OK",
				 "relp_version=0\nrelp_software=vigil-collect,"
				 VERSION "\ncommands=syslog");
		} else if (!strcmp(f.cmd, "close")) {
			relp_rsp(&t->out, f.txnr, 0, NULL, NULL);
			t->closing = 1;
		} else {
			relp_rsp(&t->out, f.txnr, 500, "command not supported",
				 NULL);
		}
	}
	if (r < 0)
		sbuf_printf(err, "not RELP; dropped");
	return r < 0 ? -1 : 0;
}

/* Whole frames out of t's buffer.  -1: the sender broke the framing. */
static int frames(struct collector *co, struct tlsconn *t, struct sbuf *err)
{
	size_t off = 0;
	ssize_t r = 0;

	if (t->proto == PROTO_UNKNOWN && t->len) {
		r = relp_starts(t->buf, t->len);
		if (r < 0)
			return 0;
		t->proto = r ? PROTO_RELP : PROTO_SYSLOG;
	}
	if (t->proto == PROTO_RELP) {
		r = relp_frames(co, t, &off, err);
	} else {
		while (off < t->len) {
			const char *m;
			size_t n;

			r = frame_next(t->buf + off, t->len - off, &m, &n);
			if (r <= 0)
				break;
			message(co, t, 0, m, n);
			off += (size_t)r;
		}
		if (r < 0)
			sbuf_printf(err, "not syslog framing; dropped");
	}
	if (off) {
		memmove(t->buf, t->buf + off, t->len - off);
		t->len -= off;
	}
	tls_idle(t);
	return r < 0 ? -1 : 0;
}

void drop_conn_for(struct collector *co, size_t i, const char *why)
{
	struct tlsconn *t = co->conns[i];

	if (why && *why)
		collect_log("%s%s%s: %s", t->addr, t->peer[0] ? " " : "",
			    t->peer, why);
	tls_close(t);
	co->conns[i] = co->conns[--co->nconns];
}

int serve_conn(struct collector *co, size_t i, int reading)
{
	struct tlsconn *t = co->conns[i];
	struct sbuf err;
	int r = 0;

	sbuf_init(&err);
	if (!t->open) {
		r = tls_handshake(t, &co->conf, &err);
		if (r < 0) {
			co->refused++;
			sbuf_printf(&err, "; refused");
			goto drop;
		}
		if (r == 0)
			goto out;
		co->admitted++;
		collect_log("%s %s: admitted", t->addr, t->peer);
	}
	/* a sender writing without pause is read a bounded batch a turn */
	while (reading && !t->closing &&
	       co->npending < (size_t)co->conf.batch * 4) {
		r = tls_read(t, &err);
		if (frames(co, t, &err) < 0)
			goto drop;
		if (r < 0 || (r == 0 && SSL_pending(t->ssl) <= 0))
			break;
	}
	if (r < 0)
		goto drop;
	if (tls_flush(t, &err) < 0)
		goto drop;
	if (t->closing && !t->out.len)
		goto drop;
out:
	sbuf_free(&err);
	return 0;
drop:
	drop_conn_for(co, i, sbuf_str(&err));
	sbuf_free(&err);
	return -1;
}

static struct tlsconn *conn_by_id(struct collector *co, uint64_t id)
{
	size_t i;

	for (i = 0; i < co->nconns; i++)
		if (co->conns[i]->id == id)
			return co->conns[i];
	return NULL;
}

/* The RELP answers to the first n pending, now stored. */
static void acknowledge(struct collector *co, size_t n)
{
	struct tlsconn *t = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pgitem *it = &co->pending[i];

		if (!it->txnr)
			continue;
		if (!t || t->id != it->conn)
			t = conn_by_id(co, it->conn);
		/* gone: the sender sends it again on its next session */
		if (t)
			relp_rsp(&t->out, it->txnr, 200, "OK", NULL);
	}
}

int collect_flush(struct collector *co)
{
	size_t done = 0;
	struct sbuf err;
	int r = 0;

	sbuf_init(&err);
	while (done < co->npending) {
		size_t n = co->npending - done;
		struct pgcounts before = co->counts;

		if (n > (size_t)co->conf.batch)
			n = (size_t)co->conf.batch;
		sbuf_reset(&err);
		r = pgstore_put(co->store, co->pending + done, n, &co->counts,
				&err);
		if (r < 0) {
			if (!co->store_down)
				collect_log("%s; holding %zu events, senders "
					    "wait", sbuf_str(&err),
					    co->npending - done);
			co->store_down = 1;
			break;
		}
		if (co->counts.refused > before.refused)
			collect_log("%lu events refused by the store, %s",
				    co->counts.refused - before.refused,
				    sbuf_str(&err));
		if (co->counts.untrusted > before.untrusted)
			collect_log("%lu events naming another host than "
				    "their sender's certificate (by name or "
				    "machine-id): kept as untrusted",
				    co->counts.untrusted - before.untrusted);
		done += n;
	}
	if (r == 0 && co->store_down) {
		collect_log("store reachable again");
		co->store_down = 0;
	}
	acknowledge(co, done);
	collect_drop_pending(co, done);
	sbuf_free(&err);
	return r;
}

void collect_drop_pending(struct collector *co, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(co->pending[i].peer);
		free(co->pending[i].line);
		json_object_put(co->pending[i].state);
	}
	memmove(co->pending, co->pending + n,
		(co->npending - n) * sizeof(*co->pending));
	co->npending -= n;
}
