/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket's insides, shared by control.c (the socket, who
 * may connect) and client.c (one connection).  Nothing else includes it.
 */
#ifndef VIGIL_CONTROL_CONN_H
#define VIGIL_CONTROL_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "control/budget.h"
#include "control/control.h"
#include "control/sockfile.h"

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

/* Close and free cl, and what its reply still held. */
void client_close(struct client *cl);
/* The loop's callback of a connection's fd (data: the client). */
void client_on_io(struct loop *loop, int fd, uint32_t events, void *data);
/* The resume timer's: paused clients whose budget refilled go on. */
void client_on_resume(struct loop *loop, struct loop_timer *t, void *data);

#endif
