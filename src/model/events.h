/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_MODEL_EVENTS_H
#define VIGIL_MODEL_EVENTS_H

/*
 * Every event that travels from the sources through the engine to the
 * rules, in one place.  Payloads are plain structs, valid only during
 * the callback; rules keep copies of what they need.  A rule sees the
 * world only through these and the model's read-only view: it never
 * reads the kernel, /proc or a file itself.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "lib/netaddr.h"

enum engine_event {
	EV_CONNTRACK,		/* struct flow_event, owner not looked up (ct.c) */
	EV_FLOW,		/* struct flow_event with its owner (owner.c) */
	/* struct flow_event with what its payload said (payload.c) */
	EV_FLOW_PAYLOAD,
	EV_LISTEN,		/* struct listen_change (model.c) */
	EV_EXEC,		/* struct exec_event (audit.c) */
	EV_PROC_SCAN,		/* struct proc_info, one per process scanned */
	EV_MAPPING,		/* struct proc_info: maps re-read after an event */
	EV_BINARY,		/* struct binary_event (binaries.c) */
	EV_MODULE,		/* struct module_event (perms.c) */
	EV_LISTEN_CALL,		/* pid_t: listen() succeeded (audit.c) */
	EV_CONNECT,		/* struct connect_event (audit.c) */
	EV_AUDIT_YIELD,		/* NULL: an audit daemon is about to start */
	/*
	 * const bool *, true when no room is left to wait in: flows wait
	 * for their connects (owner.c); a source holding connects read
	 * from the kernel but not yet published publishes them now, and
	 * with no room left, what it could hold back too (sockconn.c).
	 */
	EV_CONNECTS_WANTED,
	EV_NETNS,		/* struct netns_change (nswatch.c) */
	EV_EXEC_NETNS,		/* struct exec_netns (sockconn.c) */
	EV_EXEC_GONE,		/* struct exec_gone (sockconn.c) */
	EV__COUNT,
};

/* ---- where ---- */

/*
 * Where something happened, for people: the network namespace and the
 * container (from /proc/PID/cgroup, lib/cgroupid.h), with the name and
 * image its runtime's files give.  Nothing here decides a verdict.
 * All zero: vigild's own namespace, no container.
 */
struct place {
	uint64_t netns;		/* inode; 0: vigild's own, or unknown */
	char netns_name[64];	/* under /run/netns; "" */
	const char *runtime;	/* "podman", ...; NULL: no container */
	char ctr_id[65];
	char ctr_name[64];	/* "" when its runtime does not say */
	char image[128];	/* "" likewise */
	char image_id[72];	/* "" likewise */
	/* the pod it belongs to, when its OCI bundle says; "" */
	char pod_id[65];
	char pod_name[64];
	char pod_namespace[64];	/* Kubernetes' namespace */
};

/* EV_NETNS: a network namespace is watched now, or no longer. */
struct ns_entry;
struct netns_change {
	bool added;
	const struct ns_entry *ns;	/* model/nstable.h */
};

/*
 * EV_EXEC_NETNS: the network namespace a process was in as its exec's
 * tracepoint sample was read (sockconn.c reads /proc for every exec
 * sample anyway): how nswatch learns of a namespace a program started
 * in, with no look of its own, while model_connect_trace() holds.
 */
struct exec_netns {
	pid_t pid;
	uint64_t netns;		/* its inode */
};

/*
 * EV_EXEC_GONE: a process had exited (or was a zombie) by the time its
 * exec's tracepoint sample was read (sockconn.c).  Its /proc will be
 * of no use later either: procbatch.c goes by the exec record at once,
 * rather than look it up in /proc again to find it gone.
 */
struct exec_gone {
	pid_t pid;
};

/* ---- processes ---- */

/*
 * One file-backed executable mapping.  The name is only for people and
 * for looking up the owning package; verdicts are taken from the file
 * the process really maps (proc_map_open()).
 */
struct proc_map {
	char *path;		/* the name, raw bytes (see proc_resolve_maps) */
	dev_t dev;		/* as /proc/PID/maps says */
	ino_t ino;
	unsigned long start, end;	/* one mapping of it; 0, 0: none */
	bool resolved;		/* path read from map_files: exact */
	bool deleted;		/* unlinked; path is where it was */
};

/* What a scan learned about one process; EV_PROC_SCAN, EV_MAPPING. */
struct proc_info {
	pid_t pid;
	uid_t ruid, euid;
	char comm[17];
	char exe[PATH_MAX];	/* "" for kernel threads */
	struct proc_map *maps;
	size_t nmaps;
	/*
	 * Gone before /proc was read: known from its exec record alone,
	 * its file checked by name in vigild's root.  pid may name
	 * another process by now: nothing of it is read through /proc.
	 */
	bool gone;
};

/* EV_EXEC: one successful execve/execveat. */
struct exec_event {
	pid_t pid;
	uid_t uid, euid;
	const char *exe;
	const char *comm;
};

