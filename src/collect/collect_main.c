// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigil-collect's start, loop and stop: one thread polls the listener,
 * the senders and a signalfd; stores what was read after each turn and
 * acknowledges it; stops reading while the store is down (the senders'
 * queues hold what comes meanwhile); on SIGTERM stores what it can,
 * tells RELP senders the session ends (they send again what was not
 * acknowledged) and says what it did.
 *
 * Usage: vigil-collect [-c FILE] [-t]
 */
#include "build.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"

#define DEFAULT_CONF "/etc/vigil/collect.conf"
#define HANDSHAKE_MS 10000
#define RETRY_MS 1000
#define STOP_MS 10000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void accept_all(struct collector *co, int lfd, SSL_CTX *ctx)
{
	struct tlsconn *t;

	while ((t = tls_accept(lfd, ctx, now_ms()))) {
		if (co->nconns >= (size_t)co->conf.max_connections) {
			collect_log("%s: over max_connections; closed",
				    t->addr);
			tls_close(t);
			continue;
		}
		t->id = ++co->next_id;
		co->conns[co->nconns++] = t;
	}
}

/* Handshakes that take too long are dropped: a sender holds no slot. */
static void expire(struct collector *co)
{
	int64_t now = now_ms();
	size_t i = 0;

	while (i < co->nconns) {
		if (!co->conns[i]->open &&
		    now - co->conns[i]->since_ms > HANDSHAKE_MS) {
			co->refused++;
			drop_conn_for(co, i, "no handshake in time; refused");
			continue;
		}
		i++;
	}
}

/* Answers waiting to be written go out (and finished sessions end). */
static void write_all(struct collector *co)
{
	size_t i;

	for (i = co->nconns; i-- > 0;)
		if (co->conns[i]->out.len)
			serve_conn(co, i, 0);
}

/* Whether an event taken over plain syslog (not RELP) is pending. */
static int unanswerable_pending(const struct collector *co)
{
	size_t i;

	for (i = 0; i < co->npending; i++)
		if (co->pending[i].state && !co->pending[i].txnr)
			return 1;
	return 0;
}

static void stop(struct collector *co)
{
	int64_t until = now_ms() + STOP_MS;
	size_t i;

	/*
	 * What RELP senders sent and was not stored they send again; what
	 * came over plain syslog is nowhere else: try the store a while.
	 */
	collect_flush(co);
	while (unanswerable_pending(co) && now_ms() < until) {
		usleep(RETRY_MS * 1000);
		collect_flush(co);
	}
	for (i = 0; i < co->nconns; i++)
		if (co->conns[i]->proto == PROTO_RELP)
			sbuf_adds(&co->conns[i]->out, "0 serverclose 0\n");
	write_all(co);
	collect_log("stopping: %lu senders admitted, %lu refused; events "
		    "stored %lu, duplicates %lu, untrusted %lu, refused by "
		    "the store %lu, not stored %zu (sent again over RELP); "
		    "runs %lu, not understood %lu", co->admitted,
		    co->refused, co->counts.stored,
		    co->counts.duplicate, co->counts.untrusted,
		    co->counts.refused, co->npending, co->runs,
		    co->not_understood);
	if (unanswerable_pending(co))
		collect_log("events taken over plain syslog (not RELP) were "
			    "not stored: the store was down");
}

