// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sources/audit.h"
#include "sources/auditrec.h"
#include "sources/auditreg.h"
#include "sources/auditrules.h"
#include "lib/coalesce.h"
#include "lib/log.h"
#include "lib/recvbatch.h"
#include "sources/cnproc.h"
#include "sources/proc.h"
#include "config/config.h"
#include "lib/loop.h"
#include "model/model.h"

#define RCVBUF_BYTES (8 * 1024 * 1024)
/*
 * Records read with one recvmmsg, each into 16 KB: a PATH record of a
 * name of PATH_MAX bytes, in hex, is over 8 KB.
 */
#define AUDIT_BATCH 32
#define AUDIT_REC_SIZE 16384
/* Read turns: at most this many batches, and this long (as ct.c). */
#define AUDIT_ROUNDS 8
#define AUDIT_TURN_MS 4
/* Under load, reads at most this often (as CT_COALESCE_MS). */
#define AUDIT_COALESCE_MS 5
#define N_BUCKETS 1024

/* A file an event's PATH record names, by identity. */
struct file_id {
	dev_t dev;
	ino_t ino;
};
#define AUDIT_MAX_PATHS 4

/* One audit event being assembled from its records. */
struct pending {
	uint64_t serial;
	uint64_t born_ms;
	int have_syscall;
	char syscall[32];
	int success;
	unsigned long long a0, a2;
	pid_t pid;
	uid_t uid, euid;
	char *exe;		/* allocated by need: most events have none */
	char comm[64];
	struct file_id files[AUDIT_MAX_PATHS];	/* from PATH records */
	int nfiles;
	bool have_saddr;	/* an AF_INET/6 SOCKADDR record came */
	struct net_addr saddr;
	uint16_t sport;
	struct pending *hnext;
	struct pending *prev, *next;	/* age order */
};

/* A process whose mappings changed, handled in the next batch. */
struct dirty {
	pid_t pid;
	uid_t uid, euid;
	char comm[17];
	char *exe;		/* from an exec record, or NULL */
	struct file_id files[AUDIT_MAX_PATHS];	/* what the exec opened */
	int nfiles;
};

struct audit_src {
	const struct vigil_env *env;
	enum audit_mode mode;	/* audit.mode in effect */
	struct dirty dirty[AUDIT_MAX_DIRTY];
	size_t ndirty;
	struct loop_timer *batch_timer;
	int rec_fd;		/* records: the multicast group */
	int mgmt_fd;		/* rules and status */
	struct auditreg *reg;	/* the courtesy registration, or NULL */
	struct cnproc *cn;	/* execs beside another audit daemon */
	bool other_daemon;	/* another audit daemon is registered */
	int enabled_by_us;
	uint32_t old_backlog;	/* restored at exit when non-zero */
	int rules_installed;
	int connect_rules;	/* connect() is audited */
	struct mnl_socket *mc;
	struct pending *buckets[N_BUCKETS];
	struct pending *oldest, *newest;
	unsigned int npending;
	uint64_t max_serial;
	uint32_t lost_base;
	int lost_known;
	struct loop_timer *flush_timer, *check_timer, *readd_timer;
	uint64_t *records, *events, *execs, *mmaps, *gaps, *lost,
		 *enobufs, *readded, *malformed, *incomplete, *registered,
		 *yields, *table_full, *connects, *rules_active;
	struct recvbatch *batch;
	struct coalesce *reader;	/* of rec_fd */
	uint64_t *deferred;
};


/* libaudit writes into the "field=value" it is given: pass a copy. */
static int add_pair(struct audit_rule_data **r, const char *pair)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", pair);
	return audit_rule_fieldpair_data(r, buf, AUDIT_FILTER_EXIT);
}

/*
 * The key as a rule field, written per the kernel's struct
 * audit_rule_data: libaudit's parser only takes "key=" after its
 * private "syscall added" flag is set, which only auditctl sets.
 */
static int add_key(struct audit_rule_data **r, const char *key)
{
	size_t klen = strlen(key), n = (*r)->field_count;
	struct audit_rule_data *nr;

	if (n >= AUDIT_MAX_FIELDS || klen > AUDIT_MAX_KEY_LEN)
		return -EINVAL;
	nr = realloc(*r, sizeof(*nr) + (*r)->buflen + klen);
	if (!nr)
		return -ENOMEM;
	memcpy(nr->buf + nr->buflen, key, klen);
	nr->buflen += (uint32_t)klen;
	nr->fields[n] = AUDIT_FILTERKEY;
	nr->values[n] = (uint32_t)klen;
	nr->fieldflags[n] = AUDIT_EQUAL;
	nr->field_count++;
	*r = nr;
	return 0;
}

