// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket's connections: who may connect (root always, a
 * control_group member within its quota), one request each, and its
 * reply: built whole, or streamed piece by piece for the big ones, at
 * the pace each non-root uid's budget allows (budget.h).  A non-root
 * peer is served after the kernel's events of the same loop turn.
 */
#include "build.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control/budget.h"
#include "control/control.h"
#include "control/sockfile.h"
#include "lib/jsonutil.h"
#include "lib/log.h"

struct client {
	struct control *ctl;
	int fd;
	struct control_peer peer;
	bool refused;
	char in[CONTROL_MAX_REQUEST + 1];
	size_t in_len;
	bool replying;		/* the request was read */
	bool paused;		/* waits for its uid's budget */
	char *out;
	size_t out_len, out_off;
	struct control_stream stream;	/* .next set: more to make */
	struct uid_budget *budget;	/* NULL for root */
	uint64_t deadline;
	struct client *next;
};

struct control {
	struct loop *loop;
	struct sockfile sf;
	bool has_group;
	gid_t gid;
	control_handler handler;
	void *data;
	struct client *clients;
	unsigned int nclients;
	struct loop_timer *sweeper;
	struct loop_timer *resume;	/* paused clients' budgets refill */
	struct budgets budgets;
	unsigned long refused;
	unsigned long busy;	/* turned away: over a quota */
};

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

static void client_close(struct client *cl)
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

/* Wait for the uid's budget: no events until on_resume(). */
static void pause_client(struct client *cl)
{
	struct control *c = cl->ctl;
	uint64_t ms = budget_wait_ms(cl->budget);

	cl->paused = true;
	loop_mod_fd(c->loop, cl->fd, 0);
	if (!loop_timer_armed(c->resume))
		loop_timer_arm(c->resume, ms, 0);
}

static void on_resume(struct loop *loop, struct loop_timer *t, void *data)
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

static void on_client(struct loop *loop, int fd, uint32_t events, void *data)
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

static bool in_group(int fd, gid_t primary, gid_t want)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	size_t i;

	if (primary == want)
		return true;
	/* Supplementary groups of the peer, as of connect() time. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == want)
			return true;
	return false;
}

/* The oldest connection of a non-root peer: made room for root. */
static struct client *oldest_nonroot(struct control *c)
{
	struct client *cl, *old = NULL;

	for (cl = c->clients; cl; cl = cl->next)
		if (cl->peer.uid != 0 &&
		    (!old || cl->deadline <= old->deadline))
			old = cl;
	return old;
}

/*
 * May a peer of this uid have one more connection?  Non-root peers get
 * CONTROL_MAX_PER_UID each and CONTROL_MAX_CLIENTS minus
 * CONTROL_ROOT_RESERVE together; root always gets in, at the expense
 * of the oldest non-root connection when everything is taken.
 */
static bool admit(struct control *c, uid_t uid)
{
	unsigned int mine = 0, nonroot = 0;
	struct client *cl;

	for (cl = c->clients; cl; cl = cl->next) {
		if (cl->peer.uid != 0)
			nonroot++;
		if (cl->peer.uid == uid)
			mine++;
	}
	if (uid == 0) {
		if (c->nclients >= CONTROL_MAX_CLIENTS) {
			cl = oldest_nonroot(c);
			if (!cl)
				return false;	/* all root's own */
			client_close(cl);
		}
		return true;
	}
	return mine < CONTROL_MAX_PER_UID &&
	       nonroot < CONTROL_MAX_CLIENTS - CONTROL_ROOT_RESERVE;
}