/* ---- network ---- */

/*
 * EV_CONNECT: a process called connect(), or sent to an explicit
 * address, with an AF_INET or AF_INET6 destination: who made a flow,
 * taken from the kernel at the moment of use.  From the audit record
 * of that very syscall (audit.c): success or not (a non-blocking
 * connect() "fails" with EINPROGRESS, and has sent its SYN), with the
 * destination only.  From the TCP state tracepoints (sockconn.c): a
 * connect() whose SYN went out, with the whole tuple (sport != 0), so
 * it explains exactly one flow.
 */
struct connect_event {
	pid_t pid;
	uid_t uid, euid;
	const char *exe;	/* its path, the kernel's; NULL: unknown */
	const char *comm;
	struct net_addr dst;	/* as conntrack shows it (v4-mapped: v4) */
	uint16_t dport;
	struct net_addr src;	/* with sport: the socket's own address */
	uint16_t sport;		/* 0: not known (audit) */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP; 0: not known */
	int fd;			/* the socket, in pid; -1: not known */
	bool is_connect;	/* connect(), else an addressed send */
	/* the caller's network namespace: 0 vigild's own; or unknown: */
	uint64_t netns;
};
#define NETNS_UNKNOWN UINT64_MAX

/* Who holds a socket; pid 0: not found (gone, or not visible). */
struct sock_owner {
	pid_t pid;
	uid_t uid;		/* the socket's, from sock_diag */
	uint32_t inode;		/* 0: the socket was not found */
	char comm[17];
	char exe[PATH_MAX];	/* "" when unknown */
};

enum flow_kind {
	FLOW_NEW,		/* conntrack NEW event */
	FLOW_DESTROY,		/* conntrack DESTROY event */
	FLOW_EXISTING,		/* found by a table dump */
};

/* What a flow's first packets said (sources/payload.c, pdecode.h). */
enum flow_payload {
	FLOW_PAY_NONE,		/* not looked at (no NFLOG, at start) */
	FLOW_PAY_NOT_SEEN,	/* looked at: no payload came in time */
	FLOW_PAY_CLEAR,		/* spoke pay_app in clear text */
	FLOW_PAY_UPGRADED,	/* pay_app upgraded to TLS before credentials */
	FLOW_PAY_ENCRYPTED,	/* TLS, SSH or SNMPv3 with privacy */
	FLOW_PAY_UNKNOWN,	/* payload seen, not recognized */
};

enum owner_state {
	OWNER_NOT_ASKED,	/* no lookup was worth its cost */
	OWNER_UNKNOWN,		/* looked up, not found (or throttled) */
	OWNER_FOUND,
};

/*
 * One TCP or UDP flow.  src/dst are the original direction as the
 * initiator sent it; server/server_port is the reply source, i.e. who
 * really answers after any DNAT.  Flows with neither end local
 * (forwarded) are not published.  EV_CONNTRACK carries it as read;
 * EV_FLOW with owner filled in for outbound flows worth a lookup, and
 * late when the owner was found only after its program's exec came in;
 * EV_FLOW again with was_unknown when a flow published without its
 * owner is named later by its connect's record (owner.c).
 * An owner is OWNER_FOUND only with its program's path (exe): a
 * process is never named by its comm alone, which it sets itself.
 */
struct flow_event {
	enum flow_kind kind;
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr src, dst, server;
	uint16_t sport, dport, server_port;
	bool from_local;	/* a local client made it (loopback too) */
	bool to_local;		/* a local server answers (loopback too) */
	/*
	 * FLOW_EXISTING only: found by the dump at start, so state, not a
	 * new use (a later dump's unseen flows are missed new ones).
	 */
	bool at_start;
	bool closing;		/* TCP past ESTABLISHED (FIN_WAIT..CLOSE) */
	bool late;
	bool was_unknown;	/* told before as "unknown": now named */
	/* the namespace it was seen in (nstable.h); 0, -1: vigild's own */
	uint64_t netns;
	int32_t nsid;
	enum flow_payload pay;
	const char *pay_app;	/* "http", "smtp"...: static; NULL: none */
	uint8_t snmp_version;	/* 1, 2 (v2c) or 3 when pay_app is snmp */
	/*
	 * An active-mode ftp data connection, published as the control
	 * connection that asked for it (sources/payftp.h).
	 */
	bool ftp_data;
	/* the server offered TLS in it (STARTTLS, STLS, AUTH TLS) */
	bool tls_offered;
	enum owner_state owner_state;
	struct sock_owner owner;
};

/*
 * *dst = *src, less the unused end of the program's path: a flow is
 * copied several times on its way (the path buffer is most of it).
 * It copies whole what comes before the path, so the path must end
 * the struct: a field after it would be left behind.
 */