/* Add or delete one rule; returns 0, -EEXIST/-ENOENT, or -errno. */
static int rule_op(int fd, size_t i, int add)
{
	struct audit_rule_data *r = audit_rule_create_data();
	int rc, k;

	if (!r)
		return -ENOMEM;
	rc = add_pair(&r, audit_rule_set[i].arch);
	for (k = 0; rc == 0 && audit_rule_set[i].syscalls[k]; k++)
		rc = audit_rule_syscallbyname_data(r, audit_rule_set[i].syscalls[k]);
	for (k = 0; rc == 0 && audit_rule_set[i].filters[k]; k++)
		rc = add_pair(&r, audit_rule_set[i].filters[k]);
	if (rc == 0)
		rc = add_key(&r, "vigil");
	if (rc != 0) {
		/* An arch this kernel lacks (b32 without compat): skip. */
		audit_rule_free_data(r);
		return -EINVAL;
	}
	rc = add ? audit_add_rule_data(fd, r, AUDIT_FILTER_EXIT, AUDIT_ALWAYS) :
		   audit_delete_rule_data(fd, r, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
	audit_rule_free_data(r);
	return rc < 0 ? rc : 0;
}

static bool rule_has(size_t i, const char *syscall)
{
	int k;

	for (k = 0; audit_rule_set[i].syscalls[k]; k++)
		if (!strcmp(audit_rule_set[i].syscalls[k], syscall))
			return true;
	return false;
}

/*
 * Returns how many rules had to be added; -1 if none could be.  Notes
 * whether connect() is audited (a kernel before 5.3 has no saddr_fam).
 */
static int install_rules(struct audit_src *as)
{
	int added = 0, ok = 0, rc;
	size_t i;

	for (i = 0; i < audit_rule_count; i++) {
		rc = rule_op(as->mgmt_fd, i, 1);
		if (rc == 0)
			added++;
		if ((rc == 0 || rc == -EEXIST) && rule_has(i, "connect"))
			as->connect_rules = 1;
		if (rc == 0 || rc == -EEXIST)
			ok++;
		else if (rc != -EINVAL)
			log_warn("audit: cannot add rule %zu: %s", i,
				 strerror(-rc));
	}
	return ok ? added : -1;
}

static void remove_rules(struct audit_src *as)
{
	size_t i;

	for (i = 0; i < audit_rule_count; i++)
		rule_op(as->mgmt_fd, i, 0);
}

static struct pending **bucket(struct audit_src *as, uint64_t serial)
{
	return &as->buckets[serial % N_BUCKETS];
}

static struct pending *find_pending(struct audit_src *as, uint64_t serial)
{
	struct pending *p;

	for (p = *bucket(as, serial); p; p = p->hnext)
		if (p->serial == serial)
			return p;
	return NULL;
}

static void unlink_pending(struct audit_src *as, struct pending *p)
{
	struct pending **pp;

	for (pp = bucket(as, p->serial); *pp; pp = &(*pp)->hnext) {
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		as->oldest = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		as->newest = p->prev;
	as->npending--;
}

static void free_pending(struct pending *p)
{
	free(p->exe);
	free(p);
}

static const char *exe_of(const struct pending *p)
{
	return p->exe ? p->exe : "";
}

/*
 * MMAP records name no file: the process's maps do.  A process start
 * brings an exec and several mmaps, so processes are gathered and their
 * maps read once per batch.  One already gone is judged by the exe its
 * exec record named.
 */
static void publish_dirty(struct audit_src *as, const struct dirty *d)
{
	struct proc_map m = { .path = (char *)d->exe };
	struct proc_info pi;
	struct stat st;
	int i;

	if (proc_publish_pid(as->env, d->pid, as->table_full) == 0 || !d->exe)
		return;
	/*
	 * Gone already: judge its exe by name only if the name still
	 * leads to a file the exec's PATH records named (the program, or
	 * a script's interpreter): a name alone is the user's to swap.
	 */
	if (d->exe[0] != '/' || stat(d->exe, &st) < 0)
		return;
	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].dev == st.st_dev && d->files[i].ino == st.st_ino)
			break;
	if (i == d->nfiles)
		return;
	m.dev = st.st_dev;
	m.ino = st.st_ino;
	memset(&pi, 0, sizeof(pi));
	pi.pid = d->pid;
	pi.ruid = d->uid;
	pi.euid = d->euid;
	memcpy(pi.comm, d->comm, sizeof(pi.comm));
	snprintf(pi.exe, sizeof(pi.exe), "%s", d->exe);
	pi.maps = &m;
	pi.nmaps = 1;
	proc_publish(as->env, &pi, as->table_full);
}

