/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_COLLECT_TLSSERVE_H
#define VIGIL_COLLECT_TLSSERVE_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collconf.h"
#include "collect/frame.h"
#include "lib/sbuf.h"

/* A frame's header and its longest message. */
#define TLSCONN_BUF_MAX (FRAME_MAX + 64)

/* What a connection speaks, known from its first bytes. */
enum tlsconn_proto { PROTO_UNKNOWN, PROTO_RELP, PROTO_SYSLOG };

/* One sender's connection. */
struct tlsconn {
	int fd;
	SSL *ssl;
	uint64_t id;		/* never reused: pending events name it */
	int open;		/* the handshake is done and the peer admitted */
	enum tlsconn_proto proto;
	int closing;		/* close once out is written */
	struct sbuf out;	/* RELP responses not yet written */
	int64_t since_ms;
	char addr[64];		/* "address:port", for messages */
	char peer[256];		/* the admitted certificate name */
	char *buf;		/* what came, not yet a whole frame */
	size_t len, cap;	/* cap grows by need to TLSCONN_BUF_MAX */
};

/*
 * A TLS server context: TLS 1.2 or later, this certificate and key, and
 * a client certificate required, checked against the CA.  NULL with why
 * in err.
 */
SSL_CTX *tls_ctx_new(const struct collconf *c, struct sbuf *err);

/* A listening socket on "ADDRESS:PORT" ("[V6]:PORT"); -1 with err. */
int tls_listen(const char *where, struct sbuf *err);

/* Accept one connection; NULL when none is waiting (or out of memory). */
struct tlsconn *tls_accept(int lfd, SSL_CTX *ctx, int64_t now_ms);
void tls_close(struct tlsconn *t);

/*
 * Go on with the handshake.  Returns 1 once done and the peer's
 * certificate names a permitted peer (t->peer set), 0 while it needs
 * more bytes, -1 when the peer is refused (why in err).
 */
int tls_handshake(struct tlsconn *t, const struct collconf *c,
		  struct sbuf *err);

/*
 * Read what has come into t->buf.  Returns 1 when bytes were added, 0
 * when none are waiting (or the buffer is full: its frames first), -1
 * at the end or on an error (closed: why in err, empty at a clean end).
 */
int tls_read(struct tlsconn *t, struct sbuf *err);

/*
 * Write what t->out holds, as far as the socket takes it.  Returns 0
 * (what is left waits for POLLOUT), or -1 on an error (why in err).
 */
int tls_flush(struct tlsconn *t, struct sbuf *err);

/*
 * Give back t's read buffer when it holds nothing: a thousand idle
 * senders keep no 64 KiB each.
 */
void tls_idle(struct tlsconn *t);

#endif
