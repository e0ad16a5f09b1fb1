/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_CONNJOIN_H
#define VIGIL_SOURCES_CONNJOIN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/events.h"

/* Intents (connect() or addressed-send records) kept at most, and how long. */
#define CONNJOIN_MAX 2048
#define CONNJOIN_KEEP_MS 3000
/*
 * Intents looked at per lookup, newest first: a flow's own intent is
 * among the newest to its destination (an intent with its whole tuple
 * is kept apart, by tuple), and a storm of connections to one server
 * must not make each lookup walk thousands.  Past it, a flow is not
 * explained (never explained wrongly).
 */
#define CONNJOIN_WALK 128
/*
 * A flow that only an unverified intent could explain waits this long
 * first: the audit record of a connect() can reach vigild after the
 * flow of a later connect() to the same place, so a record seen alone
 * is not yet proof.
 */
#define CONNJOIN_SETTLE_MS 20

/*
 * The join of audit intents with conntrack flows.  Intents are matched
 * by destination (address and port); a socket inode known on both
 * sides decides for certain, known on both and different rules the
 * intent out.  Intents left unverified explain a flow only once it has
 * settled and when they all name the same program, so that two
 * programs reaching one server at once are never swapped.  A
 * connect() explains one flow; an addressed send explains every flow
 * of its socket (the same datagrams repeat it).  An intent that knows
 * its whole tuple (a tracepoint's: sport != 0) explains only the flow
 * with that very tuple, and is dropped once it has; a UDP send's may
 * lack its source address (routing had not chosen it), and then
 * matches on the rest.  Of intents with one tuple the newest wins (a
 * UDP port is used again once its socket is closed).  An intent that knows its protocol never
 * explains a flow of another.
 */
struct conn_join;

/* One intent, as the audit record gave it. */
struct conn_intent {
	struct net_addr dst;
	uint16_t dport;
	struct net_addr src;	/* with sport != 0: the whole tuple */
	uint16_t sport;
	uint8_t proto;		/* 0: not known */
	bool is_connect;
	bool used;		/* a connect() already joined with its flow */
	pid_t pid;
	uid_t uid;
	uint32_t inode;		/* its socket when seen; 0: unknown */
	uint64_t netns;		/* as connect_event.netns */
	int fd;			/* ...else its fd in pid, to look at; -1 */
	uint64_t ms;
	char comm[17];
	char *exe;
};

enum conn_join_result {
	CONNJOIN_NONE,		/* nothing explains the flow (yet) */
	CONNJOIN_WAIT,		/* candidates, but not yet certain */
	CONNJOIN_AMBIGUOUS,	/* candidates name different programs */
	CONNJOIN_FOUND,
};

/*
 * The socket inode process pid holds at fd now, 0 if none: for an
 * intent noted without its inode, looked at only when a flow could be
 * its (an inode found equal is as certain then as at the connect).
 */
typedef uint32_t (*conn_join_sock_fn)(pid_t pid, int fd);

/* sock_of may be NULL.  NULL on ENOMEM. */
struct conn_join *conn_join_new(conn_join_sock_fn sock_of);
void conn_join_free(struct conn_join *j);

/*
 * Note an intent seen at now (ms); inode: its socket, 0 if unknown
 * (then ev->fd, when known, is looked at by need).
 * An addressed send repeating one already kept (same process and
 * destination) only refreshes it.  Returns 0, or -1 on ENOMEM (the
 * intent is lost).
 */
int conn_join_add(struct conn_join *j, const struct connect_event *ev,
		  uint32_t inode, uint64_t now);

/* The flow's local socket, as sock_diag found it. */
struct conn_sock {
	uint32_t inode;
	uid_t uid;
};

/*
 * What explains flow fe (sock: its socket, NULL while not looked up or
 * gone), which arrived at arrived (ms)?  tuple_only: only an intent
 * with the flow's whole tuple may (a TCP flow while the tracepoints
 * tell every TCP connect whole: a destination-only record, which any
 * local user can make with a connect() that sends nothing, must not
 * name it).  With sock, an intent of another socket or of another uid
 * than the socket's never explains it.  On CONNJOIN_FOUND, out is
 * filled (pid, uid, comm, exe; inode is left) and a connect() intent
 * is used up.  needs_sock is set when there are candidates and sock is
 * not known: look it up and ask again.  relevant(exe, data) says
 * whether the name matters for this flow; when no candidate's does,
 * the oldest is taken without waiting (nothing reported depends on it).
 */
enum conn_join_result conn_join_match(struct conn_join *j,
				      const struct flow_event *fe,
				      const struct conn_sock *sock,
				      bool tuple_only,
				      uint64_t arrived, uint64_t now,
				      bool (*relevant)(const char *exe,
						       const char *comm,
						       void *data),
				      void *data, struct sock_owner *out,
				      bool *needs_sock);

/* Intents kept now (for counters and tests). */
size_t conn_join_count(const struct conn_join *j);

#endif