static void flush_dirty(struct audit_src *as)
{
	size_t i;

	for (i = 0; i < as->ndirty; i++) {
		publish_dirty(as, &as->dirty[i]);
		free(as->dirty[i].exe);
		as->dirty[i].exe = NULL;
	}
	as->ndirty = 0;
}

static void on_batch(struct loop *loop, struct loop_timer *t, void *data)
{
	flush_dirty(data);
}

static void mark_dirty(struct audit_src *as, const struct pending *p,
		       int is_exec)
{
	struct dirty *d = NULL;
	size_t i;

	for (i = 0; i < as->ndirty; i++)
		if (as->dirty[i].pid == p->pid)
			d = &as->dirty[i];
	if (!d) {
		if (as->ndirty == AUDIT_MAX_DIRTY)
			flush_dirty(as);
		d = &as->dirty[as->ndirty++];
		memset(d, 0, sizeof(*d));
		d->pid = p->pid;
	}
	d->uid = p->uid;
	d->euid = p->euid;
	snprintf(d->comm, sizeof(d->comm), "%.16s", p->comm);
	if (is_exec) {
		free(d->exe);
		d->exe = p->exe ? strdup(p->exe) : NULL;
		memcpy(d->files, p->files, sizeof(d->files));
		d->nfiles = p->nfiles;
	}
	if (!loop_timer_armed(as->batch_timer))
		loop_timer_arm(as->batch_timer, AUDIT_BATCH_MS, 0);
}

static bool is_connect_call(const char *sc)
{
	return !strcmp(sc, "connect") || !strcmp(sc, "sendto") ||
	       !strcmp(sc, "sendmsg") || !strcmp(sc, "sendmmsg") ||
	       !strcmp(sc, "socketcall");
}

/* Who made a network flow, as the kernel saw it at the syscall. */
static void publish_connect(struct audit_src *as, const struct pending *p)
{
	struct connect_event ev = {
		.pid = p->pid, .uid = p->uid, .euid = p->euid,
		.exe = exe_of(p), .comm = p->comm,
		.dst = p->saddr, .dport = p->sport,
		.fd = p->a0 <= INT32_MAX ? (int)p->a0 : -1,
		.is_connect = !strcmp(p->syscall, "connect"),
	};

	(*as->connects)++;
	/* used whether vigil's rule made it or another daemon's */
	model_note_connect_record(as->env->model);
	engine_publish(as->env->engine, EV_CONNECT, &ev);
}

/* Publish what the event tells: an exec, and the mappings to check. */
static void complete(struct audit_src *as, struct pending *p)
{
	int is_exec, is_mmap;

	unlink_pending(as, p);
	(*as->events)++;
	if (p->have_syscall && p->have_saddr && is_connect_call(p->syscall)) {
		/* success or not: a non-blocking connect() sent its SYN */
		publish_connect(as, p);
		goto out;
	}
	is_exec = !strcmp(p->syscall, "execve") ||
		  !strcmp(p->syscall, "execveat");
	is_mmap = (!strcmp(p->syscall, "mmap") ||
		   !strcmp(p->syscall, "mmap2")) && (p->a2 & 4);
	if (p->have_syscall && p->success && !strcmp(p->syscall, "listen")) {
		/* a new listener: the socket table is worth reading now */
		engine_publish(as->env->engine, EV_LISTEN_CALL, &p->pid);
		goto out;
	}
	if (!p->have_syscall || !p->success || (!is_exec && !is_mmap))
		goto out;
	if (is_exec) {
		struct exec_event ev = {
			.pid = p->pid, .uid = p->uid, .euid = p->euid,
			.exe = exe_of(p), .comm = p->comm,
		};

		(*as->execs)++;
		engine_publish(as->env->engine, EV_EXEC, &ev);
	} else {
		(*as->mmaps)++;
	}
	mark_dirty(as, p, is_exec);
out:
	free_pending(p);
}

static struct pending *get_pending(struct audit_src *as, uint64_t serial)
{
	struct pending *p = find_pending(as, serial);

