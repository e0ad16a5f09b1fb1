// SPDX-License-Identifier: GPL-2.0-or-later
/* The network namespaces of the host, as they come and go (nswatch.h). */
#include "build.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/netns.h"
#include "lib/nldump.h"
#include "model/model.h"
#include "sources/addr.h"
#include "sources/nsid.h"
#include "sources/nsnft.h"
#include "sources/nswatch.h"

struct nswatch {
	const struct vigil_env *env;
	struct nldump *rt;		/* rtnetlink in vigild's namespace */
	struct loop_timer *timer;
	uint64_t own;			/* vigild's namespace */
	unsigned int gen;		/* of the current rescan */
	bool table;			/* network.namespace_table at start */
	struct nsnft *nft;		/* libnftables, opened on first use */
	uint64_t *count, *added, *gone, *tables, *table_failed, *failed;
	uint64_t *dropped;
};

static const int nswatch_caps[] = {
	CAP_SYS_ADMIN,		/* setns() into a namespace */
	CAP_NET_ADMIN,		/* assign its id, load its table */
	CAP_SYS_PTRACE,		/* open another process's ns/net */
};

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	struct ns_entry *e = data;
	struct net_addr a;

	if (addr_parse_msg(nlh, &a) == RTM_NEWADDR &&
	    e->naddrs < NSTABLE_MAX_ADDRS)
		e->addrs[e->naddrs++] = a;
	return MNL_CB_OK;
}

static void reset_addrs(void *data)
{
	((struct ns_entry *)data)->naddrs = 0;
}

/* e's addresses, read in e (a failure keeps the old ones). */
static void read_addrs(struct nswatch *w, struct ns_entry *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct net_addr old[NSTABLE_MAX_ADDRS];
	struct nldump *d = nldump_open(e->path, NETLINK_ROUTE);
	size_t nold = e->naddrs;
	struct rtgenmsg *rt;

	if (!d) {
		(*w->failed)++;
		return;
	}
	memcpy(old, e->addrs, nold * sizeof(old[0]));
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	e->naddrs = 0;
	if (nldump_run(d, nlh, on_addr, e, reset_addrs) < 0) {
		(*w->failed)++;
		memcpy(e->addrs, old, nold * sizeof(old[0]));
		e->naddrs = nold;
	}
	nldump_close(d);
}