_Static_assert(sizeof(struct flow_event) -
	       offsetof(struct flow_event, owner.exe) -
	       sizeof(((struct flow_event *)0)->owner.exe) <
	       _Alignof(struct flow_event),
	       "owner.exe ends struct flow_event (flow_event_copy)");
static inline void flow_event_copy(struct flow_event *dst,
				   const struct flow_event *src)
{
	size_t n = strnlen(src->owner.exe, sizeof(src->owner.exe) - 1);

	memcpy(dst, src, offsetof(struct flow_event, owner.exe));
	memcpy(dst->owner.exe, src->owner.exe, n);
	dst->owner.exe[n] = '\0';
}

/* What a server's configuration asks of its clients (sources/srvconf.h). */
enum conf_tls {
	CONF_TLS_UNKNOWN,	/* not said, or not read */
	CONF_TLS_OFF,		/* clear text only */
	CONF_TLS_OPTIONAL,	/* TLS offered, clear text allowed */
	CONF_TLS_REQUIRED,	/* nothing in clear before TLS */
};

#define SERVER_CONF_EVIDENCE 240

/* A server's configuration, as far as it concerns one listener. */
struct server_conf {
	enum conf_tls tls;
	/* inetd: the program its entry for the port runs ("telnetd") */
	char inetd_prog[32];
	/* "file:line: directive (meaning)"; "" when it says nothing */
	char evidence[SERVER_CONF_EVIDENCE];
};

/* A TCP socket in LISTEN, or an unconnected bound UDP socket. */
struct listener {
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	struct net_addr addr;	/* bind address; "any" for a wildcard */
	uint16_t port;
	uint32_t inode;
	uint64_t netns;		/* its namespace's inode; 0: vigild's own */
	uid_t uid;
	pid_t pid;		/* 0: holder not found */
	char comm[17];
	char *exe;		/* NULL when unknown */
	/*
	 * snmpd only: the v1/v2c community lines of its configuration
	 * (already masked), read once when the listener appeared; NULL
	 * when none or not snmpd.  A JSON array of strings.
	 */
	struct json_object *snmp_communities;
	/* snmpd only: its configuration was read and enables none (v3) */
	bool snmp_v3_only;
	/* postfix, dovecot, slapd, inetd: their files, read once; NULL */
	struct server_conf *conf;
};

/* EV_LISTEN: a listener appeared or went away. */
struct listen_change {
	bool added;
	const struct listener *l;
};

/* ---- binaries ---- */

enum elf_tri {
	ELF_UNKNOWN,
	ELF_YES,
	ELF_NO,
};

enum elf_pie {
	PIE_UNKNOWN,
	PIE_YES,
	PIE_NO,
	PIE_DSO,		/* a shared object: not applicable */
};

enum elf_relro {
	RELRO_UNKNOWN,
	RELRO_NONE,
	RELRO_PARTIAL,
	RELRO_FULL,
};

/*
 * What one file says about how it was built.  For a script, the
 * verdicts are its interpreter's and interp names it.
 */
struct elf_verdict {
	int is_elf;
	int is_script;
	char interp[PATH_MAX];
	enum elf_tri dep;		/* YES: stack not executable */
	enum elf_tri stack_cookies;	/* YES: built with stack protector */
	enum elf_pie pie;
	enum elf_relro relro;
	char dep_reason[160];
	char cookie_reason[160];
};

/*
 * EV_BINARY: one running executable or executable mapping, with the
 * build verdict of the file really mapped.
 */
struct binary_event {
	const char *path;
	dev_t dev;
	ino_t ino;
	const char *package;	/* owning package, NULL: third-party */
	const struct elf_verdict *verdict;
	pid_t pid;
	uid_t uid;
	const char *exe;	/* the program that runs or maps it */
	const char *comm;
	bool deleted;		/* unlinked: path is where it was */
};

/* ---- file permissions ---- */

/* Directories above a file looked at, at most (deeper: not judged). */
#define PERM_MAX_DEPTH 64

/* Owner and mode of a file or directory, from fstat/lstat. */
struct perm_node {
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/*
 * What can change one mapped file: its own owner and mode and those of
 * each directory above its name, parent first, up to "/".  A deleted
 * file has no directories (ndirs 0, dirs_err 0); when its name no longer
 * leads to the mapped file (ESTALE) or a directory cannot be read,
 * dirs_err says so and the directories are not judged.
 */
struct perm_facts {
	struct perm_node file;
	struct perm_node dirs[PERM_MAX_DEPTH];
	size_t ndirs;
	int dirs_err;		/* why dirs stop short of "/"; 0: they don't */
};

/* EV_MODULE: a mapping of a process with what can change its file. */
struct module_event {
	const struct proc_info *pi;
	const struct proc_map *map;
	const struct perm_facts *facts;
	/*
	 * Whose root pi is: host root (0), or root of a user namespace,
	 * this being the host uid its uid 0 maps to (sources/userns.h).
	 */
	uid_t root_uid;
};

#endif