static int run(struct collector *co, int lfd, SSL_CTX *ctx, int sfd)
{
	struct pollfd *p = calloc((size_t)co->conf.max_connections + 2,
				  sizeof(*p));
	int64_t retry_at = 0;
	struct sbuf err;
	size_t i;

	if (!p)
		return -1;
	sbuf_init(&err);
	for (;;) {
		/* while the store is down, senders wait in their queues */
		int reading = !co->store_down &&
			      co->npending < (size_t)co->conf.batch * 4;
		int n, held = 0;

		p[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		/*
		 * A record OpenSSL has decrypted but not handed over (a
		 * turn's reading ended at its bound) wakes no poll.
		 */
		for (i = 0; i < co->nconns; i++)
			held |= reading && co->conns[i]->open &&
				SSL_pending(co->conns[i]->ssl) > 0;
		for (i = 0; i < co->nconns; i++) {
			struct tlsconn *t = co->conns[i];

			/*
			 * Not read now and nothing to write: out of the poll,
			 * or its hang-up would wake it in a loop until the
			 * collector reads again.
			 */
			p[i + 2] = (struct pollfd){
				.fd = reading || !t->open || t->out.len ?
				      t->fd : -1,
				.events = (reading || !t->open ? POLLIN : 0) |
					  (t->out.len ? POLLOUT : 0) };
		}
		n = poll(p, co->nconns + 2, held ? 0 : 1000);
		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		/* backwards: a dropped connection takes the last one's slot */
		for (i = co->nconns; i-- > 0;)
			if (p[i + 2].revents || (reading && co->conns[i]->open &&
						 SSL_pending(co->conns[i]->ssl) > 0))
				/* a hang-up is read to its end: else poll
				 * says it again at once */
				serve_conn(co, i, reading ||
					   (p[i + 2].revents &
					    (POLLHUP | POLLERR)));
		if (p[1].revents)
			accept_all(co, lfd, ctx);
		expire(co);
		if (co->oom) {
			collect_log("out of memory");
			break;
		}
		if (co->store_down && !co->npending && now_ms() >= retry_at) {
			/* nothing held, nothing read: ask the store itself */
			if (pgstore_open(co->store, &err) == 0) {
				collect_log("store reachable again");
				co->store_down = 0;
			}
			sbuf_reset(&err);
			retry_at = now_ms() + RETRY_MS;
		}
		if (co->npending && (!co->store_down ||
				     now_ms() >= retry_at)) {
			if (collect_flush(co) < 0)
				retry_at = now_ms() + RETRY_MS;
			write_all(co);
		}
	}
	free(p);
	sbuf_free(&err);
	stop(co);
	return co->oom ? -1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: vigil-collect [-c FILE] [-t]\n"
		"  -c FILE  configuration (default %s)\n"
		"  -t       check the configuration and the TLS files, "
		"then exit\n", DEFAULT_CONF);
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONF;
	struct collector co = { 0 };
	struct sbuf err;
	SSL_CTX *ctx = NULL;
	sigset_t ss;
	int c, check = 0, lfd = -1, sfd = -1, rc = 78;

	while ((c = getopt(argc, argv, "c:th")) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 64;
	}
	sbuf_init(&err);
	if (collconf_load(path, &co.conf, &err) < 0 ||
	    !(ctx = tls_ctx_new(&co.conf, &err)))
		goto out;
	if (check) {
		printf("%s: ok\n", path);
		rc = 0;
		goto out;
	}
	rc = 71;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC);
	co.conns = calloc((size_t)co.conf.max_connections, sizeof(*co.conns));
	co.store = pgstore_new(co.conf.database);
	if (sfd < 0 || !co.conns || !co.store) {
		sbuf_printf(&err, "%s", strerror(errno));
		goto out;
	}
	if (pgstore_open(co.store, &err) < 0) {
		/* the store may come later: senders wait till it does */
		collect_log("%s; will try again", sbuf_str(&err));
		co.store_down = 1;
		sbuf_reset(&err);
	}
	lfd = tls_listen(co.conf.listen, &err);
	if (lfd < 0)
		goto out;
	collect_log("listening on %s for %zu permitted name%s, store %s",
		    co.conf.listen, co.conf.npeers,
		    co.conf.npeers == 1 ? "" : "s",
		    co.store_down ? "down" : "ready");
	rc = run(&co, lfd, ctx, sfd) < 0 ? 70 : 0;
out:
	if (err.len)
		fprintf(stderr, "vigil-collect: %s\n", sbuf_str(&err));
	while (co.nconns)
		tls_close(co.conns[--co.nconns]);
	collect_drop_pending(&co, co.npending);
	free(co.pending);
	free(co.conns);
	pgstore_free(co.store);
	SSL_CTX_free(ctx);
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	collconf_free(&co.conf);
	sbuf_free(&err);
	return rc;
}