/* Start watching the namespace at path (inode ino). */
static void watch(struct nswatch *w, pid_t pid, const char *path,
		  uint64_t ino, const char *name)
{
	struct model *m = w->env->model;
	struct ns_entry *e;
	struct stat st;
	char msg[160];
	int fd;

	if (nstable_count(model_namespaces(m)) >= NSWATCH_MAX) {
		(*w->dropped)++;
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* the name may lead elsewhere by now: what is open counts */
	if (fd < 0 || fstat(fd, &st) < 0 || (uint64_t)st.st_ino != ino) {
		if (fd >= 0)
			close(fd);
		return;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		close(fd);
		return;
	}
	e->fd = fd;
	e->inode = ino;
	e->member = pid;
	e->seen_gen = w->gen;
	snprintf(e->path, sizeof(e->path), "/proc/self/fd/%d", fd);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->nsid = nsid_get(w->rt, fd);
	if (e->nsid < 0) {
		log_warn("nswatch: network namespace %llu has no id for conntrack (%m): its flows are not seen",
			 (unsigned long long)ino);
		(*w->failed)++;
		/* still watched (listeners, places), under no id */
		e->nsid = (int32_t)(-2 - (int32_t)(ino & 0x3fffffff));
	}
	read_addrs(w, e);
	engine_locate(w->env->engine, pid, ino, &e->place);
	e->located_ms = loop_now_ms();
	e->located_pid = pid;
	if (w->table && e->nsid >= 0 && nsnft_present(w->nft, fd) == 0) {
		bool acct_off = nsnft_acct(fd) == 0;

		if (nsnft_load(w->nft, fd, w->env->cfg->payload, msg,
			       sizeof(msg)) == 0) {
			e->table_loaded = true;
			e->acct_set = acct_off && w->env->cfg->payload;
			(*w->tables)++;
		} else {
			(*w->table_failed)++;
			log_warn("nswatch: cannot load table inet %s in network namespace %llu: %s",
				 NSNFT_TABLE, (unsigned long long)ino,
				 msg[0] ? msg : strerror(errno));
		}
	}
	if (model_ns_add(m, e) < 0) {
		nstable_entry_free(e);
		return;
	}
	(*w->added)++;
	*w->count = nstable_count(model_namespaces(m));
	log_info("nswatch: watching network namespace %llu%s%s%s%s%s%s (id %d, %zu addresses)",
		 (unsigned long long)ino, e->name[0] ? " " : "", e->name,
		 e->place.runtime ? ", " : "",
		 e->place.runtime ? e->place.runtime : "",
		 e->place.runtime ? " container " : "",
		 e->place.runtime ? e->place.ctr_id : "", (int)e->nsid,
		 e->naddrs);
}

/*
 * pid is in the watched e.  Found by its name first (podman names a
 * namespace before the container's process starts), e has no container
 * yet: a member's cgroup tells at once; no container then is asked
 * again later.
 */
static void member_seen(struct nswatch *w, struct ns_entry *e, pid_t pid)
{
	e->member = pid;
	if (!e->place.runtime &&
	    (!e->located_pid ||
	     loop_now_ms() - e->located_ms >= NSWATCH_LOCATE_MS)) {
		engine_locate(w->env->engine, pid, e->inode, &e->place);
		e->located_ms = loop_now_ms();
		e->located_pid = pid;
		if (e->place.runtime)
			log_info("nswatch: network namespace %llu%s%s is %s container %s",
				 (unsigned long long)e->inode,
				 e->name[0] ? " " : "", e->name,
				 e->place.runtime, e->place.ctr_id);
	}
}

/* A namespace seen at path: watched, or now marked as still there. */
static void seen(struct nswatch *w, pid_t pid, const char *path,
		 uint64_t ino, const char *name)
{
	struct ns_entry *e;

	if (ino == w->own)
		return;
	e = nstable_by_inode(model_namespaces(w->env->model), ino);
	if (!e) {
		watch(w, pid, path, ino, name);
		return;
	}
	e->seen_gen = w->gen;
	if (pid)
		member_seen(w, e, pid);
	if (name[0] && strcmp(e->name, name))
		snprintf(e->name, sizeof(e->name), "%s", name);
}

static void scan_named(struct nswatch *w)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;
	char path[300];
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > 63)
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		/* an unmounted name is a plain file of the tmpfs */
		if (netns_check(path) == 0 && stat(path, &st) == 0)
			seen(w, 0, path, (uint64_t)st.st_ino, de->d_name);
	}
	closedir(d);
}

static void scan_procs(struct nswatch *w)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[64];
	struct stat st;
	pid_t pid;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if (stat(path, &st) == 0)
			seen(w, pid, path, (uint64_t)st.st_ino, "");
	}
	closedir(d);
}

static void rescan(struct nswatch *w)
{
	struct nstable *t = model_namespaces(w->env->model);
	uint64_t now = loop_now_ms();
	struct ns_entry *e, *next;

	w->gen++;
	scan_named(w);
	scan_procs(w);
	for (e = nstable_first(t); e; e = next) {
		next = nstable_next(e);
		if (e->seen_gen != w->gen) {
			log_info("nswatch: network namespace %llu is gone",
				 (unsigned long long)e->inode);
			(*w->gone)++;
			model_ns_remove(w->env->model, e);
		} else if (now / NSWATCH_ADDRS_MS !=
			   (now - NSWATCH_RESCAN_MS) / NSWATCH_ADDRS_MS) {
			read_addrs(w, e);
		}
	}
	*w->count = nstable_count(t);
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *data)
{
	(void)loop;
	(void)t;
	rescan(data);
}

/*
 * pid is in namespace ino: watched from now on, if it is new; if it is
 * known by its name alone, located through pid while pid lives (a
 * client of it gone before vigild reads its cgroup is then still
 * placed, not only from the next rescan on).
 */
