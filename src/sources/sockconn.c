// SPDX-License-Identifier: GPL-2.0-or-later
/* TCP connects and who made them, from tracepoints: see sockconn.h. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/perftp.h"
#include "model/engine.h"
#include "model/model.h"
#include "sources/progtrack.h"
#include "sources/sockbatch.h"
#include "sources/sockconn.h"

#define TCP_SYN_SENT 2
/* Batches read in one wakeup at most: then the loop serves others. */
#define ROUNDS 4
/* ...and time spent on them (as conntrack's CT_TURN_MS). */
#define TURN_MS 4
/*
 * Samples gather this long before a read (as conntrack's events: see
 * CT_COALESCE_MS).  20,000 connects a second make about 4 MB of
 * samples a second: 20 KB in 5 ms, where the rings hold 256 KB each.
 */
#define COALESCE_MS 5
/*
 * A sample is in its ring this long after its time at most (it is
 * written with preemption off, but a vCPU can be stopped): samples
 * are handled once the rings were read this long after them.
 */
#define SETTLE_NS 2000000ull

/* Offsets of the tracepoint fields used, read from tracefs. */
struct sock_fmt {
	size_t skaddr, oldstate, newstate, sport, dport, family, protocol,
	       saddr, daddr, saddr_v6, daddr_v6;
};

/* A socket in SYN_SENT: who connected, until the tuple is known. */
struct syn {
	uint64_t skaddr;	/* 0: empty */
	pid_t pid;
	uid_t uid;
	uint64_t netns;
	char comm[17];
	char *exe;
};

struct sockconn {
	const struct vigil_env *env;
	struct perftp *tp;
	struct sock_fmt f;
	size_t exec_name;	/* offset of the filename __data_loc */
	size_t fork_child;	/* offset of child_pid */
	struct loop_timer *coalesce;
	uint64_t watched_ns;	/* inode of the watched netns; 0: any */
	uint64_t own_ns;	/* vigild's own */
	bool all_ns;		/* network.namespaces = "all": every one */
	struct progtrack *progs;
	struct syn syns[SOCKCONN_SOCKS];
	struct sockbatch batch;
	uint64_t last_time;	/* of the last sample taken */
	uint64_t *samples, *lost, *connects, *unnamed, *other_ns, *execs;
	uint64_t *forks, *resets, *coalesced, *pulled;
	bool draining;			/* drain() is on the stack */
};

static void syn_clear(struct syn *s)
{
	free(s->exe);
	memset(s, 0, sizeof(*s));
}

static uint64_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Samples were dropped: what was learnt from the stream may be stale. */
static void reset_tables(struct sockconn *sc)
{
	size_t i;

	(*sc->resets)++;
	progtrack_reset(sc->progs);
	for (i = 0; i < SOCKCONN_SOCKS; i++)
		syn_clear(&sc->syns[i]);
}

static struct syn *syn_slot(struct sockconn *sc, uint64_t skaddr)
{
	uint64_t h = (skaddr >> 6) * 0x9E3779B97F4A7C15ull;

	return &sc->syns[(h >> 32) % SOCKCONN_SOCKS];
}

static void addr_of(struct net_addr *a, uint16_t family, const uint8_t *raw)
{
	struct net_addr m;

	net_addr_set(&m, (uint8_t)family, raw);
	/* a dual-stack socket to a v4 address: conntrack shows v4 */
	net_addr_unmap(&m, a);
}

