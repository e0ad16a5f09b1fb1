// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A child process doing work the loop must not wait for (child.h).  Its
 * end is seen through a pidfd in the loop rather than SIGCHLD, so no
 * handler can reap a child another part of vigild waits for.
 */
#include "build.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/loop.h"

/* How much lower than vigild's (Nice=-5) the child's priority is. */
#define CHILD_NICER 10

struct child {
	struct loop *loop;
	pid_t pid;
	int pidfd;
	child_done_fn done;
	void *data;
};

/* Reaps c (blocking if it still runs) and frees it; its wait status. */
static int reap(struct child *c)
{
	int status = 0;
	pid_t r;

	loop_del_fd(c->loop, c->pidfd);
	close(c->pidfd);
	do
		r = waitpid(c->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		status = W_EXITCODE(127, 0);	/* reaped elsewhere: failed */
	free(c);
	return status;
}

static void finish(struct child *c)
{
	child_done_fn done = c->done;
	void *data = c->data;

	done(reap(c), data);
}

static void on_exit_fd(struct loop *loop, int fd, uint32_t events,
		       void *data)
{
	finish(data);
}

struct child *child_start(struct loop *loop, const char *name, child_fn fn,
			  void *arg, child_done_fn done, void *data)
{
	struct child *c = calloc(1, sizeof(*c));
	pid_t parent;
	int e;

	if (!c)
		return NULL;
	c->loop = loop;
	c->done = done;
	c->data = data;
	parent = getpid();
	c->pid = fork();
	if (c->pid < 0)
		goto fail;
	if (c->pid == 0) {
		/* ended with its parent: nothing would take its work */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(1);	/* it died before the line above */
		prctl(PR_SET_NAME, name, 0, 0, 0);
		errno = 0;
		setpriority(PRIO_PROCESS, 0,
			    getpriority(PRIO_PROCESS, 0) + CHILD_NICER);
		_exit(fn(arg));
	}
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0)
		goto unwanted;
	if (loop_add_fd(loop, c->pidfd, EPOLLIN, on_exit_fd, c) < 0) {
		e = errno;
		close(c->pidfd);
		errno = e;
		goto unwanted;
	}
	return c;
unwanted:
	/* no way to see its end: the caller does the work itself */
	e = errno;
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	errno = e;
fail:
	e = errno;
	free(c);
	errno = e;
	return NULL;
}

int child_await(const struct child *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms);

	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

void child_kill(const struct child *c)
{
	kill(c->pid, SIGKILL);
}

void child_wait(struct child *c)
{
	finish(c);
}

void child_stop(struct child *c)
{
	if (!c)
		return;
	kill(c->pid, SIGKILL);
	reap(c);
}

pid_t child_pid(const struct child *c)
{
	return c->pid;
}
