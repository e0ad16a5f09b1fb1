/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONTROL_H
#define VIGIL_CONTROL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/loop.h"
#include "lib/sbuf.h"

/*
 * The control socket: a Unix stream socket for local clients only.
 * Protocol: the client sends one JSON object followed by a newline
 * (at most CONTROL_MAX_REQUEST bytes); the server answers with one JSON
 * object and a newline, then closes.  Peers are identified by
 * SO_PEERCRED: root may do everything, members of control_group may
 * only read, everybody else is refused.
 */
#define CONTROL_MAX_REQUEST 65536
#define CONTROL_MAX_CLIENTS 64
/*
 * Connections held by one non-root uid, and by all non-root peers
 * together: the rest is root's, so members of control_group can never
 * lock root out by holding connections open.
 */
#define CONTROL_MAX_PER_UID 8
#define CONTROL_ROOT_RESERVE 16
#define CONTROL_TIMEOUT_MS 5000

struct control_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool may_write;
};

/*
 * A reply too big to build at once (findings, a report): its text is
 * made piece by piece as the peer reads it, so that no request holds
 * the loop for long nor memory for a slow reader.  next() appends the
 * next piece (about CONTROL_CHUNK bytes) to out and returns 1 when more
 * is to come, 0 when the text is complete (it ends in a newline), -1 on
 * error (the connection is closed: the peer sees a cut reply).  done()
 * frees ctx, however the reply ended.
 */
struct control_stream {
	int (*next)(void *ctx, struct sbuf *out);
	void (*done)(void *ctx);
	void *ctx;
};
#define CONTROL_CHUNK 32768

/*
 * Returns a new reply object, which the server frees after sending; or
 * NULL with stream->next set, and the reply is streamed; or NULL alone
 * for out of memory.
 */
typedef json_object *(*control_handler)(void *data, json_object *req,
					const struct control_peer *peer,
					struct control_stream *stream);

struct control;

/*
 * Bind and listen on path.  The directory is created (0755) if needed;
 * a stale socket is replaced, but not one a running vigild answers on.
 * Returns NULL with a message in err.
 */
struct control *control_new(struct loop *loop, const char *path,
			    const char *group, control_handler handler,
			    void *data, struct sbuf *err);
void control_free(struct control *c);
/*
 * Give the socket to group (NULL: root only) in place; needs CAP_CHOWN.
 * Returns 0, or -1 with a message in err and the socket as it was.
 */
int control_set_group(struct control *c, const char *group,
		      struct sbuf *err);
/* Connections closed at once: their uid was over its quota. */
unsigned long control_busy(const struct control *c);
unsigned long control_refused(const struct control *c);

/* {"ok": false, "error": msg} */
json_object *control_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