static void on_sock(struct sockconn *sc, const struct sample *it)
{
	const struct sock_sample *k = &it->u.sock;
	struct syn *s = syn_slot(sc, k->skaddr);
	const struct prog *p;
	struct prog tmp;
	struct connect_event ev;

	/* an MPTCP or SCTP socket's own changes: its TCP subflows tell */
	if (k->protocol != IPPROTO_TCP)
		return;
	if (k->newstate == TCP_SYN_SENT) {
		/* in the task that called connect() */
		syn_clear(s);
		s->skaddr = k->skaddr;
		s->pid = it->pid;
		s->uid = (uid_t)-1;
		p = it->pid > 0 ? progtrack_at(sc->progs, it->pid, it->time,
					       sockbatch_view(it), &tmp) : NULL;
		if (p) {
			s->uid = p->uid;
			s->netns = p->netns;
			memcpy(s->comm, p->comm, sizeof(s->comm));
			s->exe = p->exe ? strdup(p->exe) : NULL;
		}
		return;
	}
	if (k->oldstate != TCP_SYN_SENT || s->skaddr != k->skaddr)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.pid = s->pid;
	ev.uid = ev.euid = s->uid;
	ev.exe = s->exe;
	ev.comm = s->comm;
	ev.proto = IPPROTO_TCP;
	ev.fd = -1;
	ev.is_connect = true;
	ev.sport = k->sport;
	ev.dport = k->dport;
	if (k->family == AF_INET6) {
		addr_of(&ev.src, AF_INET6, k->saddr);
		addr_of(&ev.dst, AF_INET6, k->daddr);
	} else {
		addr_of(&ev.src, AF_INET, k->saddr);
		addr_of(&ev.dst, AF_INET, k->daddr);
	}
	/* which namespace: vigild's own (0), another, or not known */
	ev.netns = !s->netns ? NETNS_UNKNOWN :
		   s->netns == sc->own_ns ? 0 : s->netns;
	if (!sc->all_ns && s->netns && s->netns != sc->watched_ns) {
		(*sc->other_ns)++;
	} else if (ev.sport && ev.dport) {
		if (!s->exe)
			(*sc->unnamed)++;
		(*sc->connects)++;
		engine_publish(sc->env->engine, EV_CONNECT, &ev);
	}
	syn_clear(s);
}

static uint16_t u16_at(const uint8_t *raw, size_t off)
{
	uint16_t v;

	memcpy(&v, raw + off, 2);
	return v;
}

static int i32_at(const uint8_t *raw, size_t off)
{
	int32_t v;

	memcpy(&v, raw + off, 4);
	return v;
}

/* A sample in: copied into the batch, checked against its size. */
static void take(const struct perftp_sample *s, void *data)
{
	struct sockconn *sc = data;
	struct sample *it = sockbatch_next(&sc->batch);
	const struct sock_fmt *f = &sc->f;
	const char *name;
	size_t len;

	(*sc->samples)++;
	sc->last_time = s->time;
	if (!it)
		return;	/* perftp_read() is given room left as its bound */
	it->time = s->time;
	it->pid = s->pid;
	it->kind = (uint8_t)s->event;
	if (s->event == SAMPLE_FORK) {
		if (s->raw_size < sc->fork_child + 4)
			return;
		memcpy(&it->u.fork.child, s->raw + sc->fork_child, 4);
	} else if (s->event == SAMPLE_EXEC) {
		name = perftp_data_loc(s->raw, s->raw_size, sc->exec_name,
				       &len);
		if (name && len < sizeof(it->u.exec.name))
			memcpy(it->u.exec.name, name, len + 1);
		else
			it->u.exec.name[0] = '\0';
	} else {
		if (s->raw_size < f->daddr_v6 + 16)
			return;
		memcpy(&it->u.sock.skaddr, s->raw + f->skaddr, 8);
		it->u.sock.oldstate = i32_at(s->raw, f->oldstate);
		it->u.sock.newstate = i32_at(s->raw, f->newstate);
		it->u.sock.sport = u16_at(s->raw, f->sport);
		it->u.sock.dport = u16_at(s->raw, f->dport);
		it->u.sock.family = u16_at(s->raw, f->family);
		it->u.sock.protocol = u16_at(s->raw, f->protocol);
		if (it->u.sock.family == AF_INET6) {
			memcpy(it->u.sock.saddr, s->raw + f->saddr_v6, 16);
			memcpy(it->u.sock.daddr, s->raw + f->daddr_v6, 16);
		} else {
			memcpy(it->u.sock.saddr, s->raw + f->saddr, 4);
			memcpy(it->u.sock.daddr, s->raw + f->daddr, 4);
		}
	}
	sockbatch_push(&sc->batch);
	/*
	 * /proc as soon as the sample is read, the nearest to its time:
	 * for an exec, its program; for a fork or a connect, the caller's,
	 * when nothing is known of it yet.
	 */
	if (it->pid > 0 && (s->event == SAMPLE_EXEC ||
	    ((s->event == SAMPLE_FORK || (it->u.sock.newstate == TCP_SYN_SENT &&
	      it->u.sock.protocol == IPPROTO_TCP)) &&
	     !progtrack_knows(sc->progs, it->pid))))
		procview_read(it->pid, &it->pv);
}

