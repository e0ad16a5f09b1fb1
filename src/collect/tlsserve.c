// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The collector's side of syslog over TLS (RFC 5425) with OpenSSL: a
 * client certificate is required and checked against the fleet's CA,
 * and the name it is issued to (subjectAltName DNS, or the common name
 * when it has none) must be a permitted peer.  That name, not what a
 * message says, is who sent it.  Sockets are non-blocking; the caller
 * polls.
 */
#include "build.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect/tlsserve.h"

static void ssl_error(struct sbuf *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	sbuf_printf(err, "%s: %s", what, e ? buf : strerror(errno));
	ERR_clear_error();
}

SSL_CTX *tls_ctx_new(const struct collconf *c, struct sbuf *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		ssl_error(err, "TLS");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* a sender that closes without close_notify has just ended */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->certificate) != 1) {
		ssl_error(err, c->certificate);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ssl_error(err, c->key);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, c->ca, NULL) != 1) {
		ssl_error(err, c->ca);
		goto fail;
	}
	/* no certificate, or one the CA did not sign: no session */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int tls_listen(const char *where, struct sbuf *err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	const char *colon = strrchr(where, ':');
	char host[128];
	size_t hl = colon ? (size_t)(colon - where) : 0;
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	int fd, one = 1;

	if (!colon || hl >= sizeof(host) || port < 1 || port > 65535)
		goto bad;
	memcpy(host, where, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			goto bad;
	} else {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
			goto bad;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET ?
		 sizeof(*in4) : sizeof(*in6)) < 0 || listen(fd, 128) < 0) {
		sbuf_printf(err, "listen on %s: %s", where, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
bad:
	sbuf_printf(err, "listen: %s is not ADDRESS:PORT", where);
	return -1;
}

struct tlsconn *tls_accept(int lfd, SSL_CTX *ctx, int64_t now_ms)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	struct tlsconn *t;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->ssl = SSL_new(ctx)) || SSL_set_fd(t->ssl, fd) != 1) {
		if (t)
			SSL_free(t->ssl);
		free(t);
		close(fd);
		return NULL;
	}
	t->fd = fd;
	t->since_ms = now_ms;
	sbuf_init(&t->out);
	/* a response is written again from wherever out then is */
	SSL_set_mode(t->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
		     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(t->addr, sizeof(t->addr), "%s:%u", a,
			 ntohs(s4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(t->addr, sizeof(t->addr), "[%s]:%u", a,
			 ntohs(s6->sin6_port));
	}
	SSL_set_accept_state(t->ssl);
	return t;
}

void tls_close(struct tlsconn *t)
{
	if (!t)
		return;
	/*
	 * No close_notify: rsyslog checks a connection before it sends by
	 * peeking at it, and takes an alert waiting there for a live peer;
	 * a bare FIN it sees as the end, and it connects again.
	 */
	SSL_free(t->ssl);
	close(t->fd);
	sbuf_free(&t->out);
	free(t->buf);
	free(t);
}

void tls_idle(struct tlsconn *t)
{
	if (t->len || !t->buf)
		return;
	free(t->buf);
	t->buf = NULL;
	t->cap = 0;
}

/* Room to read into: 0, or -1 when full at its most (or ENOMEM). */
static int room(struct tlsconn *t)
{
	size_t cap = t->cap ? t->cap * 4 : 4096;
	char *b;

	if (t->len < t->cap)
		return 0;
	if (t->cap >= TLSCONN_BUF_MAX)
		return -1;
	if (cap > TLSCONN_BUF_MAX)
		cap = TLSCONN_BUF_MAX;
	b = realloc(t->buf, cap);
	if (!b)
		return -1;
	t->buf = b;
	t->cap = cap;
	return 0;
}

int tls_flush(struct tlsconn *t, struct sbuf *err)
{
	size_t done = 0;
	int r = 0;

	if (sbuf_failed(&t->out)) {
		sbuf_printf(err, "out of memory");
		return -1;
	}
	while (done < t->out.len) {
		int n = SSL_write(t->ssl, t->out.buf + done,
				  (int)(t->out.len - done));

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		n = SSL_get_error(t->ssl, n);
		if (n != SSL_ERROR_WANT_WRITE && n != SSL_ERROR_WANT_READ) {
			ssl_error(err, "write");
			r = -1;
		}
		break;
	}
	memmove(t->out.buf, t->out.buf + done, t->out.len - done);
	t->out.len -= done;
	return r;
}

/* A name from the certificate, if it is a permitted peer's. */
static int take_name(struct tlsconn *t, const struct collconf *c,
		     const unsigned char *s, int n)
{
	if (n <= 0 || (size_t)n >= sizeof(t->peer) || memchr(s, '\0',
							     (size_t)n))
		return 0;
	memcpy(t->peer, s, (size_t)n);
	t->peer[n] = '\0';
	if (collconf_peer_permitted(c, t->peer))
		return 1;
	t->peer[0] = '\0';
	return 0;
}

/*
 * The certificate's DNS names (RFC 6125: the common name only when it
 * has none): the first that is a permitted peer.  1, or 0 with the
 * first name seen (escaped) in seen for the message.
 */
static int peer_name(struct tlsconn *t, const struct collconf *c, X509 *x,
		     char *seen, size_t seen_len)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name,
					       NULL, NULL);
	int i, ndns = 0, ok = 0;

	snprintf(seen, seen_len, "no DNS name");
	for (i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !ok; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *d;
		int n;

		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		n = ASN1_STRING_length(g->d.dNSName);
		if (!ndns++)
			snprintf(seen, seen_len, "%.*s", n > 64 ? 64 : n, d);
		ok = take_name(t, c, d, n);
	}
	GENERAL_NAMES_free(gens);
	if (!ok && !ndns) {
		char cn[256];
		int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
						  NID_commonName, cn,
						  sizeof(cn));

		if (n > 0) {
			snprintf(seen, seen_len, "%.64s", cn);
			ok = take_name(t, c, (unsigned char *)cn, n);
		}
	}
	/* what the sender wrote into its certificate is shown escaped */
	for (i = 0; seen[i]; i++)
		if ((unsigned char)seen[i] < 0x21 ||
		    (unsigned char)seen[i] > 0x7e)
			seen[i] = '?';
	return ok;
}

