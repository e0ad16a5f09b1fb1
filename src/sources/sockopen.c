// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which tracepoints sockconn reads, and the kernel-side filter that
 * keeps a busy UDP server's traffic out of its rings: see sockconn.h.
 */
#include "build.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "config/config.h"
#include "config/protocols.h"
#include "lib/log.h"
#include "lib/perftp.h"
#include "model/model.h"
#include "sources/sockconn.h"
#include "sources/sockconn_priv.h"

/* UDP client ports the route tracepoints' filter names at most. */
#define ROUTE_PORTS 64

/*
 * The route tracepoints' filter: output lookups (iif is the loopback
 * device's index then) of UDP to a client port of the catalog.  A busy
 * UDP server's replies stay in the kernel.  Returns false when the
 * catalog names no UDP client port.
 */
static bool route_filter(const struct proto_catalog *c, char *buf, size_t len)
{
	const struct proto_entry *pe;
	size_t i, k, n = 0, at;
	int w;

	w = snprintf(buf, len, "proto == %d && iif == 1 && (", IPPROTO_UDP);
	at = (size_t)w;
	for (i = 0; i < proto_catalog_count(c); i++) {
		pe = proto_catalog_at(c, i);
		if (!(pe->transport & PROTO_UDP) ||
		    !(pe->use & PROTO_USE_CLIENT))
			continue;
		for (k = 0; k < pe->nports && n < ROUTE_PORTS; k++, n++) {
			w = snprintf(buf + at, len - at, "%sdport == %u",
				     n ? " || " : "", pe->ports[k]);
			if (w < 0 || (size_t)w >= len - at)
				return false;
			at += (size_t)w;
		}
	}
	if (!n || at + 2 > len)
		return false;
	memcpy(buf + at, ")", 2);
	return true;
}

int sockconn_open(struct sockconn *sc, loop_fd_cb on_ring)
{
	char filter[ROUTE_PORTS * 20 + 64];
	struct perftp_event evs[] = {
		[SAMPLE_EXEC] = { "sched/sched_process_exec", NULL },
		[SAMPLE_FORK] = { "sched/sched_process_fork", NULL },
		/* connects only: entering SYN_SENT, and leaving it */
		[SAMPLE_SOCK] = { "sock/inet_sock_set_state",
				  "newstate == 2 || oldstate == 2" },
		[SAMPLE_EXIT] = { "sched/sched_process_exit", NULL },
		[SAMPLE_ROUTE] = { "fib/fib_table_lookup", filter },
		[SAMPLE_ROUTE6] = { "fib6/fib6_table_lookup", filter },
	};
	size_t i, n = sizeof(evs) / sizeof(evs[0]);

	if (!perftp_tracefs()) {
		log_warn("sockconn: no tracefs (%m), and it cannot be mounted; programs behind connections are named from audit and /proc only");
		return 0;
	}
	if (tp_formats_read(&sc->f) < 0) {
		log_warn("sockconn: the kernel has no usable sock:inet_sock_set_state tracepoint (%m); programs behind connections are named from audit and /proc only");
		return 0;
	}
	if (!sc->f.routes ||
	    !route_filter(sc->env->cfg->catalog, filter, sizeof(filter)))
		n = SAMPLE_ROUTE;
	sc->tp = perftp_open(evs, n, SOCKCONN_RING_PAGES);
	if (!sc->tp && n > SAMPLE_ROUTE) {
		/* TCP at least: UDP is then named from audit and /proc */
		n = SAMPLE_ROUTE;
		sc->tp = perftp_open(evs, n, SOCKCONN_RING_PAGES);
	}
	if (!sc->tp) {
		log_warn("sockconn: tracepoints cannot be opened (%m%s); programs behind connections are named from audit and /proc only",
			 errno == EACCES || errno == EPERM ?
			 ": needs CAP_PERFMON or CAP_SYS_ADMIN" : "");
		return 0;
	}
	sc->udp = n > SAMPLE_ROUTE;
	for (i = 0; i < perftp_nfds(sc->tp); i++)
		if (loop_add_fd(sc->env->loop, perftp_fd(sc->tp, i), EPOLLIN,
				on_ring, sc) < 0)
			return -1;
	model_set_connect_trace(sc->env->model, true, sc->udp);
	log_info("sockconn: %s named from kernel tracepoints on %zu CPUs",
		 sc->udp ? "TCP connects and UDP sends to the catalog's ports" :
		 "TCP connects (UDP from audit and /proc)",
		 perftp_nfds(sc->tp));
	return 0;
}