static void handle(struct sockconn *sc, struct sample *it)
{
	if (it->kind == SAMPLE_EXEC) {
		(*sc->execs)++;
		progtrack_exec(sc->progs, it->pid, it->time,
			       it->u.exec.name, sockbatch_view(it));
	} else if (it->kind == SAMPLE_FORK) {
		(*sc->forks)++;
		progtrack_fork(sc->progs, it->pid, it->u.fork.child, it->time,
			       sockbatch_view(it));
	} else {
		on_sock(sc, it);
	}
}

/*
 * Read every ring, at most its share of the batch each, and handle the
 * samples in time order.  A ring cut short by its share may still hold
 * samples older than another ring's last one: only what is no newer
 * than the oldest last sample of a cut ring is handled now, the rest
 * is kept for the next round, so a child's exec is never handled after
 * its connect nor its fork after its exec.  A sample whose view of
 * /proc was read after the rings waits until they are read again
 * (sockbatch.h).  Returns true when samples were left for later (the
 * rings wake vigild only for new ones).
 */
static bool drain(struct sockconn *sc)
{
	size_t nfds = perftp_nfds(sc->tp), quota, i, n, round, size;
	uint64_t lost, upto, start = loop_now_ms();
	bool more = false, full;

	sc->draining = true;
	for (round = 0; round < ROUNDS &&
	     (!round || loop_now_ms() - start < TURN_MS); round++) {
		more = full = false;
		/* every sample up to here is in the rings, to be read now */
		upto = perftp_now() - SETTLE_NS;
		/* each ring its share, so no CPU's samples wait behind another's */
		quota = (SOCKBATCH_MAX - sc->batch.n) / nfds;
		lost = *sc->lost;
		for (i = 0; quota && i < nfds; i++) {
			if (perftp_pending(sc->tp, i, &size) > size / 2)
				full = true;
			if (perftp_read(sc->tp, i, quota, take, sc,
					sc->lost) == quota) {
				more = true;
				if (sc->last_time < upto)
					upto = sc->last_time;
			}
		}
		/*
		 * Rather unnamed than wrong: a lost exec would leave a pid
		 * named after its old program, a lost SYN_SENT would join a
		 * socket with an older one at the same address.  The kernel
		 * says so (a LOST record) only at a ring's next sample,
		 * maybe after a later sample of another CPU was read: a
		 * ring found half full means vigild fell behind, and
		 * samples may be gone already.
		 */
		if (*sc->lost != lost || full)
			reset_tables(sc);
		sockbatch_order(&sc->batch);
		n = sockbatch_settled(&sc->batch, upto);
		for (i = 0; i < n; i++)
			handle(sc, &sc->batch.s[i]);
		sockbatch_drop(&sc->batch, n);
		if (!more)
			break;
	}
	sc->draining = false;
	/* samples not settled yet are handled at the next turn */
	return more || sc->batch.n;
}

static bool rings_pending(const struct sockconn *sc)
{
	size_t i, size;

	for (i = 0; i < perftp_nfds(sc->tp); i++)
		if (perftp_pending(sc->tp, i, &size))
			return true;
	return false;
}

