// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay one rule case: feed the events of CASE/events to the real
 * engine, model and rule modules (no kernel, no root), then compare the
 * findings with CASE/expected.  CASE/vigil.conf, when present, is the
 * configuration; else the built-in one.  The formats are in
 * tests/rules/README.md.  Exit 0 when they match, 1 when not (the
 * difference on stdout), 2 on a malformed case.
 */
#include "build.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "config/config.h"
#include "findings/assess.h"
#include "findings/findings.h"
#include "findings/line.h"
#include "lib/host.h"
#include "lib/jsonutil.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/sbuf.h"
#include "model/engine.h"
#include "model/model.h"
#include "rules/rules.h"

#define MAX_TOKENS 32
/* as many as the model takes */
#define MAX_LISTENERS MODEL_MAX_LISTENERS
#define MAX_PLACES 16

static const struct vigil_module *const rule_modules[] = {
	&root_perms_module,
	&hardening_module,
	&client_protocols_module,
	&server_protocols_module,
	&unused_ports_module,
};
#define N_RULES (sizeof(rule_modules) / sizeof(rule_modules[0]))

struct replay {
	const char *file;
	unsigned int line;
	struct vigil_env env;
	struct assess *assess;
	struct listener *cur;	/* what the model was given (MAX_LISTENERS) */
	size_t ncur;
	/* where pids and namespaces are, as the locator would say */
	struct {
		pid_t pid;
		uint64_t netns;
		struct place pl;
	} places[MAX_PLACES];
	size_t nplaces;
};

static void die(const struct replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(const struct replay *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "%s:%u: ", r->file, r->line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	exit(2);
}

/* "\n", "\t", "\s" (space), "\\", "\xHH": in place. */
static void unescape(char *s)
{
	char *o = s;
	unsigned int x;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 's':
			*o++ = ' ';
			break;
		case 'x':
			if (sscanf(s + 1, "%2x", &x) == 1) {
				*o++ = (char)x;
				s += 2;
				break;
			}
			/* fall through */
		default:
			*o++ = *s;
		}
		s++;
	}
	*o = '\0';
}

static size_t split(char *line, char **tok)
{
	size_t n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t\n", &save); t && n < MAX_TOKENS;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	return n;
}

/* The value of key=... among tok[from..n), unescaped; NULL if absent. */
static char *opt(char **tok, size_t n, size_t from, const char *key)
{
	size_t len = strlen(key), i;

	for (i = from; i < n; i++) {
		if (!strncmp(tok[i], key, len) && tok[i][len] == '=') {
			unescape(tok[i] + len + 1);
			return tok[i] + len + 1;
		}
	}
	return NULL;
}

static bool flag(char **tok, size_t n, size_t from, const char *word)
{
	size_t i;

	for (i = from; i < n; i++)
		if (!strcmp(tok[i], word))
			return true;
	return false;
}

static long num(const struct replay *r, const char *s, const char *what,
		long dflt)
{
	char *end;
	long v;

	if (!s)
		return dflt;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s)
		die(r, "%s: not a number: %s", what, s);
	return v;
}

static void addr_of(const struct replay *r, const char *s,
		    struct net_addr *a)
{
	if (!s || net_addr_parse(s, a) < 0)
		die(r, "not an address: %s", s ? s : "(none)");
}