int tls_handshake(struct tlsconn *t, const struct collconf *c,
		  struct sbuf *err)
{
	char seen[80];
	X509 *x;
	int r = SSL_accept(t->ssl);

	if (r != 1) {
		int e = SSL_get_error(t->ssl, r);

		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return 0;
		ssl_error(err, "handshake");
		return -1;
	}
	x = SSL_get1_peer_certificate(t->ssl);
	if (!x || SSL_get_verify_result(t->ssl) != X509_V_OK) {
		sbuf_printf(err, "no valid client certificate");
		X509_free(x);
		return -1;
	}
	r = peer_name(t, c, x, seen, sizeof(seen));
	X509_free(x);
	if (!r) {
		sbuf_printf(err, "certificate names %s, not a permitted peer",
			    seen);
		return -1;
	}
	t->open = 1;
	return 1;
}

int tls_read(struct tlsconn *t, struct sbuf *err)
{
	int got = 0;

	while (room(t) == 0) {
		int r = SSL_read(t->ssl, t->buf + t->len,
				 (int)(t->cap - t->len));

		if (r > 0) {
			t->len += (size_t)r;
			got = 1;
			continue;
		}
		switch (SSL_get_error(t->ssl, r)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			return got;
		case SSL_ERROR_ZERO_RETURN:
			return got ? 1 : -1;
		case SSL_ERROR_SYSCALL:
			if (!ERR_peek_error() && (r == 0 || errno == 0 ||
						  errno == ECONNRESET)) {
				if (errno == ECONNRESET)
					sbuf_printf(err, "reset");
				return got ? 1 : -1;
			}
			ssl_error(err, "read");
			return got ? 1 : -1;
		default:
			ssl_error(err, "read");
			return got ? 1 : -1;
		}
	}
	return got;
}
