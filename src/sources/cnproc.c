// SPDX-License-Identifier: GPL-2.0-or-later
/* Execs from the kernel's process events connector (cnproc.h). */
#include "build.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/loop.h"
#include "model/engine.h"
#include "core/module.h"
#include "sources/cnproc.h"
#include "sources/proc.h"

#define CNPROC_RCVBUF (4 * 1024 * 1024)

struct cnproc {
	const struct vigil_env *env;
	struct mnl_socket *nl;
	int fd;
	bool listening;
	uint64_t *execs, *gone, *overruns, *table_full;
};

struct cnproc *cnproc_new(const struct vigil_env *env)
{
	struct cnproc *c = calloc(1, sizeof(*c));
	struct engine *e = env->engine;
	int size = CNPROC_RCVBUF;

	if (!c)
		return NULL;
	c->env = env;
	c->fd = -1;
	c->execs = engine_counter(e, "connector", "execs");
	c->gone = engine_counter(e, "connector", "exited_before_read");
	c->overruns = engine_counter(e, "connector", "socket_overruns");
	c->table_full = engine_counter(e, "proc", "table_full");
	if (!c->execs || !c->gone || !c->overruns || !c->table_full)
		goto fail;
	c->nl = mnl_socket_open(NETLINK_CONNECTOR);
	/* The group is joined only while listening (cnproc_listen). */
	if (!c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	c->fd = mnl_socket_get_fd(c->nl);
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return c;
fail:
	cnproc_free(c);
	return NULL;
}

static int send_op(struct cnproc *c, enum proc_cn_mcast_op op)
{
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(op))];
	struct nlmsghdr *nlh;
	struct cn_msg *msg;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_pid = mnl_socket_get_portid(c->nl);
	msg = mnl_nlmsg_put_extra_header(nlh, sizeof(*msg) + sizeof(op));
	msg->id.idx = CN_IDX_PROC;
	msg->id.val = CN_VAL_PROC;
	msg->len = sizeof(op);
	memcpy(msg->data, &op, sizeof(op));
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* An exec: read what the process maps now, as an audit batch would. */
static void on_exec(struct cnproc *c, pid_t pid)
{
	(*c->execs)++;
	if (proc_publish_pid(c->env, pid, c->table_full) < 0)
		(*c->gone)++;
}

static void on_readable(struct loop *loop, int fd, uint32_t events,
			void *data)
{
	struct cnproc *c = data;
	char buf[8192] __attribute__((aligned(8)));
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0 && errno == ENOBUFS) {
			/* Lost execs: the /proc rescan makes up for them. */
			(*c->overruns)++;
			continue;
		}
		if (n <= 0)
			return;
		for (; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct cn_msg *msg = mnl_nlmsg_get_payload(nlh);
			const struct proc_event *ev;

			if (mnl_nlmsg_get_payload_len(nlh) <
			    sizeof(*msg) + sizeof(*ev) ||
			    msg->id.idx != CN_IDX_PROC ||
			    msg->len < sizeof(*ev))
				continue;
			ev = (const struct proc_event *)msg->data;
			if (ev->what == PROC_EVENT_EXEC)
				on_exec(c, ev->event_data.exec.process_tgid);
		}
	}
}

static int membership(struct cnproc *c, bool on)
{
	int group = CN_IDX_PROC;

	return mnl_socket_setsockopt(c->nl, on ? NETLINK_ADD_MEMBERSHIP :
				     NETLINK_DROP_MEMBERSHIP, &group,
				     sizeof(group));
}

int cnproc_listen(struct cnproc *c, bool on)
{
	int rc;

	if (on == c->listening)
		return 0;
	if (!on) {
		send_op(c, PROC_CN_MCAST_IGNORE);
		membership(c, false);
		loop_del_fd(c->env->loop, c->fd);
		c->listening = false;
		return 0;
	}
	if (membership(c, true) < 0)
		return -errno;
	rc = send_op(c, PROC_CN_MCAST_LISTEN);
	if (rc == 0 && loop_add_fd(c->env->loop, c->fd, EPOLLIN, on_readable,
				   c) < 0) {
		rc = -errno;
		send_op(c, PROC_CN_MCAST_IGNORE);
	}
	if (rc < 0) {
		membership(c, false);
		return rc;
	}
	c->listening = true;
	return 0;
}

bool cnproc_listening(const struct cnproc *c)
{
	return c->listening;
}

void cnproc_free(struct cnproc *c)
{
	if (!c)
		return;
	if (c->listening)
		cnproc_listen(c, false);
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c);
}