static void on_accept(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct control *c = data;
	struct uid_budget *budget = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *cl;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !admit(c, cred.uid) ||
	    (cred.uid != 0 &&
	     !(budget = budget_get(&c->budgets, cred.uid, loop_now_ms())))) {
		c->busy++;
		close(cfd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(cfd);
		return;
	}
	cl->budget = budget;
	cl->ctl = c;
	cl->fd = cfd;
	cl->peer.pid = cred.pid;
	cl->peer.uid = cred.uid;
	cl->peer.gid = cred.gid;
	cl->peer.may_write = cred.uid == 0;
	cl->deadline = loop_now_ms() + CONTROL_TIMEOUT_MS;
	if (loop_add_fd(loop, cfd, EPOLLIN, on_client, cl) < 0) {
		close(cfd);
		free(cl);
		return;
	}
	if (budget) {
		budget->holders++;
		/* after the kernel's events of the same turn */
		loop_set_low(loop, cfd, true);
	}
	cl->next = c->clients;
	c->clients = cl;
	c->nclients++;
	if (cred.uid != 0 &&
	    !(c->has_group && in_group(cfd, cred.gid, c->gid))) {
		c->refused++;
		log_notice("control: refused uid %u (pid %d): permission denied",
			   (unsigned int)cred.uid, (int)cred.pid);
		/* Answered once its request is read, so the peer sees it. */
		cl->refused = true;
	}
}

/* Drop clients that neither finish a request nor read their reply. */
static void on_sweep(struct loop *loop, struct loop_timer *t, void *data)
{
	struct control *c = data;
	uint64_t now = loop_now_ms();
	struct client *cl, *next;

	for (cl = c->clients; cl; cl = next) {
		next = cl->next;
		/* one waiting for its budget waits for vigild, not idly */
		if (now > cl->deadline && !cl->paused)
			client_close(cl);
	}
}

struct control *control_new(struct loop *loop, const char *path,
			    const char *group, control_handler handler,
			    void *data, struct sbuf *err)
{
	struct control *c = calloc(1, sizeof(*c));

	if (!c) {
		sbuf_printf(err, "out of memory");
		return NULL;
	}
	c->loop = loop;
	c->handler = handler;
	c->data = data;
	c->sf.fd = -1;
	/* Before anything is made: a group that does not exist is a typo. */
	if (group && !getgrnam(group)) {
		sbuf_printf(err, "control_group: no such group '%s'", group);
		goto err;
	}
	if (sockfile_bind(&c->sf, path, err) < 0)
		goto err;
	if (group && control_set_group(c, group, err) < 0)
		goto err;
	if (listen(c->sf.fd, 16) < 0 ||
	    loop_add_fd(loop, c->sf.fd, EPOLLIN, on_accept, c) < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		goto err;
	}
	c->sweeper = loop_timer_new(loop, on_sweep, c);
	c->resume = loop_timer_new(loop, on_resume, c);
	if (!c->sweeper || !c->resume ||
	    loop_timer_arm(c->sweeper, 1000, 1000) < 0) {
		sbuf_printf(err, "control timer: %s", strerror(errno));
		goto err;
	}
	return c;

err:
	control_free(c);
	return NULL;
}

void control_free(struct control *c)
{
	if (!c)
		return;
	while (c->clients)
		client_close(c->clients);
	loop_timer_free(c->sweeper);
	loop_timer_free(c->resume);
	if (c->sf.fd >= 0)
		loop_del_fd(c->loop, c->sf.fd);
	sockfile_close(&c->sf);
	free(c);
}

int control_set_group(struct control *c, const char *group,
		      struct sbuf *err)
{
	struct group *gr = NULL;

	if (group && !(gr = getgrnam(group))) {
		sbuf_printf(err, "control_group: no such group '%s'", group);
		return -1;
	}
	if (sockfile_give(&c->sf, gr ? gr->gr_gid : 0, gr ? 0660 : 0600) < 0) {
		sbuf_printf(err, "%s: cannot give it to group %s: %s",
			    c->sf.path,
			    group ? group : "root",
			    errno == ESTALE || errno == ELOOP ?
			    "it is no longer the socket vigild made" :
			    strerror(errno));
		/* Back to what it was, as far as that goes. */
		sockfile_give(&c->sf, c->has_group ? c->gid : 0,
			      c->has_group ? 0660 : 0600);
		return -1;
	}
	c->has_group = gr != NULL;
	c->gid = gr ? gr->gr_gid : 0;
	return 0;
}

unsigned long control_refused(const struct control *c)
{
	return c ? c->refused : 0;
}

unsigned long control_busy(const struct control *c)
{
	return c ? c->busy : 0;
}
