/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_NETNS_H
#define VIGIL_NETNS_H

/*
 * A socket in the network namespace at path (NULL: the caller's own).
 * The thread switches into the namespace for the socket() call only:
 * a socket stays bound to the namespace it was created in.  Needs
 * CAP_SYS_ADMIN when path is set.
 *
 * Returns the fd (close-on-exec), or -1 with errno: that of open(),
 * setns() or socket().  If switching back fails vigild cannot know
 * where its later sockets would land, so it aborts.
 */
int netns_socket(const char *path, int domain, int type, int protocol);

/*
 * Call fn(data) with the thread inside the network namespace nsfd is
 * open on, and return there: for a library that opens its own sockets
 * (libnftables).  Needs CAP_SYS_ADMIN.  Returns what fn returns, or -1
 * with errno of open() or setns() when it could not switch.  As in
 * netns_socket(), failing to switch back aborts.
 */
int netns_run(int nsfd, int (*fn)(void *data), void *data);

/*
 * Is path a network namespace (a /run/netns/NAME or /proc/PID/ns/net)?
 * Returns 0, or -1 with errno: that of open(), or EINVAL when it is
 * something else.
 */
int netns_check(const char *path);

#endif