static uint8_t proto_of(const struct replay *r, const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	die(r, "not tcp or udp: %s", s);
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* addr ADDR: a local address of the host. */
static void do_addr(struct replay *r, char **tok, size_t n)
{
	struct net_addr a;

	if (n != 2)
		die(r, "usage: addr ADDRESS");
	addr_of(r, tok[1], &a);
	model_addr_add(r->env.model, &a);
}

/*
 * listen add|del tcp|udp ADDR PORT [inode= pid= uid= comm= exe= snmp=]
 *        [snmp_v3_only] [conf_tls=off|optional|required|unknown
 *        conf=EVIDENCE inetd_prog=NAME]
 */
static void do_listen(struct replay *r, char **tok, size_t n)
{
	struct listener l = { 0 }, *arr;
	const char *s;
	size_t i;

	if (n < 5 || (strcmp(tok[1], "add") && strcmp(tok[1], "del")))
		die(r, "usage: listen add|del tcp|udp ADDRESS PORT [key=value...]");
	l.proto = proto_of(r, tok[2]);
	addr_of(r, tok[3], &l.addr);
	l.port = (uint16_t)num(r, tok[4], "port", 0);
	l.inode = (uint32_t)num(r, opt(tok, n, 5, "inode"), "inode",
				(long)(l.port + 1000 * l.proto));
	l.pid = (pid_t)num(r, opt(tok, n, 5, "pid"), "pid", 0);
	l.uid = (uid_t)num(r, opt(tok, n, 5, "uid"), "uid", 0);
	l.netns = (uint64_t)num(r, opt(tok, n, 5, "netns"), "netns", 0);
	copy_str(l.comm, sizeof(l.comm), opt(tok, n, 5, "comm"));
	s = opt(tok, n, 5, "exe");
	l.exe = s ? strdup(s) : NULL;
	s = opt(tok, n, 5, "snmp");
	if (s) {
		l.snmp_communities = json_object_new_array();
		json_object_array_add(l.snmp_communities,
				      json_object_new_string(s));
	}
	l.snmp_v3_only = flag(tok, n, 5, "snmp_v3_only");
	/* what the listener source read of the server's own files */
	s = opt(tok, n, 5, "conf_tls");
	if (s || opt(tok, n, 5, "inetd_prog")) {
		l.conf = calloc(1, sizeof(*l.conf));
		if (!l.conf)
			die(r, "out of memory");
		l.conf->tls = !s || !strcmp(s, "unknown") ? CONF_TLS_UNKNOWN :
			!strcmp(s, "off") ? CONF_TLS_OFF :
			!strcmp(s, "optional") ? CONF_TLS_OPTIONAL :
			!strcmp(s, "required") ? CONF_TLS_REQUIRED :
			(die(r, "conf_tls: off, optional, required or unknown"),
			 CONF_TLS_UNKNOWN);
		copy_str(l.conf->evidence, sizeof(l.conf->evidence),
			 opt(tok, n, 5, "conf"));
		copy_str(l.conf->inetd_prog, sizeof(l.conf->inetd_prog),
			 opt(tok, n, 5, "inetd_prog"));
	}
	for (i = 0; i < r->ncur; i++)
		if (r->cur[i].inode == l.inode && r->cur[i].proto == l.proto &&
		    r->cur[i].port == l.port &&
		    net_addr_eq(&r->cur[i].addr, &l.addr))
			break;
	if (!strcmp(tok[1], "del")) {
		if (i == r->ncur)
			die(r, "no such listener");
		free(r->cur[i].exe);
		json_object_put(r->cur[i].snmp_communities);
		free(r->cur[i].conf);
		r->cur[i] = r->cur[--r->ncur];
		free(l.exe);
		json_object_put(l.snmp_communities);
		free(l.conf);
	} else {
		if (i < r->ncur || r->ncur == MAX_LISTENERS)
			die(r, "listener already there, or too many");
		r->cur[r->ncur++] = l;
	}
	/* The model takes a whole new table, as from a sock_diag dump. */
	arr = calloc(r->ncur + 1, sizeof(*arr));
	if (!arr)
		die(r, "out of memory");
	for (i = 0; i < r->ncur; i++) {
		arr[i] = r->cur[i];
		arr[i].exe = r->cur[i].exe ? strdup(r->cur[i].exe) : NULL;
		arr[i].snmp_communities =
			json_object_get(r->cur[i].snmp_communities);
		arr[i].conf = NULL;
		if (r->cur[i].conf) {
			arr[i].conf = malloc(sizeof(*arr[i].conf));
			if (!arr[i].conf)
				die(r, "out of memory");
			*arr[i].conf = *r->cur[i].conf;
		}
	}
	model_listeners_set(r->env.model, arr, r->ncur);
}

/*
 * flow new|existing|destroy tcp|udp SRC SPORT DST DPORT
 *      [server=ADDR server_port=N] [owner=found|unknown] [pid= uid=
 *      comm= exe= inode=] [late] [was_unknown] [at_start] [closing]
 *      [pay=none|not_seen|clear|upgraded|encrypted|unknown app=NAME
 *      snmp=1|2|3] [ftp_data] [tls_offered]
 * Local ends are judged against the model's addresses, as ct.c does.
 */
static void do_flow(struct replay *r, char **tok, size_t n)
{
	struct flow_event fe = { 0 };
	const char *s;

	if (n < 7)
		die(r, "usage: flow new|existing|destroy tcp|udp SRC SPORT DST DPORT [key=value...]");
	if (!strcmp(tok[1], "new"))
		fe.kind = FLOW_NEW;
	else if (!strcmp(tok[1], "existing"))
		fe.kind = FLOW_EXISTING;
	else if (!strcmp(tok[1], "destroy"))
		fe.kind = FLOW_DESTROY;
	else
		die(r, "flow kind: %s", tok[1]);
	fe.proto = proto_of(r, tok[2]);
	addr_of(r, tok[3], &fe.src);
	fe.sport = (uint16_t)num(r, tok[4], "sport", 0);
	addr_of(r, tok[5], &fe.dst);
	fe.dport = (uint16_t)num(r, tok[6], "dport", 0);
	s = opt(tok, n, 7, "server");
	if (s)
		addr_of(r, s, &fe.server);
	else
		fe.server = fe.dst;
	fe.server_port = (uint16_t)num(r, opt(tok, n, 7, "server_port"),
				       "server_port", fe.dport);
	fe.netns = (uint64_t)num(r, opt(tok, n, 7, "netns"), "netns", 0);
	/* another namespace's addresses are not the model's: say which */
	fe.from_local = fe.netns ? flag(tok, n, 7, "from_local") :
			model_addr_is_local(r->env.model, &fe.src);
	fe.to_local = fe.netns ? flag(tok, n, 7, "to_local") :
		      model_addr_is_local(r->env.model, &fe.server);
	if (!fe.from_local && !fe.to_local)
		return;		/* forwarded: ct.c publishes nothing */
	s = opt(tok, n, 7, "owner");
	fe.owner_state = !s ? OWNER_NOT_ASKED :
			 !strcmp(s, "found") ? OWNER_FOUND :
			 !strcmp(s, "unknown") ? OWNER_UNKNOWN :
			 (die(r, "owner: found or unknown"), OWNER_UNKNOWN);
	fe.owner.pid = (pid_t)num(r, opt(tok, n, 7, "pid"), "pid", 0);
	fe.owner.uid = (uid_t)num(r, opt(tok, n, 7, "uid"), "uid", 0);
	fe.owner.inode = (uint32_t)num(r, opt(tok, n, 7, "inode"), "inode",
				       fe.owner_state == OWNER_FOUND);
	copy_str(fe.owner.comm, sizeof(fe.owner.comm),
		 opt(tok, n, 7, "comm"));
	copy_str(fe.owner.exe, sizeof(fe.owner.exe), opt(tok, n, 7, "exe"));
	fe.late = flag(tok, n, 7, "late");
	fe.was_unknown = flag(tok, n, 7, "was_unknown");
	fe.at_start = flag(tok, n, 7, "at_start");
	fe.closing = flag(tok, n, 7, "closing");
	if (fe.at_start && fe.kind != FLOW_EXISTING)
		die(r, "at_start: only an existing flow");
	engine_publish(r->env.engine, EV_FLOW, &fe);
	/* what the payload stage (sources/payload.c) made of it */
	s = opt(tok, n, 7, "pay");
	fe.pay = !s || !strcmp(s, "none") ? FLOW_PAY_NONE :
		 !strcmp(s, "not_seen") ? FLOW_PAY_NOT_SEEN :
		 !strcmp(s, "clear") ? FLOW_PAY_CLEAR :
		 !strcmp(s, "upgraded") ? FLOW_PAY_UPGRADED :
		 !strcmp(s, "encrypted") ? FLOW_PAY_ENCRYPTED :
		 !strcmp(s, "unknown") ? FLOW_PAY_UNKNOWN :
		 (die(r, "pay: none, not_seen, clear, upgraded, encrypted or unknown"),
		  FLOW_PAY_NONE);
	fe.pay_app = opt(tok, n, 7, "app");
	fe.snmp_version = (uint8_t)num(r, opt(tok, n, 7, "snmp"), "snmp", 0);
	/* a control connection's flow again, for its active data (payftp.h) */
	fe.ftp_data = flag(tok, n, 7, "ftp_data");
	fe.tls_offered = flag(tok, n, 7, "tls_offered");
	engine_publish(r->env.engine, EV_FLOW_PAYLOAD, &fe);
}

static enum elf_tri tri_of(const struct replay *r, const char *s)
{
	if (!s || !strcmp(s, "unknown"))
		return ELF_UNKNOWN;
	if (!strcmp(s, "yes"))
		return ELF_YES;
	if (!strcmp(s, "no"))
		return ELF_NO;
	die(r, "yes, no or unknown: %s", s);
}

/*
 * binary path=P [package=NAME] dep=yes|no|unknown cookies=...
 *        [dep_reason= cookie_reason= script=INTERP pid= uid= exe= comm=]
 *        [deleted]
 */
static void do_binary(struct replay *r, char **tok, size_t n)
{
	struct elf_verdict v = { .is_elf = 1 };
	struct binary_event ev = { .verdict = &v };
	const char *s;

	ev.path = opt(tok, n, 1, "path");
	if (!ev.path)
		die(r, "binary: path= is needed");
	ev.ino = (ino_t)num(r, opt(tok, n, 1, "inode"), "inode", 1);
	ev.package = opt(tok, n, 1, "package");
	v.dep = tri_of(r, opt(tok, n, 1, "dep"));
	v.stack_cookies = tri_of(r, opt(tok, n, 1, "cookies"));
	copy_str(v.dep_reason, sizeof(v.dep_reason),
		 opt(tok, n, 1, "dep_reason"));
	copy_str(v.cookie_reason, sizeof(v.cookie_reason),
		 opt(tok, n, 1, "cookie_reason"));
	s = opt(tok, n, 1, "script");
	if (s) {
		v.is_script = 1;
		copy_str(v.interp, sizeof(v.interp), s);
	}
	ev.pid = (pid_t)num(r, opt(tok, n, 1, "pid"), "pid", 1);
	ev.uid = (uid_t)num(r, opt(tok, n, 1, "uid"), "uid", 0);
	ev.exe = opt(tok, n, 1, "exe");
	if (!ev.exe)
		ev.exe = ev.path;
	ev.comm = opt(tok, n, 1, "comm");
	if (!ev.comm)
		ev.comm = "x";
	ev.deleted = flag(tok, n, 1, "deleted");
	engine_publish(r->env.engine, EV_BINARY, &ev);
}

/* UID:GID:MODE (mode in octal) */
static void node_of(const struct replay *r, const char *s,
		    struct perm_node *nd)
{
	unsigned int uid, gid, mode;

	if (!s || sscanf(s, "%u:%u:%o", &uid, &gid, &mode) != 3)
		die(r, "expected UID:GID:MODE, got %s", s ? s : "(none)");
	nd->uid = uid;
	nd->gid = gid;
	nd->mode = mode;
}

/*
 * module pid= ruid= euid= exe= comm= path=P file=UID:GID:MODE
 *        [dirs=UID:GID:MODE,... parent first] [dirs_err=ESTALE|EACCES]
 *        [deleted] [root_uid=N: the process is root of a user namespace,
 *        whose uid 0 is host uid N]
 */
static void do_module(struct replay *r, char **tok, size_t n)
{
	struct proc_info pi = { 0 };
	struct proc_map m = { 0 };
	struct perm_facts f = { 0 };
	struct module_event me = { .pi = &pi, .map = &m, .facts = &f };
	char *dirs, *save = NULL, *d;
	const char *s;

	pi.pid = (pid_t)num(r, opt(tok, n, 1, "pid"), "pid", 1);
	pi.ruid = (uid_t)num(r, opt(tok, n, 1, "ruid"), "ruid", 0);
	pi.euid = (uid_t)num(r, opt(tok, n, 1, "euid"), "euid", pi.ruid);
	me.root_uid = (uid_t)num(r, opt(tok, n, 1, "root_uid"), "root_uid", 0);
	copy_str(pi.exe, sizeof(pi.exe), opt(tok, n, 1, "exe"));
	copy_str(pi.comm, sizeof(pi.comm), opt(tok, n, 1, "comm"));
	m.path = opt(tok, n, 1, "path");
	if (!m.path)
		die(r, "module: path= is needed");
	m.deleted = flag(tok, n, 1, "deleted");
	node_of(r, opt(tok, n, 1, "file"), &f.file);
	dirs = opt(tok, n, 1, "dirs");
	for (d = dirs ? strtok_r(dirs, ",", &save) : NULL; d;
	     d = strtok_r(NULL, ",", &save)) {
		if (f.ndirs == PERM_MAX_DEPTH)
			die(r, "too many directories");
		node_of(r, d, &f.dirs[f.ndirs++]);
	}
	s = opt(tok, n, 1, "dirs_err");
	if (s)
		f.dirs_err = !strcmp(s, "ESTALE") ? ESTALE :
			     !strcmp(s, "EACCES") ? EACCES :
			     (die(r, "dirs_err: ESTALE or EACCES"), 0);
	engine_publish(r->env.engine, EV_MODULE, &me);
}

/*
 * place pid=N|netns=N [runtime= id= name= image= image_id=
 *       pod_id= pod_name= pod_namespace= netns_name=]: where that pid,
 *       or that namespace, is.
 */
static void do_place(struct replay *r, char **tok, size_t n)
{
	struct place *pl;
	const char *rt;

	if (r->nplaces == MAX_PLACES)
		die(r, "too many places");
	r->places[r->nplaces].pid = (pid_t)num(r, opt(tok, n, 1, "pid"),
					       "pid", 0);
	r->places[r->nplaces].netns = (uint64_t)num(r, opt(tok, n, 1,
							   "netns"),
						    "netns", 0);
	pl = &r->places[r->nplaces].pl;
	memset(pl, 0, sizeof(*pl));
	pl->netns = r->places[r->nplaces].netns;
	rt = opt(tok, n, 1, "runtime");
	/* the locator's runtimes are static strings */
	pl->runtime = !rt ? NULL : !strcmp(rt, "podman") ? "podman" :
		      !strcmp(rt, "docker") ? "docker" :
		      !strcmp(rt, "containerd") ? "containerd" :
		      (die(r, "runtime: podman, docker or containerd"), NULL);
	copy_str(pl->ctr_id, sizeof(pl->ctr_id), opt(tok, n, 1, "id"));
	copy_str(pl->ctr_name, sizeof(pl->ctr_name), opt(tok, n, 1, "name"));
	copy_str(pl->image, sizeof(pl->image), opt(tok, n, 1, "image"));
	copy_str(pl->image_id, sizeof(pl->image_id),
		 opt(tok, n, 1, "image_id"));
	copy_str(pl->pod_id, sizeof(pl->pod_id), opt(tok, n, 1, "pod_id"));
	copy_str(pl->pod_name, sizeof(pl->pod_name),
		 opt(tok, n, 1, "pod_name"));
	copy_str(pl->pod_namespace, sizeof(pl->pod_namespace),
		 opt(tok, n, 1, "pod_namespace"));
	copy_str(pl->netns_name, sizeof(pl->netns_name),
		 opt(tok, n, 1, "netns_name"));
	r->nplaces++;
}

/* The engine's locator: the place given for pid, else for netns. */
static void locate(void *data, pid_t pid, uint64_t netns, struct place *out)
{
	struct replay *r = data;
	size_t i;

	for (i = 0; pid > 0 && i < r->nplaces; i++)
		if (r->places[i].pid == pid) {
			*out = r->places[i].pl;
			if (!out->netns)
				out->netns = netns;
			return;
		}
	for (i = 0; netns && i < r->nplaces; i++)
		if (!r->places[i].pid && r->places[i].netns == netns) {
			*out = r->places[i].pl;
			return;
		}
}

/* run end: the collecting run completes (end-of-run rules), a new one starts. */
static void do_run(struct replay *r, char **tok, size_t n)
{
	if (n != 2 || strcmp(tok[1], "end"))
		die(r, "usage: run end");
	if (assess_complete(r->assess) < 0 ||
	    assess_start(r->assess, 0) < 0)
		die(r, "run: %s", strerror(errno));
}

static void replay_events(struct replay *r, const char *path)
{
	static const struct {
		const char *word;
		void (*fn)(struct replay *, char **, size_t);
	} verbs[] = {
		{ "addr", do_addr }, { "listen", do_listen },
		{ "flow", do_flow }, { "binary", do_binary },
		{ "module", do_module }, { "run", do_run },
		{ "place", do_place },
	};
	static char line[65536];
	char *tok[MAX_TOKENS];
	FILE *f = fopen(path, "re");
	size_t n, i;

	if (!f) {
		fprintf(stdout, "%s: %s\n", path, strerror(errno));
		exit(2);
	}
	r->file = path;
	r->line = 0;
	while (fgets(line, sizeof(line), f)) {
		r->line++;
		n = split(line, tok);
		if (!n || tok[0][0] == '#')
			continue;
		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			if (!strcmp(tok[0], verbs[i].word))
				break;
		if (i == sizeof(verbs) / sizeof(verbs[0]))
			die(r, "unknown event: %s", tok[0]);
		verbs[i].fn(r, tok, n);
	}
	fclose(f);
}

/* An attribute as the expected file writes it: strings bare, rest JSON. */
static const char *attr_text(json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void print_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == ' ')
			fputs("\\s", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
}

static void print_finding(const struct finding *f)
{
	json_object *a;

	fputs("  ", stdout);
	fputs(f->rule->id, stdout);
	putchar(' ');
	print_escaped(f->asset_key);
	printf(" count=%llu", (unsigned long long)f->count);
	a = finding_attrs(f);
	json_object_object_foreach(a, k, v) {
		printf(" %s=", k);
		print_escaped(attr_text(v));
	}
	json_object_put(a);
	putchar('\n');
}

/*
 * Each line of the expected file: RULE KEY [attr=value...], count= is
 * the number of sightings, status= open or resolved.  Every finding
 * must be listed, and only those; the attributes listed must match.
 */
static int check_expected(struct replay *r, const char *path,
			  struct findings *fs)
{
	static char line[65536];
	char *tok[MAX_TOKENS];
	bool *seen = calloc(findings_count(fs) + 1, sizeof(*seen));
	FILE *f = fopen(path, "re");
	int bad = 0;
	size_t n, i;

	if (!f || !seen) {
		fprintf(stdout, "%s: %s\n", path, strerror(errno));
		exit(2);
	}
	r->file = path;
	r->line = 0;
	while (fgets(line, sizeof(line), f)) {
		const struct rule_meta *m;
		const struct finding *fd;
		json_object *fa;

		r->line++;
		n = split(line, tok);
		if (!n || tok[0][0] == '#')
			continue;
		if (n < 2)
			die(r, "usage: RULE KEY [attr=value...]");
		m = rule_meta_by_name(tok[0]);
		if (!m)
			die(r, "no rule %s", tok[0]);
		unescape(tok[1]);
		fd = findings_lookup(fs, m->idx, tok[1]);
		if (!fd) {
			printf("%s:%u: missing: %s %s\n", path, r->line,
			       tok[0], tok[1]);
			bad = 1;
			continue;
		}
		for (i = 0; i < findings_count(fs); i++)
			if (findings_at(fs, i) == fd)
				seen[i] = true;
		fa = finding_attrs(fd);
		for (i = 2; i < n; i++) {
			char *eq = strchr(tok[i], '=');
			json_object *v;
			char got[64];
			const char *have;

			if (!eq)
				die(r, "attr=value: %s", tok[i]);
			*eq = '\0';
			unescape(eq + 1);
			if (!strcmp(tok[i], "count")) {
				snprintf(got, sizeof(got), "%llu",
					 (unsigned long long)fd->count);
				have = got;
			} else if (!strcmp(tok[i], "status")) {
				have = finding_status_name(fd->status);
			} else if (json_object_object_get_ex(fa, tok[i], &v)) {
				have = attr_text(v);
			} else {
				have = "(absent)";
			}
			if (strcmp(have, eq + 1)) {
				printf("%s:%u: %s %s: %s is %s, expected %s\n",
				       path, r->line, tok[0], tok[1], tok[i],
				       have, eq + 1);
				bad = 1;
			}
		}
		json_object_put(fa);
	}
	fclose(f);
	for (i = 0; i < findings_count(fs); i++) {
		if (seen[i])
			continue;
		printf("%s: not expected:\n", path);
		print_finding(findings_at(fs, i));
		bad = 1;
	}
	free(seen);
	return bad;
}

/*
 * VIGIL_REPLAY_LINES=DIR: every event the case makes is also written,
 * one line each, to DIR/kv, DIR/json, DIR/ocsf and DIR/cef, as vigild
 * would announce it; tests/formats checks those lines.
 */
struct lines {
	const char *dir;
	struct line_host host;
	size_t max;
};

static void write_lines(struct lines *l, const struct finding *f,
			enum finding_event ev, const struct run *run)
{
	static const struct {
		const char *name;
		enum syslog_format fmt;
	} fmts[] = {
		{ "kv", SYSLOG_FORMAT_KV }, { "json", SYSLOG_FORMAT_JSON },
		{ "ocsf", SYSLOG_FORMAT_OCSF }, { "cef", SYSLOG_FORMAT_CEF },
	};
	char path[4096];
	struct sbuf sb;
	size_t i;
	int r;

	sbuf_init(&sb);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		FILE *out;

		r = f ? line_finding(&sb, fmts[i].fmt, l->max, f, ev,
				     &l->host, 1790000000123LL) :
			line_run(&sb, fmts[i].fmt, run, &l->host,
				 1790000000123LL);
		snprintf(path, sizeof(path), "%s/%s", l->dir, fmts[i].name);
		out = fopen(path, "ae");
		if (r < 0 || !out) {
			fprintf(stderr, "%s: cannot write a line\n", path);
			exit(2);
		}
		fprintf(out, "%s\n", sbuf_str(&sb));
		fclose(out);
	}
	sbuf_free(&sb);
}

