// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket: who may connect (root always, a control_group
 * member within its quota), and how long a connection may idle.  A
 * non-root peer is served after the kernel's events of the same loop
 * turn.  One connection's request and reply: client.c.
 */
#include "build.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control/conn.h"
#include "lib/jsonutil.h"
#include "lib/log.h"

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
	if (loop_add_fd(loop, cfd, EPOLLIN, client_on_io, cl) < 0) {
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
	c->resume = loop_timer_new(loop, client_on_resume, c);
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