static void rings_enable(struct sockconn *sc, uint32_t events)
{
	size_t i;

	for (i = 0; i < perftp_nfds(sc->tp); i++)
		loop_mod_fd(sc->env->loop, perftp_fd(sc->tp, i), events);
}

/*
 * A sample is waiting: read a moment later, not now.  A connect is two
 * samples (and a fork and an exec before it); waking once for all of
 * them costs a fifth of waking for each, and the flow waits for its
 * record anyway.
 */
static void on_ring(struct loop *loop, int fd, uint32_t events, void *data)
{
	struct sockconn *sc = data;

	(void)loop;
	(void)fd;
	(void)events;
	if (loop_timer_armed(sc->coalesce))
		return;
	rings_enable(sc, 0);
	(*sc->coalesced)++;
	loop_timer_arm(sc->coalesce, COALESCE_MS, 0);
}

static void on_coalesced(struct loop *loop, struct loop_timer *t, void *data)
{
	struct sockconn *sc = data;

	(void)loop;
	(void)t;
	if (drain(sc)) {
		/* the rest soon, after the other sources had their turn */
		loop_timer_arm(sc->coalesce, COALESCE_MS, 0);
		return;
	}
	/*
	 * A ring tells of new samples by a wakeup, not by being readable:
	 * one that came between the read and now would wait for the next.
	 * Resume first, then look, so that none falls between the two.
	 */
	rings_enable(sc, EPOLLIN);
	if (rings_pending(sc)) {
		rings_enable(sc, 0);
		loop_timer_arm(sc->coalesce, COALESCE_MS, 0);
	}
}

/*
 * Flows wait for their connects and the owner stage has no room left:
 * hand it what the rings hold now rather than let it give a flow up
 * (conntrack reads up to a thousand events in one turn of the loop).
 */
static void on_wanted(void *data, enum engine_event type, const void *p)
{
	struct sockconn *sc = data;

	(void)type;
	(void)p;
	if (!sc->tp || sc->draining)
		return;
	(*sc->pulled)++;
	if (drain(sc) && !loop_timer_armed(sc->coalesce)) {
		rings_enable(sc, 0);
		loop_timer_arm(sc->coalesce, COALESCE_MS, 0);
	}
}

static int read_formats(struct sockconn *sc)
{
	static const char ev[] = "sock/inet_sock_set_state";
	struct {
		const char *name;
		size_t *off;
		size_t size;
	} want[] = {
		{ "skaddr", &sc->f.skaddr, 8 },
		{ "oldstate", &sc->f.oldstate, 4 },
		{ "newstate", &sc->f.newstate, 4 },
		{ "sport", &sc->f.sport, 2 },
		{ "dport", &sc->f.dport, 2 },
		{ "family", &sc->f.family, 2 },
		{ "protocol", &sc->f.protocol, 2 },
		{ "saddr", &sc->f.saddr, 4 },
		{ "daddr", &sc->f.daddr, 4 },
		{ "saddr_v6", &sc->f.saddr_v6, 16 },
		{ "daddr_v6", &sc->f.daddr_v6, 16 },
	};
	size_t i, size;
	int off;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		off = perftp_field(ev, want[i].name, &size);
		if (off < 0)
			return -1;
		if (size != want[i].size) {
			errno = EPROTO;
			return -1;
		}
		*want[i].off = (size_t)off;
	}
	off = perftp_field("sched/sched_process_exec", "filename", &size);
	if (off < 0)
		return -1;
	sc->exec_name = (size_t)off;
	off = perftp_field("sched/sched_process_fork", "child_pid", &size);
	if (off < 0 || size != 4)
		return -1;
	sc->fork_child = (size_t)off;
	return 0;
}

static void sockconn_fini(void *priv)
{
	struct sockconn *sc = priv;
	size_t i;

	if (!sc)
		return;
	if (sc->tp)
		for (i = 0; i < perftp_nfds(sc->tp); i++)
			loop_del_fd(sc->env->loop, perftp_fd(sc->tp, i));
	perftp_close(sc->tp);
	loop_timer_free(sc->coalesce);
	progtrack_free(sc->progs);
	for (i = 0; i < SOCKCONN_SOCKS; i++)
		syn_clear(&sc->syns[i]);
	model_set_connect_trace(sc->env->model, false);
	sockbatch_fini(&sc->batch);
	free(sc);
}

