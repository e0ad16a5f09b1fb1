// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/control.h"
#include "lib/jsonutil.h"
#include "lib/log.h"

struct client {
	struct control *ctl;
	int fd;
	struct control_peer peer;
	bool refused;
	char in[CONTROL_MAX_REQUEST + 1];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	uint64_t deadline;
	struct client *next;
};

struct control {
	struct loop *loop;
	int fd;
	bool bound;
	char *path;
	bool has_group;
	gid_t gid;
	dev_t dev;		/* the socket file vigild bound */
	ino_t ino;
	control_handler handler;
	void *data;
	struct client *clients;
	unsigned int nclients;
	struct loop_timer *sweeper;
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
	free(cl);
	c->nclients--;
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
	shutdown(cl->fd, SHUT_RD);
	loop_mod_fd(cl->ctl->loop, cl->fd, EPOLLOUT);
}

static void client_request(struct client *cl)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *req = NULL, *reply;

	if (!tok) {
		client_reply(cl, control_error("out of memory"));
		return;
	}
	req = json_tokener_parse_ex(tok, cl->in, (int)cl->in_len);
	if (cl->refused)
		reply = control_error("permission denied");
	else if (!req || json_tokener_get_error(tok) != json_tokener_success)
		reply = control_error("request is not valid JSON");
	else if (!json_object_is_type(req, json_type_object))
		reply = control_error("request is not a JSON object");
	else
		reply = cl->ctl->handler(cl->ctl->data, req, &cl->peer);
	json_tokener_free(tok);
	json_object_put(req);
	client_reply(cl, reply);
}

static void on_client(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct client *cl = data;
	ssize_t n;

	if (cl->out) {
		n = send(fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			client_close(cl);
			return;
		}
		cl->out_off += (size_t)n;
		if (cl->out_off == cl->out_len)
			client_close(cl);
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
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *cl;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !admit(c, cred.uid)) {
		c->busy++;
		close(cfd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(cfd);
		return;
	}
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
		if (now > cl->deadline)
			client_close(cl);
	}
}

/* 1 if a server answers on path, 0 if not. */
static int socket_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return r;
}

static int prepare_path(const char *path, struct sbuf *err)
{
	char *copy = strdup(path), *dir;
	struct stat st;

	if (!copy) {
		sbuf_printf(err, "%s: out of memory", path);
		return -1;
	}
	dir = dirname(copy);
	if (mkdir(dir, 0755) == 0) {
		/* Not the umask's 0750: control_group members must reach it. */
		if (chmod(dir, 0755) < 0) {
			sbuf_printf(err, "%s: %s", dir, strerror(errno));
			free(copy);
			return -1;
		}
	} else if (errno != EEXIST) {
		sbuf_printf(err, "%s: %s", dir, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		sbuf_printf(err, "%s exists and is not a socket", path);
		return -1;
	}
	if (socket_alive(path)) {
		sbuf_printf(err, "%s: another vigild is answering there", path);
		return -1;
	}
	unlink(path);
	return 0;
}

struct control *control_new(struct loop *loop, const char *path,
			    const char *group, control_handler handler,
			    void *data, struct sbuf *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c = calloc(1, sizeof(*c));
	struct stat st;
	mode_t old;
	int r;

	if (!c) {
		sbuf_printf(err, "out of memory");
		return NULL;
	}
	c->loop = loop;
	c->handler = handler;
	c->data = data;
	c->fd = -1;
	/* Before anything is made: a group that does not exist is a typo. */
	if (group && !getgrnam(group)) {
		sbuf_printf(err, "control_group: no such group '%s'", group);
		goto err;
	}
	c->path = strdup(path);
	if (!c->path || strlen(path) >= sizeof(sa.sun_path)) {
		sbuf_printf(err, "%s: bad socket path", path);
		goto err;
	}
	if (prepare_path(path, err) < 0)
		goto err;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		sbuf_printf(err, "socket: %s", strerror(errno));
		goto err;
	}
	memcpy(sa.sun_path, path, strlen(path));
	/* Never let the socket exist with a wider mode, even briefly. */
	old = umask(0177);
	r = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		sbuf_printf(err, "%s: bind: %s", path, strerror(errno));
		goto err;
	}
	c->bound = true;
	/* the file just bound: only it is ever given to a group */
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		sbuf_printf(err, "%s: not the socket just bound", path);
		goto err;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (group && control_set_group(c, group, err) < 0)
		goto err;
	if (listen(c->fd, 16) < 0 ||
	    loop_add_fd(loop, c->fd, EPOLLIN, on_accept, c) < 0) {
		sbuf_printf(err, "%s: %s", path, strerror(errno));
		goto err;
	}
	c->sweeper = loop_timer_new(loop, on_sweep, c);
	if (!c->sweeper || loop_timer_arm(c->sweeper, 1000, 1000) < 0) {
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
	struct stat st;

	if (!c)
		return;
	while (c->clients)
		client_close(c->clients);
	loop_timer_free(c->sweeper);
	if (c->fd >= 0) {
		loop_del_fd(c->loop, c->fd);
		close(c->fd);
	}
	/* only the socket vigild made, not what may stand there now */
	if (c->bound && lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		unlink(c->path);
	free(c->path);
	free(c);
}

/*
 * Owner and mode of the socket file vigild bound, through a descriptor
 * of that very file (never a path that a symlink could lead elsewhere).
 * Returns 0, or -1 with errno.
 */
static int give(const struct control *c, gid_t gid, mode_t mode)
{
	char proc[64];
	struct stat st;
	int fd, r = -1, e;

	fd = open(c->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != c->dev ||
	    st.st_ino != c->ino) {
		errno = ESTALE;
		goto out;
	}
	/* chmod(2) of /proc/self/fd/N: what fchmod cannot do on O_PATH */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fchownat(fd, "", 0, gid, AT_EMPTY_PATH) < 0 ||
	    chmod(proc, mode) < 0)
		goto out;
	r = 0;
out:
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int control_set_group(struct control *c, const char *group,
		      struct sbuf *err)
{
	struct group *gr = NULL;

	if (group && !(gr = getgrnam(group))) {
		sbuf_printf(err, "control_group: no such group '%s'", group);
		return -1;
	}
	if (give(c, gr ? gr->gr_gid : 0, gr ? 0660 : 0600) < 0) {
		sbuf_printf(err, "%s: cannot give it to group %s: %s", c->path,
			    group ? group : "root",
			    errno == ESTALE || errno == ELOOP ?
			    "it is no longer the socket vigild made" :
			    strerror(errno));
		/* Back to what it was, as far as that goes. */
		give(c, c->has_group ? c->gid : 0, c->has_group ? 0660 : 0600);
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
