// SPDX-License-Identifier: GPL-2.0-or-later
/* Connects and who made them, from tracepoints: see sockconn.h. */
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
#include "config/protocols.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/perftp.h"
#include "model/engine.h"
#include "model/model.h"
#include "sources/execroot.h"
#include "sources/progtrack.h"
#include "sources/sockbatch.h"
#include "sources/sockconn.h"
#include "sources/sockconn_priv.h"
#include "sources/tpconnect.h"
#include "sources/tpformat.h"

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
/*
 * An exec's view of /proc is read once the exec is this old (the next
 * round under load): a process of an exec storm lives a few ms, and
 * its end, read first, spares the look (view_execs).
 */
#define VIEW_AFTER_NS 5000000ull


static uint64_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* Samples were dropped: what was learnt from the stream may be stale. */
static void reset_tables(struct sockconn *sc)
{
	(*sc->resets)++;
	progtrack_reset(sc->progs);
	syn_table_reset(sc->syns);
}

/* A connect of a process in namespace netns (its inode; 0: unknown). */
static void publish(struct sockconn *sc, struct connect_event *ev,
		    uint64_t netns)
{
	/* which namespace: vigild's own (0), another, or not known */
	ev->netns = !netns ? NETNS_UNKNOWN : netns == sc->own_ns ? 0 : netns;
	if (!sc->all_ns && netns && netns != sc->watched_ns) {
		(*sc->other_ns)++;
		return;
	}
	if (!ev->sport || !ev->dport)
		return;
	if (!ev->exe)
		(*sc->unnamed)++;
	(*sc->connects)++;
	if (ev->proto == IPPROTO_UDP)
		(*sc->udp_connects)++;
	engine_publish(sc->env->engine, EV_CONNECT, ev);
}

/* The program the sample's task ran at its time; NULL: not known. */
static const struct prog *caller(struct sockconn *sc, const struct sample *it,
				 struct prog *tmp)
{
	if (it->pid <= 0)
		return NULL;
	return progtrack_at(sc->progs, it->pid, it->time, sockbatch_view(it),
			    tmp);
}

static void on_sock(struct sockconn *sc, const struct sample *it)
{
	const struct sock_sample *k = &it->u.sock;
	struct connect_event ev;
	struct prog tmp;
	uint64_t netns;

	/* an MPTCP or SCTP socket's own changes: its TCP subflows tell */
	if (k->protocol != IPPROTO_TCP)
		return;
	if (k->newstate == TCP_SYN_SENT)	/* in the task that connects */
		syn_table_enter(sc->syns, k->skaddr, it->pid,
				caller(sc, it, &tmp));
	else if (syn_table_leave(sc->syns, k, &ev, &netns))
		publish(sc, &ev, netns);
}

static void on_route(struct sockconn *sc, const struct sample *it)
{
	struct connect_event ev;
	struct prog tmp;
	uint64_t netns;

	if (route_connect(&it->u.route, it->pid, caller(sc, it, &tmp), &ev,
			  &netns))
		publish(sc, &ev, netns);
}

/* Does the sample name its caller's program (a view of it may be needed)? */
static bool names_caller(const struct sample *it)
{
	return it->kind == SAMPLE_FORK || it->kind == SAMPLE_ROUTE ||
	       (it->kind == SAMPLE_SOCK &&
		it->u.sock.newstate == TCP_SYN_SENT &&
		it->u.sock.protocol == IPPROTO_TCP);
}

/*
 * An exec's file, named for a process /proc can no longer tell of
 * (progtrack's namer: only when its program is asked for).
 */
static char *exec_name(void *data, uint64_t cgid, const char *filename)
{
	struct sockconn *sc = data;
	enum execroot_how how;
	char *name = execroot_name(sc->roots, cgid, filename, &how);

	if (how == EXECROOT_MEMBER)
		(*sc->named_member)++;
	else if (how == EXECROOT_OWN)
		(*sc->named_own)++;
	else if (how == EXECROOT_REFUSED)
		(*sc->names_refused)++;
	return name;
}

