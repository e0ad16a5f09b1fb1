/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_SOCKFIND_H
#define VIGIL_SOURCES_SOCKFIND_H

#include "model/events.h"

struct sockfind;

/* sock_diag in netns (NULL: vigild's own); NULL with errno. */
struct sockfind *sockfind_open(const char *netns);
void sockfind_close(struct sockfind *sf);
/*
 * The local socket of fe (a v4 flow may be a dual-stack v6 socket's):
 * fills out->inode and out->uid.  TCP: one exact lookup; UDP: a dump of
 * the UDP sockets, matched by local address and port.  Returns 1 when
 * found, 0 when it is gone, -1 with errno.
 */
int sockfind_socket(struct sockfind *sf, const struct flow_event *fe,
		    struct sock_owner *out);

#endif