static void lines_event(void *data, const struct finding *f,
			enum finding_event ev)
{
	write_lines(data, f, ev, NULL);
}

static void lines_run(void *data, const struct run *run)
{
	write_lines(data, NULL, 0, run);
}

static const struct findings_ops lines_ops = { .on_event = lines_event };

int main(int argc, char **argv)
{
	struct lines lines = { .dir = getenv("VIGIL_REPLAY_LINES") };
	json_object *host = NULL;
	struct replay r = { .file = "replay" };
	struct vigil_config *cfg = NULL;
	void *priv[N_RULES] = { 0 };
	struct engine_store store;
	struct findings *fs;
	struct sbuf err;
	char path[4096];
	struct stat st;
	int bad;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CASE-DIRECTORY\n", argv[0]);
		return 2;
	}
	log_open(1, LOG_DAEMON);
	sbuf_init(&err);
	snprintf(path, sizeof(path), "%s/vigil.conf", argv[1]);
	if ((stat(path, &st) == 0 ? config_load_file(path, &cfg, &err) :
	     config_load_default(&cfg, &err)) < 0) {
		printf("%s\n", sbuf_str(&err));
		return 2;
	}
	sbuf_free(&err);
	r.env.cfg = cfg;
	r.env.loop = loop_new();
	fs = findings_new((size_t)cfg->max_findings,
			  lines.dir ? &lines_ops : NULL, &lines);
	r.assess = fs && r.env.loop ?
		       assess_new(r.env.loop, fs, NULL, NULL) : NULL;
	if (lines.dir && r.assess) {
		host = host_info_new();
		/* the host's tags as a JSON object, as config "tags" gives */
		if (getenv("VIGIL_REPLAY_TAGS") && host) {
			json_object *t = json_tokener_parse(
				getenv("VIGIL_REPLAY_TAGS"));

			if (!t || !json_object_is_type(t, json_type_object)) {
				fprintf(stderr, "VIGIL_REPLAY_TAGS: not a JSON object\n");
				return 2;
			}
			json_object_object_add(host, "tags", t);
			lines.host.tags = t;
		}
		findings_set_host(fs, host);
		lines.host.hostname = json_get_str(host, "hostname");
		lines.host.machine_id = json_get_str(host, "machine_id");
		lines.host.addresses = json_object_object_get(host,
							      "addresses");
		lines.host.device_type = json_get_str(host, "device_type");
		if (!lines.host.hostname)
			lines.host.hostname = "";
		if (!lines.host.machine_id)
			lines.host.machine_id = "";
		lines.max = (size_t)cfg->syslog_max_line - LINE_HEADER_ROOM;
		assess_set_run_hook(r.assess, lines_run, &lines);
	}
	if (r.assess)
		assess_engine_store(r.assess, &store);
	r.env.engine = r.assess ? engine_new(cfg, &store) : NULL;
	r.env.model = r.env.engine ? model_new(r.env.engine) : NULL;
	if (r.env.engine)
		engine_set_locator(r.env.engine, locate, &r);
	if (!r.env.model || assess_start(r.assess, 0) < 0) {
		printf("cannot set up: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < N_RULES; i++) {
		if (rule_modules[i]->init(&r.env, &priv[i]) < 0) {
			printf("%s: cannot start\n", rule_modules[i]->name);
			return 2;
		}
	}
	r.cur = calloc(MAX_LISTENERS, sizeof(*r.cur));
	if (!r.cur) {
		printf("cannot set up: %s\n", strerror(errno));
		return 2;
	}
	snprintf(path, sizeof(path), "%s/events", argv[1]);
	replay_events(&r, path);
	snprintf(path, sizeof(path), "%s/expected", argv[1]);
	bad = check_expected(&r, path, fs);
	if (lines.dir && !bad) {
		/* The rest of a lifecycle: a reminder, an acceptance (with
		 * a hostile reason) that ends, then two runs without a
		 * sighting (the first completes the case's own run). */
		int64_t now = (int64_t)time(NULL);

		for (i = 0; i < findings_count(fs); i++)
			write_lines(&lines, findings_at(fs, i), FEV_REMIND,
				    NULL);
		for (i = 0; i < findings_count(fs); i++)
			findings_accept(fs, findings_at(fs, i)->id,
					"vendor fix due \"soon\" <b>\n\xff",
					now + 100, "vigilctl (uid 0)", now);
		findings_check_acceptance(fs, now + 100);
		assess_complete(r.assess);
		assess_complete(r.assess);
	}
	if (bad) {
		printf("%s: the findings were:\n", argv[1]);
		for (i = 0; i < findings_count(fs); i++)
			print_finding(findings_at(fs, i));
	}
	for (i = 0; i < N_RULES; i++)
		if (rule_modules[i]->fini && priv[i])
			rule_modules[i]->fini(priv[i]);
	for (i = 0; i < r.ncur; i++) {
		free(r.cur[i].exe);
		json_object_put(r.cur[i].snmp_communities);
		free(r.cur[i].conf);
	}
	free(r.cur);
	model_free(r.env.model);
	engine_free(r.env.engine);
	assess_free(r.assess);
	findings_free(fs);
	json_object_put(host);
	loop_free(r.env.loop);
	config_free(cfg);
	return bad;
}