/* A sample in: copied into the batch, checked against its size. */
static void take(const struct perftp_sample *s, void *data)
{
	struct sockconn *sc = data;
	struct sample *it;

	(*sc->samples)++;
	sc->last_time = s->time;
	/* a process's end (its leader's, not a thread's): only noted */
	if (s->event == SAMPLE_EXIT) {
		if (s->pid > 0 && s->pid == s->tid)
			sockbatch_exit(&sc->batch, s->pid, s->time);
		return;
	}
	it = sockbatch_next(&sc->batch);
	if (!it || !tp_sample_parse(&sc->f, s, it))
		return;	/* perftp_read() is given room left as its bound */
	sockbatch_push(&sc->batch);
	/*
	 * /proc as soon as the sample is read, the nearest to its time:
	 * for a fork or a connect, the caller's, when nothing is known of
	 * it yet.  An exec's a moment later (view_execs).
	 */
	if (it->kind == SAMPLE_EXEC && it->pid > 0)
		it->view_due = true;
	else if (it->pid > 0 && names_caller(it) &&
	    !progtrack_knows(sc->progs, it->pid))
		procview_read(it->pid, &it->pv);
}

/*
 * The program of each exec sample whose view is due, once every ring
 * was read: most programs of an exec storm end within a few ms, and
 * their ends, read this round, spare the look in /proc that would
 * find them gone (they are named when asked, as any process gone
 * before its view: progtrack.h).  An exec younger than VIEW_AFTER_NS
 * waits for the next round, so that its end may come first, unless
 * hurry (flows wait for their connects with no room left) or the
 * batch is half full: then nothing waits.  What follows a due view in
 * time waits with it (sockbatch_settled).
 */
static void view_execs(struct sockconn *sc, uint64_t now, bool hurry)
{
	struct sample *it;
	size_t i;

	if (sc->batch.n > SOCKBATCH_MAX / 2)
		hurry = true;
	for (i = 0; i < sc->batch.n; i++) {
		it = &sc->batch.s[i];
		if (!it->view_due)
			continue;
		if (sockbatch_ended(&sc->batch, it->pid, it->time)) {
			(*sc->views_spared)++;
			it->pv.gone = true;
		} else if (hurry || it->time + VIEW_AFTER_NS <= now) {
			procview_read(it->pid, &it->pv);
		} else {
			continue;
		}
		it->view_due = false;
		/* gone already: nothing reads its /proc again */
		if (it->pv.gone) {
			struct exec_gone eg = { it->pid };

			engine_publish(sc->env->engine, EV_EXEC_GONE, &eg);
		}
		/* where it runs now: a namespace nswatch may not know yet */
		if (it->pv.netns) {
			struct exec_netns en = { it->pid, it->pv.netns };

			engine_publish(sc->env->engine, EV_EXEC_NETNS, &en);
		}
		/* a view of a later exec is not this exec's program */
		if (it->pv.exe &&
		    !procview_is_exec_of(it->pid, it->u.exec.name, &it->pv)) {
			(*sc->views_refused)++;
			procview_clear(&it->pv);
		}
	}
	sockbatch_exits_clear(&sc->batch);
}

