/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_AUDITREC_H
#define VIGIL_AUDITREC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/netaddr.h"
#include "lib/sbuf.h"

/*
 * Parsing of audit record text, e.g.
 *   audit(1763800000.123:4567): arch=c000003e syscall=59 ... exe="/bin/ls"
 * Records are untrusted: every function is bounded by the given length
 * and never reads past it.
 */

/* Bounds on one exec's argument vector as vigil keeps it. */
#define AUDITREC_MAX_ARGS 64
#define AUDITREC_MAX_ARG 4096

struct auditrec_hdr {
	uint64_t sec;
	unsigned int msec;
	uint64_t serial;
};

/*
 * Parse the "audit(SEC.MSEC:SERIAL): " header of text[0..len).  Returns
 * the offset of the body, or -1 when there is no valid header.
 */
int auditrec_header(const char *text, size_t len, struct auditrec_hdr *h);

/*
 * Find field name in body[0..len) (a key=value token at the start or
 * after a space, outside quotes) and return its raw value token.
 * Returns 0, or -1 when absent.
 */
int auditrec_raw(const char *body, size_t len, const char *name,
		 const char **val, size_t *vlen);

/*
 * A record's tokens found in one pass, for a reader that wants many of
 * its fields: each lookup then compares token starts instead of
 * scanning the text again.  Answers are auditrec_raw's exactly; past
 * AUDITREC_MAX_TOKENS tokens, lookups fall back to it.
 */
#define AUDITREC_MAX_TOKENS 64
struct auditrec_tokens {
	const char *body;
	size_t len, n;
	int overflow;
	uint32_t start[AUDITREC_MAX_TOKENS], end[AUDITREC_MAX_TOKENS];
};

/* body must stay as it is while t is used. */
void auditrec_tokenize(const char *body, size_t len,
		       struct auditrec_tokens *t);
/* As auditrec_raw(), auditrec_str() and auditrec_num(), from tokens. */
int auditrec_tok_raw(const struct auditrec_tokens *t, const char *name,
		     const char **val, size_t *vlen);
int auditrec_tok_str(const struct auditrec_tokens *t, const char *name,
		     char *out, size_t outlen);
int auditrec_tok_num(const struct auditrec_tokens *t, const char *name,
		     int base, unsigned long long *out);

/*
 * Decode a value token: "quoted" text, even-length hex of an encoded
 * string, or other unquoted words ((null), (none)) as they are.  The
 * result is NUL-terminated and at most outlen-1 bytes; a NUL byte
 * inside hex ends it.  Returns the decoded length, or -1 when malformed
 * (unterminated quote) or too long.
 */
int auditrec_decode(const char *val, size_t vlen, char *out, size_t outlen);

/* auditrec_raw() + auditrec_decode(); -1 when absent or malformed. */
int auditrec_str(const char *body, size_t len, const char *name, char *out,
		 size_t outlen);
/* A numeric field (decimal, or hex with base 16); -1 when absent. */
int auditrec_num(const char *body, size_t len, const char *name, int base,
		 unsigned long long *out);

/*
 * The "saddr=" hex of a SOCKADDR record, when it holds an AF_INET or
 * AF_INET6 socket address: its address (a v4-mapped v6 one as v4, as
 * conntrack shows it) and port.  Returns 0, or -1 when absent,
 * malformed, too short for its family, or of another family.
 */
int auditrec_sockaddr(const char *body, size_t len, struct net_addr *addr,
		      uint16_t *port);

/*
 * EXECVE records of one event, in order: "argc=N a0=.. a1=.." and, for
 * long arguments, "aI_len=L aI[0]=.. aI[1]=..".  Collects up to
 * AUDITREC_MAX_ARGS arguments of up to AUDITREC_MAX_ARG bytes each;
 * longer ones are cut and marked truncated.
 */
struct auditrec_argv {
	int argc;		/* as the kernel said */
	int n;			/* collected */
	struct sbuf args[AUDITREC_MAX_ARGS];
	int truncated;
	int malformed;
};

void auditrec_argv_init(struct auditrec_argv *a);
void auditrec_argv_free(struct auditrec_argv *a);
/* Feed the body of one EXECVE record. */
void auditrec_argv_add(struct auditrec_argv *a, const char *body, size_t len);

#endif