static int open_tracepoints(struct sockconn *sc)
{
	const struct perftp_event evs[] = {
		[SAMPLE_EXEC] = { "sched/sched_process_exec", NULL },
		[SAMPLE_FORK] = { "sched/sched_process_fork", NULL },
		/* connects only: entering SYN_SENT, and leaving it */
		[SAMPLE_SOCK] = { "sock/inet_sock_set_state",
			      "newstate == 2 || oldstate == 2" },
	};
	size_t i;

	if (!perftp_tracefs()) {
		log_warn("sockconn: no tracefs (%m), and it cannot be mounted; programs behind connections are named from audit and /proc only");
		return 0;
	}
	if (read_formats(sc) < 0) {
		log_warn("sockconn: the kernel has no usable sock:inet_sock_set_state tracepoint (%m); programs behind connections are named from audit and /proc only");
		return 0;
	}
	sc->tp = perftp_open(evs, sizeof(evs) / sizeof(evs[0]),
			     SOCKCONN_RING_PAGES);
	if (!sc->tp) {
		log_warn("sockconn: tracepoints cannot be opened (%m%s); programs behind connections are named from audit and /proc only",
			 errno == EACCES || errno == EPERM ?
			 ": needs CAP_PERFMON or CAP_SYS_ADMIN" : "");
		return 0;
	}
	for (i = 0; i < perftp_nfds(sc->tp); i++)
		if (loop_add_fd(sc->env->loop, perftp_fd(sc->tp, i), EPOLLIN,
				on_ring, sc) < 0)
			return -1;
	model_set_connect_trace(sc->env->model, true);
	log_info("sockconn: TCP connects named from kernel tracepoints on %zu CPUs",
		 perftp_nfds(sc->tp));
	return 0;
}

static int sockconn_init(const struct vigil_env *env, void **priv)
{
	struct sockconn *sc;
	struct engine *e = env->engine;

	if (!env->cfg->tracepoints)
		return 0;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -1;
	*priv = sc;
	sc->env = env;
	sc->samples = engine_counter(e, "sockconn", "samples");
	sc->lost = engine_counter(e, "sockconn", "lost");
	sc->connects = engine_counter(e, "sockconn", "connects");
	sc->unnamed = engine_counter(e, "sockconn", "unnamed");
	sc->other_ns = engine_counter(e, "sockconn", "other_netns");
	sc->execs = engine_counter(e, "sockconn", "execs");
	sc->forks = engine_counter(e, "sockconn", "forks");
	sc->resets = engine_counter(e, "sockconn", "resets");
	sc->coalesced = engine_counter(e, "sockconn", "coalesced_wakeups");
	sc->pulled = engine_counter(e, "sockconn", "pulled");
	sc->coalesce = loop_timer_new(env->loop, on_coalesced, sc);
	sc->progs = progtrack_new();
	if (!sc->samples || !sc->lost || !sc->connects || !sc->unnamed ||
	    !sc->other_ns || !sc->execs || !sc->forks || !sc->resets ||
	    !sc->coalesced || !sc->coalesce || !sc->progs || !sc->pulled ||
	    sockbatch_init(&sc->batch) < 0 ||
	    engine_subscribe(e, EV_CONNECTS_WANTED, on_wanted, sc) < 0)
		return -1;
	sc->watched_ns = ns_inode(env->cfg->netns ? env->cfg->netns :
				  "/proc/self/ns/net");
	sc->own_ns = sc->watched_ns;
	sc->all_ns = env->cfg->all_namespaces && !env->cfg->netns;
	return open_tracepoints(sc);
}

const struct vigil_module sockconn_module = {
	.name = "sockconn",
	.init = sockconn_init,
	.fini = sockconn_fini,
};