static void handle(struct sockconn *sc, struct sample *it)
{
	if (it->kind == SAMPLE_EXEC) {
		(*sc->execs)++;
		/*
		 * Without a view valid for it (gone, or a view after a later
		 * exec), progtrack has it named in its own root when asked.
		 */
		progtrack_exec(sc->progs, it->pid, it->time,
			       it->u.exec.name, sockbatch_view(it), it->cgroup);
	} else if (it->kind == SAMPLE_FORK) {
		(*sc->forks)++;
		progtrack_fork(sc->progs, it->pid, it->u.fork.child, it->time,
			       sockbatch_view(it));
	} else if (it->kind == SAMPLE_SOCK) {
		on_sock(sc, it);
	} else {
		on_route(sc, it);
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
 * (sockbatch.h); hurry: no exec's view waits (view_execs).  Returns
 * true when samples were left for later (the rings wake vigild only
 * for new ones).
 */
static bool drain(struct sockconn *sc, bool hurry)
{
	size_t nfds = perftp_nfds(sc->tp), quota, i, n, round, size;
	uint64_t lost, upto, now, start = loop_now_ms();
	bool more = false, full;

	sc->draining = true;
	for (round = 0; round < ROUNDS &&
	     (!round || loop_now_ms() - start < TURN_MS); round++) {
		more = full = false;
		/* every sample up to here is in the rings, to be read now */
		now = perftp_now();
		upto = now - SETTLE_NS;
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
		view_execs(sc, now, hurry);
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
		/* what is handled: all up to upto, or to the first kept */
		if (sc->batch.n && sc->batch.s[0].time <= upto)
			upto = sc->batch.s[0].time - 1;
		if (upto > model_trace_done(sc->env->model))
			model_set_trace_done(sc->env->model, upto);
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
	loop_timer_arm_grid(sc->coalesce, COALESCE_MS);
}

static void on_coalesced(struct loop *loop, struct loop_timer *t, void *data)
{
	struct sockconn *sc = data;

	(void)loop;
	(void)t;
	if (drain(sc, false)) {
		/* the rest soon, after the other sources had their turn */
		loop_timer_arm_grid(sc->coalesce, COALESCE_MS);
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
		loop_timer_arm_grid(sc->coalesce, COALESCE_MS);
	}
}

/*
 * Flows wait for their connects: hand the owner stage what the rings
 * hold now, and when it has no room left, what a due view would hold
 * back too, rather than let it give a flow up (conntrack reads up to a
 * thousand events in one turn of the loop).
 */
static void on_wanted(void *data, enum engine_event type, const void *p)
{
	struct sockconn *sc = data;

	(void)type;
	if (!sc->tp || sc->draining)
		return;
	(*sc->pulled)++;
	if (drain(sc, p && *(const bool *)p) &&
	    !loop_timer_armed(sc->coalesce)) {
		rings_enable(sc, 0);
		loop_timer_arm_grid(sc->coalesce, COALESCE_MS);
	}
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
	execroot_free(sc->roots);
	syn_table_free(sc->syns);
	model_set_connect_trace(sc->env->model, false, false);
	sockbatch_fini(&sc->batch);
	free(sc);
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
	sc->views_refused = engine_counter(e, "sockconn", "views_refused");
	sc->views_spared = engine_counter(e, "sockconn", "views_spared");
	sc->named_member = engine_counter(e, "sockconn",
					  "gone_named_by_cgroup");
	sc->named_own = engine_counter(e, "sockconn", "gone_named_by_vigild");
	sc->names_refused = engine_counter(e, "sockconn", "gone_not_named");
	sc->other_ns = engine_counter(e, "sockconn", "other_netns");
	sc->execs = engine_counter(e, "sockconn", "execs");
	sc->forks = engine_counter(e, "sockconn", "forks");
	sc->resets = engine_counter(e, "sockconn", "resets");
	sc->coalesced = engine_counter(e, "sockconn", "coalesced_wakeups");
	sc->pulled = engine_counter(e, "sockconn", "pulled");
	sc->udp_connects = engine_counter(e, "sockconn", "udp_connects");
	sc->coalesce = loop_timer_new(env->loop, on_coalesced, sc);
	sc->progs = progtrack_new(exec_name, sc);
	sc->roots = execroot_new();
	sc->syns = syn_table_new();
	if (!sc->samples || !sc->lost || !sc->connects || !sc->unnamed ||
	    !sc->other_ns || !sc->execs || !sc->forks || !sc->resets ||
	    !sc->coalesced || !sc->coalesce || !sc->progs || !sc->pulled ||
	    !sc->syns || !sc->udp_connects || !sc->views_refused ||
	    !sc->views_spared ||
	    !sc->roots || !sc->named_member || !sc->named_own ||
	    !sc->names_refused ||
	    sockbatch_init(&sc->batch) < 0 ||
	    engine_subscribe(e, EV_CONNECTS_WANTED, on_wanted, sc) < 0)
		return -1;
	sc->watched_ns = ns_inode(env->cfg->netns ? env->cfg->netns :
				  "/proc/self/ns/net");
	sc->own_ns = sc->watched_ns;
	sc->all_ns = env->cfg->all_namespaces && !env->cfg->netns;
	return sockconn_open(sc, on_ring);
}

const struct vigil_module sockconn_module = {
	.name = "sockconn",
	.init = sockconn_init,
	.fini = sockconn_fini,
};