	if (p)
		return p;
	if (as->npending >= AUDIT_MAX_PENDING) {
		(*as->incomplete)++;
		complete(as, as->oldest);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->serial = serial;
	p->born_ms = loop_now_ms();
	p->hnext = *bucket(as, serial);
	*bucket(as, serial) = p;
	p->prev = as->newest;
	if (as->newest)
		as->newest->next = p;
	else
		as->oldest = p;
	as->newest = p;
	as->npending++;
	return p;
}

/* Serials are handed out in order: a jump means records were lost. */
static void track_serial(struct audit_src *as, uint64_t serial)
{
	if (!as->max_serial) {
		as->max_serial = serial;
		return;
	}
	if (serial > as->max_serial + 1)
		*as->gaps += serial - as->max_serial - 1;
	else if (serial < as->max_serial && *as->gaps)
		(*as->gaps)--;	/* a late arrival fills a gap */
	if (serial > as->max_serial)
		as->max_serial = serial;
}

static void on_syscall(struct pending *p, const char *b, size_t n)
{
	unsigned long long arch, sc, v;
	struct auditrec_tokens t;
	char res[8], exe[PATH_MAX];
	const char *name;

	/* one pass over the record; each field is then a token lookup */
	auditrec_tokenize(b, n, &t);
	if (auditrec_tok_num(&t, "arch", 16, &arch) < 0 ||
	    auditrec_tok_num(&t, "syscall", 10, &sc) < 0)
		return;
	name = audit_syscall_to_name((int)sc,
				     audit_elf_to_machine((unsigned int)arch));
	snprintf(p->syscall, sizeof(p->syscall), "%s", name ? name : "?");
	p->have_syscall = 1;
	p->success = auditrec_tok_str(&t, "success", res, sizeof(res)) > 0 &&
		     !strcmp(res, "yes");
	if (auditrec_tok_num(&t, "a0", 16, &v) == 0)
		p->a0 = v;
	if (auditrec_tok_num(&t, "a2", 16, &v) == 0)
		p->a2 = v;
	if (auditrec_tok_num(&t, "pid", 10, &v) == 0)
		p->pid = (pid_t)v;
	if (auditrec_tok_num(&t, "uid", 10, &v) == 0)
		p->uid = (uid_t)v;
	if (auditrec_tok_num(&t, "euid", 10, &v) == 0)
		p->euid = (uid_t)v;
	free(p->exe);
	p->exe = auditrec_tok_str(&t, "exe", exe, sizeof(exe)) >= 0 ?
		 strdup(exe) : NULL;
	if (auditrec_tok_str(&t, "comm", p->comm, sizeof(p->comm)) < 0)
		p->comm[0] = '\0';
}

/* "inode=N dev=MAJ:MIN" (hex) of a PATH record. */
static void on_path(struct pending *p, const char *b, size_t n)
{
	unsigned long long ino;
	struct auditrec_tokens t;
	unsigned int maj, min;
	char dev[32];

	if (p->nfiles >= AUDIT_MAX_PATHS)
		return;
	auditrec_tokenize(b, n, &t);
	if (auditrec_tok_num(&t, "inode", 10, &ino) < 0 ||
	    auditrec_tok_str(&t, "dev", dev, sizeof(dev)) < 0 ||
	    sscanf(dev, "%x:%x", &maj, &min) != 2)
		return;
	p->files[p->nfiles].dev = makedev(maj, min);
	p->files[p->nfiles].ino = (ino_t)ino;
	p->nfiles++;
}

static void on_config_change(struct audit_src *as, const char *b, size_t n)
{
	char op[32], key[64];

	if (auditrec_str(b, n, "op", op, sizeof(op)) < 0)
		return;
	/* auditctl -D (and auditd at start) remove every rule. */
	if (!strcmp(op, "remove_rule") &&
	    auditrec_str(b, n, "key", key, sizeof(key)) > 0 &&
	    !strcmp(key, "vigil") && as->rules_installed)
		loop_timer_arm(as->readd_timer, 500, 0);
	/* An audit daemon came or went: decide again, soon. */
	if (!strcmp(op, "set") &&
	    auditrec_str(b, n, "audit_pid", key, sizeof(key)) > 0)
		loop_timer_arm(as->readd_timer, 100, 0);
}

static void on_record(struct audit_src *as, int type, const char *text,
		      size_t len)
{
	struct auditrec_hdr h;
	struct pending *p;
	const char *body;
	int off;

	/* Records only (netlink control messages are below). */
	if (type < AUDIT_FIRST_USER_MSG)
		return;
	(*as->records)++;
	off = auditrec_header(text, len, &h);
	if (off < 0) {
		(*as->malformed)++;
		return;
	}
	body = text + off;
	len -= (size_t)off;
	track_serial(as, h.serial);
	if (type == AUDIT_CONFIG_CHANGE) {
		on_config_change(as, body, len);
		return;
	}
	/* argv, cwd and the rest: nothing reads them */
	if (type != AUDIT_SYSCALL && type != AUDIT_PATH &&
	    type != AUDIT_SOCKADDR && type != AUDIT_EOE)
		return;
	p = get_pending(as, h.serial);
	if (!p)
		return;
	switch (type) {
	case AUDIT_SYSCALL:
		on_syscall(p, body, len);
		break;
	case AUDIT_PATH:
		on_path(p, body, len);
		break;
	case AUDIT_SOCKADDR:
		p->have_saddr = auditrec_sockaddr(body, len, &p->saddr,
						  &p->sport) == 0;
		break;
	case AUDIT_EOE:
		complete(as, p);
		break;
	}
}

/* Read the records queued, or what a turn allows; returns how many. */
static size_t on_readable(void *data)
{
	struct audit_src *as = data;
	uint64_t start = loop_now_ms();
	const struct nlmsghdr *nlh;
	size_t len, total = 0;
	int rounds, i, n;
	bool cut;

	for (rounds = 0; rounds < AUDIT_ROUNDS &&
	     loop_now_ms() - start < AUDIT_TURN_MS; rounds++) {
		n = recvbatch_read(as->batch, as->rec_fd);
		if (n < 0 && errno == ENOBUFS) {
			/* Lost to a full socket buffer: rescans make up. */
			(*as->enobufs)++;
			continue;
		}
		if (n > 0)
			total += (size_t)n;
		for (i = 0; i < n; i++) {
			nlh = (const void *)recvbatch_get(as->batch, (size_t)i,
							  &len, &cut);
			if (len <= NLMSG_HDRLEN || cut) {
				(*as->malformed)++;
				continue;
			}
			/*
			 * One record per datagram.  The kernel's nlmsg_len of
			 * audit records leaves out the header (the quirk
			 * libaudit works around too), so the datagram's size
			 * is the one to trust.
			 */
			len -= NLMSG_HDRLEN;
			on_record(as, nlh->nlmsg_type,
				  (const char *)nlh + NLMSG_HDRLEN,
				  strnlen((const char *)nlh + NLMSG_HDRLEN,
					  len));
		}
		if (n < AUDIT_BATCH)
			break;
	}
	return total;
}

static void on_flush(struct loop *loop, struct loop_timer *t, void *data)
{
	struct audit_src *as = data;
	uint64_t now = loop_now_ms();

	while (as->oldest && now - as->oldest->born_ms > AUDIT_EVENT_TIMEOUT_MS)
		complete(as, as->oldest);
}

/* The kernel's audit status; 0 or -1 (no reply, no permission). */
static int get_status(int fd, struct audit_status *st)
{
	struct audit_reply rep;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int tries;

	if (audit_request_status(fd) <= 0)
		return -1;
	for (tries = 0; tries < 10; tries++) {
		if (poll(&pfd, 1, 200) <= 0)
			return -1;
		if (audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0) <= 0)
			continue;
		if (rep.type == AUDIT_GET) {
			*st = *rep.status;
			return 0;
		}
	}
	return -1;
}

