// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One connection to the control socket: its request read, and its reply
 * sent, whole or piece by piece (struct control_stream), at the pace
 * its uid's budget allows (budget.h).  Who may connect: control.c.
 */
#include "build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control/conn.h"
#include "lib/jsonutil.h"

json_object *control_error(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static void end_stream(struct client *cl)
{
	if (!cl->stream.next)
		return;
	cl->stream.done(cl->stream.ctx);
	memset(&cl->stream, 0, sizeof(cl->stream));
	if (cl->budget)
		cl->budget->streams--;
}

void client_close(struct client *cl)
{
	struct control *c = cl->ctl;
	struct client **pp;

	for (pp = &c->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	free(cl->out);
	end_stream(cl);
	if (cl->budget)
		cl->budget->holders--;
	free(cl);
	c->nclients--;
}

static void start_reply(struct client *cl)
{
	cl->replying = true;
	shutdown(cl->fd, SHUT_RD);
	loop_mod_fd(cl->ctl->loop, cl->fd, EPOLLOUT);
}

static void client_reply(struct client *cl, json_object *reply)
{
	struct sbuf s;

	if (!reply)
		reply = control_error("out of memory");
	/* Valid UTF-8 whatever a string holds (json_dump). */
	sbuf_init(&s);
	json_dump(reply, JSON_C_TO_STRING_PLAIN |
		  JSON_C_TO_STRING_NOSLASHESCAPE, &s);
	sbuf_addc(&s, '\n');
	cl->out = sbuf_failed(&s) ? NULL : malloc(s.len);
	if (cl->out) {
		memcpy(cl->out, s.buf, s.len);
		cl->out_len = s.len;
	}
	sbuf_free(&s);
	json_object_put(reply);
	if (!cl->out) {
		client_close(cl);
		return;
	}
	if (cl->budget)
		budget_spend(cl->budget, cl->out_len, loop_now_ms());
	start_reply(cl);
}

static void client_request(struct client *cl)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *req = NULL, *reply;

	if (!tok) {
		client_reply(cl, control_error("out of memory"));
		return;
	}
	/* reading, parsing and answering cost more than a reply's bytes */
	if (cl->budget)
		budget_spend(cl->budget, BUDGET_REQUEST, loop_now_ms());
	req = json_tokener_parse_ex(tok, cl->in, (int)cl->in_len);
	if (cl->refused)
		reply = control_error("permission denied");
	else if (!req || json_tokener_get_error(tok) != json_tokener_success)
		reply = control_error("request is not valid JSON");
	else if (!json_object_is_type(req, json_type_object))
		reply = control_error("request is not a JSON object");
	else
		reply = cl->ctl->handler(cl->ctl->data, req, &cl->peer,
					 &cl->stream);
	json_tokener_free(tok);
	json_object_put(req);
	if (!reply && cl->stream.next) {
		if (cl->budget && cl->budget->streams >= BUDGET_STREAMS) {
			/* counted in streams only once accepted */
			cl->stream.done(cl->stream.ctx);
			memset(&cl->stream, 0, sizeof(cl->stream));
			cl->ctl->busy++;
			client_reply(cl, control_error("busy: uid %u has %d replies on their way; try again when they are read",
						       (unsigned int)cl->peer.uid,
						       BUDGET_STREAMS));
			return;
		}
		if (cl->budget)
			cl->budget->streams++;
		start_reply(cl);
		return;
	}
	client_reply(cl, reply);
}

/* Wait for the uid's budget: no events until client_on_resume(). */
static void pause_client(struct client *cl)
{
	struct control *c = cl->ctl;
	uint64_t ms = budget_wait_ms(cl->budget);

	cl->paused = true;
	loop_mod_fd(c->loop, cl->fd, 0);
	if (!loop_timer_armed(c->resume))
		loop_timer_arm(c->resume, ms, 0);
}

void client_on_resume(struct loop *loop, struct loop_timer *t, void *data)
{
	struct control *c = data;
	uint64_t now = loop_now_ms(), wait = 0, ms;
	struct client *cl;

	for (cl = c->clients; cl; cl = cl->next) {
		if (!cl->paused)
			continue;
		if (!budget_ok(cl->budget, now)) {
			ms = budget_wait_ms(cl->budget);
			if (!wait || ms < wait)
				wait = ms;
			continue;
		}
		cl->paused = false;
		cl->deadline = now + CONTROL_TIMEOUT_MS;
		loop_mod_fd(loop, cl->fd, cl->replying ? EPOLLOUT : EPOLLIN);
	}
	if (wait)
		loop_timer_arm(t, wait, 0);
}

/*
 * The next piece of a streamed reply, when its uid may have it.
 * Returns 1 with it in out, 0 paused, -1 when the client was closed.
 */
static int make_more(struct client *cl)
{
	uint64_t now = loop_now_ms();
	struct sbuf s;
	int r;

	if (cl->budget && !budget_ok(cl->budget, now)) {
		pause_client(cl);
		return 0;
	}
	sbuf_init(&s);
	r = cl->stream.next(cl->stream.ctx, &s);
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	if (r < 0 || sbuf_failed(&s) || !s.len) {
		/* the peer sees a cut reply, not a wrong one */
		sbuf_free(&s);
		client_close(cl);
		return -1;
	}
	if (r == 0)
		end_stream(cl);
	cl->out = malloc(s.len);
	if (!cl->out) {
		sbuf_free(&s);
		client_close(cl);
		return -1;
	}
	memcpy(cl->out, s.buf, s.len);
	cl->out_len = s.len;
	sbuf_free(&s);
	if (cl->budget)
		budget_spend(cl->budget, cl->out_len, now);
	return 1;
}

/* Send what is made; one piece more of a stream per turn at most. */
static void client_write(struct client *cl)
{
	ssize_t n;

	if (cl->out_off == cl->out_len) {
		if (!cl->stream.next) {
			client_close(cl);
			return;
		}
		if (make_more(cl) <= 0)
			return;
	}
	n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
		 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		client_close(cl);
		return;
	}
	cl->out_off += (size_t)n;
	/* a reader that keeps reading keeps its connection */
	cl->deadline = loop_now_ms() + CONTROL_TIMEOUT_MS;
	if (cl->out_off == cl->out_len && !cl->stream.next)
		client_close(cl);
}

void client_on_io(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct client *cl = data;
	ssize_t n;

	if (cl->replying) {
		client_write(cl);
		return;
	}
	/* a uid over its budget waits before its request costs more */
	if (cl->budget && !budget_ok(cl->budget, loop_now_ms())) {
		pause_client(cl);
		return;
	}
	n = recv(fd, cl->in + cl->in_len, CONTROL_MAX_REQUEST + 1 - cl->in_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(cl);
		return;
	}
	cl->in_len += (size_t)n;
	if (memchr(cl->in, '\n', cl->in_len)) {
		cl->in_len = (size_t)((char *)memchr(cl->in, '\n', cl->in_len) -
				      cl->in);
		cl->in[cl->in_len] = '\0';
		client_request(cl);
	} else if (cl->in_len > CONTROL_MAX_REQUEST) {
		client_reply(cl, control_error("request larger than %d bytes",
					       CONTROL_MAX_REQUEST));
	}
}