static void seen_in(struct nswatch *w, pid_t pid, uint64_t ino)
{
	struct ns_entry *e;
	char path[64];

	if (ino == w->own)
		return;
	e = nstable_by_inode(model_namespaces(w->env->model), ino);
	if (e) {
		member_seen(w, e, pid);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	watch(w, pid, path, ino, "");
}

/*
 * A new program: in a namespace not seen yet (a container starting)?
 * While the exec tracepoint is read, sockconn says where each exec ran
 * (on_exec_netns), and this look (a /proc walk per exec, a tenth of an
 * exec's cost to vigild) is not needed.
 */
static void on_exec(void *data, enum engine_event type, const void *p)
{
	const struct exec_event *ev = p;
	struct nswatch *w = data;
	char path[64];
	struct stat st;

	(void)type;
	if (model_connect_trace(w->env->model))
		return;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)ev->pid);
	if (stat(path, &st) == 0)
		seen_in(w, ev->pid, (uint64_t)st.st_ino);
}

static void on_exec_netns(void *data, enum engine_event type, const void *p)
{
	const struct exec_netns *ev = p;

	(void)type;
	seen_in(data, ev->pid, ev->netns);
}

static bool nswatch_needs_caps(const struct vigil_config *cfg)
{
	return cfg->all_namespaces && !cfg->netns;
}

static void nswatch_fini(void *priv)
{
	struct nswatch *w = priv;
	struct ns_entry *e;

	if (!w)
		return;
	/* leave the namespaces as they were: our table goes */
	for (e = w->env ? nstable_first(model_namespaces(w->env->model)) :
			  NULL; e; e = nstable_next(e)) {
		if (e->table_loaded && nsnft_unload(w->nft, e->fd) < 0)
			log_warn("nswatch: cannot remove table inet %s from network namespace %llu: %m",
				 NSNFT_TABLE, (unsigned long long)e->inode);
		/* its log rules turned conntrack accounting on there */
		if (e->table_loaded && e->acct_set && nsnft_acct_off(e->fd) < 0)
			log_info("nswatch: conntrack accounting stays on in network namespace %llu (%m)",
				 (unsigned long long)e->inode);
	}
	nldump_close(w->rt);
	nsnft_free(w->nft);
	loop_timer_free(w->timer);
	free(w);
}

static int nswatch_init(const struct vigil_env *env, void **priv)
{
	struct nswatch *w = calloc(1, sizeof(*w));
	struct engine *e = env->engine;
	struct stat st;

	if (!w)
		return -1;
	*priv = w;
	w->env = env;
	w->count = engine_counter(e, "netns", "watched");
	w->added = engine_counter(e, "netns", "added");
	w->gone = engine_counter(e, "netns", "gone");
	w->tables = engine_counter(e, "netns", "tables_loaded");
	w->table_failed = engine_counter(e, "netns", "table_failed");
	w->failed = engine_counter(e, "netns", "errors");
	w->dropped = engine_counter(e, "netns", "not_watched");
	w->timer = loop_timer_new(env->loop, on_timer, w);
	if (!w->count || !w->added || !w->gone || !w->tables ||
	    !w->table_failed || !w->failed || !w->dropped || !w->timer)
		return -1;
	if (!nswatch_needs_caps(env->cfg))
		return 0;
	if (stat("/proc/self/ns/net", &st) < 0 ||
	    !(w->rt = nldump_open(NULL, NETLINK_ROUTE))) {
		log_err("nswatch: %m: only vigild's own network namespace is watched");
		return 0;
	}
	w->own = (uint64_t)st.st_ino;
	w->table = env->cfg->namespace_table;
	if (w->table && !(w->nft = nsnft_new()))
		return -1;
	if (engine_subscribe(e, EV_EXEC_NETNS, on_exec_netns, w) < 0)
		return -1;
	return engine_subscribe(e, EV_EXEC, on_exec, w);
}

static void nswatch_start(void *priv)
{
	struct nswatch *w = priv;

	if (!w->rt)
		return;
	rescan(w);
	loop_timer_arm(w->timer, NSWATCH_RESCAN_MS, NSWATCH_RESCAN_MS);
}

const struct vigil_module nswatch_module = {
	.name = "nswatch",
	.caps = nswatch_caps,
	.ncaps = sizeof(nswatch_caps) / sizeof(nswatch_caps[0]),
	.needs_caps = nswatch_needs_caps,
	.init = nswatch_init,
	.start = nswatch_start,
	.fini = nswatch_fini,
};