static void marker_write(const struct audit_src *as);

/* As the registered daemon, the kernel queue must take an exec burst. */
static void raise_backlog(struct audit_src *as, const struct audit_status *st)
{
	if (st->backlog_limit >= AUDIT_BACKLOG ||
	    audit_set_backlog_limit(as->mgmt_fd, AUDIT_BACKLOG) <= 0)
		return;
	if (!as->old_backlog)
		as->old_backlog = st->backlog_limit;
	marker_write(as);
}

static void account_lost(struct audit_src *as, const struct audit_status *st)
{
	if (!as->lost_known) {
		as->lost_base = st->lost;
		as->lost_known = 1;
	}
	*as->lost = st->lost - as->lost_base;
}

/* The connector is the exec source while vigil's rules are not in. */
static void use_connector(struct audit_src *as, bool on)
{
	int rc;

	if (!as->cn || cnproc_listening(as->cn) == on)
		return;
	rc = cnproc_listen(as->cn, on);
	if (rc < 0)
		log_warn("audit: process events connector: %s; new programs are seen at the next /proc rescan",
			 strerror(-rc));
	else
		log_info("audit: execs %s the process events connector",
			 on ? "now come from" : "no longer come from");
}

static void rules_in(struct audit_src *as)
{
	int added = install_rules(as);

	if (added < 0) {
		if (as->rules_installed)
			log_warn("audit: vigil's audit rules cannot be put back");
		as->rules_installed = 0;
	} else {
		if (as->rules_installed && added > 0) {
			(*as->readded)++;
			log_warn("audit: %d vigil audit rules were missing (auditctl -D?); added them again",
				 added);
		}
		as->rules_installed = 1;
	}
	model_set_connect_audit(as->env->model,
				as->rules_installed && as->connect_rules);
}

