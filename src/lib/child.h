/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_LIB_CHILD_H
#define VIGIL_LIB_CHILD_H

#include <sys/types.h>

struct loop;

/*
 * Work done by a child process while the loop goes on (child.c).  The
 * child is a fork of vigild: fn may compute and write files, but must
 * not touch the loop, vigild's sockets or anything the parent relies
 * on.  fn's return value is the child's exit status.  The loop learns
 * of the child's end through a pidfd, reaps it and calls done with the
 * wait status (as waitpid(2) gives it); c is freed once done returns.
 */
struct child;

typedef int (*child_fn)(void *arg);
typedef void (*child_done_fn)(int status, void *data);

/*
 * Forks a child named name (comm, at most 15 bytes) that runs fn(arg)
 * at a lower priority than vigild, then exits.  NULL with errno when
 * no child could be had (fork's, pidfd_open's, or the loop's): then
 * nothing ran, and the caller does the work itself.
 */
struct child *child_start(struct loop *loop, const char *name, child_fn fn,
			  void *arg, child_done_fn done, void *data);

/*
 * Waits at most timeout_ms for the child to end (it is not reaped: the
 * loop or child_wait() does).  0: it has ended; -1 with errno ETIMEDOUT
 * (or poll's).
 */
int child_await(const struct child *c, int timeout_ms);
/* SIGKILL to the child; it is reaped as any other end. */
void child_kill(const struct child *c);
/*
 * Blocks until the child has ended, then calls done, as the loop would
 * have.  c is freed.  For a caller that cannot go on without the work
 * (child_await first bounds the wait).
 */
void child_wait(struct child *c);

/* Kills the child and reaps it; done is not called.  c is freed. */
void child_stop(struct child *c);

pid_t child_pid(const struct child *c);

#endif