static void rules_out(struct audit_src *as, uint32_t daemon)
{
	if (!as->rules_installed)
		return;
	remove_rules(as);
	as->rules_installed = 0;
	model_set_connect_audit(as->env->model, false);
	log_notice("audit: audit daemon pid %u runs: vigil's audit rules are out, so its log gets no line for vigil (audit.beside_auditd = \"connector\")",
		   daemon);
}

/*
 * One decision, from the kernel's status: who is the audit daemon, and
 * so where execs come from.  vigil's rules stay in unless another audit
 * daemon runs and audit.beside_auditd is "connector"; the connector is
 * on whenever the rules are not (also while vigild has just let go and
 * the new daemon is expected to clear the rules), so no exec falls in
 * between.  Called at start, every check, and when the registration
 * may have changed.
 */
static void reconcile(struct audit_src *as)
{
	struct audit_status st;
	bool rules;

	if (get_status(as->mgmt_fd, &st) < 0)
		return;
	account_lost(as, &st);
	/*
	 * A daemon killed while registered (SIGKILL) stays the kernel's
	 * until a send to it fails; registering tests that and clears it.
	 */
	if (st.pid && st.pid != (uint32_t)getpid() &&
	    kill((pid_t)st.pid, 0) < 0 && errno == ESRCH)
		st.pid = 0;
	if (as->reg) {
		bool was = auditreg_registered(as->reg);

		if (auditreg_update(as->reg, st.pid)) {
			st.pid = (uint32_t)getpid();
			if (!was)
				raise_backlog(as, &st);
		}
	}
	as->other_daemon = st.pid != 0 && st.pid != (uint32_t)getpid();
	rules = !as->other_daemon ||
		as->env->cfg->audit_beside == AUDIT_BESIDE_RULES;
	if (rules) {
		rules_in(as);
		use_connector(as, !as->rules_installed ||
				  (as->reg && auditreg_held(as->reg)));
	} else {
		use_connector(as, true);
		rules_out(as, st.pid);
	}
	*as->rules_active = (uint64_t)as->rules_installed;
}

/* The periodic check, and soon after the rules or the daemon changed. */
static void on_reconcile(struct loop *loop, struct loop_timer *t, void *data)
{
	reconcile(data);
}

/* The counters follow the registration wherever it changes. */
static void on_registration(void *data, bool registered)
{
	struct audit_src *as = data;

	*as->registered = registered;
	*as->yields = auditreg_yields(as->reg);
}

/* vigilctl audit yield: an audit daemon is about to start. */
static void on_yield(void *data, enum engine_event ev, const void *payload)
{
	struct audit_src *as = data;

	if (as->env->cfg->audit_beside == AUDIT_BESIDE_CONNECTOR)
		use_connector(as, true);
	if (as->reg)
		auditreg_yield(as->reg, AUDITREG_HOLD_MS);
}

static int open_multicast(struct audit_src *as)
{
	int size = RCVBUF_BYTES;

	as->mc = mnl_socket_open(NETLINK_AUDIT);
	if (!as->mc)
		return -1;
	if (mnl_socket_bind(as->mc, 1 << (AUDIT_NLGRP_READLOG - 1),
			    MNL_SOCKET_AUTOPID) < 0)
		return -1;
	as->rec_fd = mnl_socket_get_fd(as->mc);
	if (setsockopt(as->rec_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(as->rec_fd, SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	return 0;
}

static void audit_fini(void *priv);

/*
 * Kernel audit settings that vigild changed (auditing switched on, the
 * backlog limit raised) are put back at exit.  A marker beside the
 * control socket (under /run, so a reboot, which also resets auditing,
 * clears it) keeps what to put back across a crash of vigild: the next
 * vigild reads it and restores at its own exit.  Its text is
 * "enabled=0|1 backlog=N" (N: the limit before vigild, 0 if untouched).
 */
static void marker_path(const struct audit_src *as, char *buf, size_t len)
{
	const char *sock = as->env->cfg->control_socket;
	const char *slash = strrchr(sock, '/');

	snprintf(buf, len, "%.*s/audit-enabled-by-vigild",
		 (int)(slash ? slash - sock : 0), sock);
}

static void marker_write(const struct audit_src *as)
{
	char path[PATH_MAX], text[64];
	int fd, n;

	marker_path(as, path, sizeof(path));
	if (!as->enabled_by_us && !as->old_backlog) {
		unlink(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return;
	n = snprintf(text, sizeof(text), "enabled=%d backlog=%u\n",
		     as->enabled_by_us, as->old_backlog);
	if (write(fd, text, (size_t)n) != n)
		log_warn("audit: %s: cannot record what to restore", path);
	close(fd);
}

/* What an earlier vigild changed and did not put back; 0 if no marker. */
static int marker_read(const struct audit_src *as, int *enabled,
		       uint32_t *backlog)
{
	char path[PATH_MAX], text[64];
	unsigned int b = 0;
	ssize_t n;
	int fd, e = 1;

	*enabled = 0;
	*backlog = 0;
	marker_path(as, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	/* An empty marker is an older vigild's: auditing was enabled. */
	if (n > 0 && sscanf(text, "enabled=%d backlog=%u", &e, &b) != 2)
		return 0;
	*enabled = e == 1;
	*backlog = b;
	return 1;
}

static int audit_init(const struct vigil_env *env, void **priv)
{
	struct audit_src *as = calloc(1, sizeof(*as));
	struct audit_status st;
	struct engine *e = env->engine;
	uint32_t prev_backlog;
	int prev_enabled;

	if (!as)
		return -1;
	as->env = env;
	as->rec_fd = as->mgmt_fd = -1;
	as->batch = recvbatch_new(AUDIT_BATCH, AUDIT_REC_SIZE);
	as->deferred = engine_counter(e, "audit", "coalesced_wakeups");
	as->records = engine_counter(e, "audit", "records");
	as->events = engine_counter(e, "audit", "events");
	as->execs = engine_counter(e, "audit", "execs");
	as->mmaps = engine_counter(e, "audit", "mmaps");
	as->gaps = engine_counter(e, "audit", "serial_gaps");
	as->lost = engine_counter(e, "audit", "kernel_lost");
	as->enobufs = engine_counter(e, "audit", "socket_overruns");
	as->readded = engine_counter(e, "audit", "rules_readded");
	as->malformed = engine_counter(e, "audit", "malformed");
	as->incomplete = engine_counter(e, "audit", "incomplete");
	as->registered = engine_counter(e, "audit", "registered");
	as->yields = engine_counter(e, "audit", "yields");
	as->rules_active = engine_counter(e, "audit", "rules_active");
	as->table_full = engine_counter(e, "proc", "table_full");
	as->connects = engine_counter(e, "audit", "connects");
	as->flush_timer = loop_timer_new(env->loop, on_flush, as);
	as->check_timer = loop_timer_new(env->loop, on_reconcile, as);
	as->readd_timer = loop_timer_new(env->loop, on_reconcile, as);
	as->batch_timer = loop_timer_new(env->loop, on_batch, as);
	if (!as->batch || !as->deferred || !as->records || !as->events || !as->execs ||
	    !as->table_full || !as->connects ||
	    !as->mmaps || !as->gaps || !as->lost || !as->enobufs ||
	    !as->readded || !as->malformed || !as->incomplete ||
	    !as->registered || !as->yields || !as->rules_active ||
	    !as->flush_timer || !as->check_timer ||
	    !as->readd_timer || !as->batch_timer) {
		audit_fini(as);
		return -1;
	}
	*priv = as;
	as->mode = env->cfg->audit_mode;
	if (as->mode == AUDIT_MODE_OFF) {
		log_info("audit: off (audit.mode); new programs are seen at the next /proc rescan");
		return 0;
	}
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	as->mgmt_fd = audit_open();
	if (as->mgmt_fd < 0 || get_status(as->mgmt_fd, &st) < 0) {
		/* Not fatal: the /proc rescans still see every program. */
		log_warn("audit: unavailable (%s); execs come from the process events connector",
			 strerror(errno));
		as->cn = cnproc_new(env);
		if (!as->cn || cnproc_listen(as->cn, true) < 0)
			log_warn("audit: no process events connector either; new programs are seen at the next /proc rescan only");
		return 0;
	}
	if (marker_read(as, &prev_enabled, &prev_backlog)) {
		if (st.enabled == 1 && prev_enabled) {
			as->enabled_by_us = 1;
			log_notice("audit: auditing was enabled by an earlier vigild; will switch it off at exit");
		}
		if (prev_backlog && st.backlog_limit != prev_backlog) {
			as->old_backlog = prev_backlog;
			log_notice("audit: the backlog limit was raised by an earlier vigild; will put back %u at exit",
				   prev_backlog);
		}
	}
	if (st.enabled == 0) {
		if (audit_set_enabled(as->mgmt_fd, 1) > 0) {
			as->enabled_by_us = 1;
			log_notice("audit: kernel auditing was off; enabled it (restored at exit)");
		}
	}
	marker_write(as);
	if (open_multicast(as) < 0) {
		log_warn("audit: cannot join the audit multicast group (%s); new programs are seen at the next /proc rescan only",
			 strerror(errno));
		return 0;
	}
	if (as->mode != AUDIT_MODE_MULTICAST) {
		as->reg = auditreg_new(env->loop, on_registration, as);
		if (!as->reg)
			return -1;
	}
	/* Only beside another audit daemon, or where rules cannot go in. */
	as->cn = cnproc_new(env);
	if (!as->cn)
		log_warn("audit: no process events connector (%s)",
			 strerror(errno));
	as->reader = coalesce_new(env->loop, as->rec_fd, AUDIT_COALESCE_MS,
				  on_readable, as, as->deferred);
	if (!as->reader ||
	    engine_subscribe(env->engine, EV_AUDIT_YIELD, on_yield, as) < 0 ||
	    loop_timer_arm(as->flush_timer, 500, 500) < 0 ||
	    loop_timer_arm(as->check_timer, AUDIT_RULE_CHECK_MS,
			   AUDIT_RULE_CHECK_MS) < 0) {
		log_err("audit: %s", strerror(errno));
		return -1;
	}
	reconcile(as);
	if (as->rules_installed && !as->connect_rules)
		log_warn("audit: connect() cannot be audited here (a kernel before 5.3?); flows are attributed through /proc only");
	if (!as->rules_installed && !as->other_daemon)
		log_warn("audit: no rule could be installed; execs come from the process events connector");
	log_info("audit: reading records from the multicast group; %s",
		 as->reg && auditreg_registered(as->reg) ?
		 "registered as the audit daemon until one starts" :
		 as->other_daemon ? "beside the audit daemon" :
		 "not registered (audit.mode)");
	return 0;
}

static void audit_fini(void *priv)
{
	struct audit_src *as = priv;
	size_t i;

	if (!as)
		return;
	model_set_connect_audit(as->env->model, false);
	if (as->mgmt_fd >= 0) {
		struct audit_status st;

		if (as->rules_installed)
			remove_rules(as);
		/* Auditing and its queue are that daemon's now. */
		if (get_status(as->mgmt_fd, &st) == 0 && st.pid != 0 &&
		    st.pid != (uint32_t)getpid() &&
		    (as->enabled_by_us || as->old_backlog)) {
			log_notice("audit: leaving auditing as it is for audit daemon pid %u",
				   st.pid);
			as->enabled_by_us = 0;
			as->old_backlog = 0;
		}
		if (as->old_backlog &&
		    audit_set_backlog_limit(as->mgmt_fd, as->old_backlog) > 0)
			as->old_backlog = 0;
		if (as->enabled_by_us && audit_set_enabled(as->mgmt_fd, 0) > 0)
			as->enabled_by_us = 0;
		marker_write(as);
	}
	coalesce_free(as->reader);
	auditreg_free(as->reg);
	cnproc_free(as->cn);
	if (as->mc)
		mnl_socket_close(as->mc);
	if (as->mgmt_fd >= 0)
		audit_close(as->mgmt_fd);
	while (as->oldest) {
		struct pending *p = as->oldest;

		unlink_pending(as, p);
		free_pending(p);
	}
	for (i = 0; i < as->ndirty; i++)
		free(as->dirty[i].exe);
	loop_timer_free(as->flush_timer);
	loop_timer_free(as->check_timer);
	loop_timer_free(as->readd_timer);
	loop_timer_free(as->batch_timer);
	recvbatch_free(as->batch);
	free(as);
}

/* Sockets and registration are set up once: a new mode needs a restart. */
static void audit_reload(void *priv)
{
	struct audit_src *as = priv;

	if (as->mode != as->env->cfg->audit_mode)
		log_warn("audit: audit.mode \"%s\" takes effect when vigild restarts; still \"%s\"",
			 config_audit_mode_name(as->env->cfg->audit_mode),
			 config_audit_mode_name(as->mode));
	/* audit.beside_auditd takes effect now. */
	if (as->mgmt_fd >= 0 && as->rec_fd >= 0)
		reconcile(as);
}

/* With audit off, neither audit capability is kept. */
static bool audit_needs_caps(const struct vigil_config *cfg)
{
	return cfg->audit_mode != AUDIT_MODE_OFF;
}

static const int audit_caps[] = {
	CAP_AUDIT_READ, CAP_AUDIT_CONTROL, CAP_NET_ADMIN,
};

const struct vigil_module audit_module = {
	.name = "audit",
	.caps = audit_caps,
	.ncaps = sizeof(audit_caps) / sizeof(audit_caps[0]),
	.init = audit_init,
	.needs_caps = audit_needs_caps,
	.reload = audit_reload,
	.fini = audit_fini,
};
