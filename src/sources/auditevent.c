// SPDX-License-Identifier: GPL-2.0-or-later
/* Audit records gathered into events: see auditevent.h. */
#include "build.h"

#include <libaudit.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "lib/hash.h"
#include "sources/audit.h"
#include "sources/auditevent.h"
#include "sources/auditrec.h"

/* Serials handed over lately, whose records are dropped if told again. */
#define DONE_RING 256

struct open_event {
	struct audit_event ev;
	uint64_t born_ms;
	char *exe;		/* allocated by need: most events have none */
	struct open_event *prev, *next;	/* age order */
	UT_hash_handle hh;	/* by ev.serial */
};

struct auditevent_asm {
	struct auditevent_counters c;
	auditevent_done_cb done;
	auditevent_config_cb config;
	void *data;
	struct open_event *by_serial;	/* uthash head */
	size_t nopen;
	struct open_event *oldest, *newest;
	uint64_t max_serial;
	uint64_t done_ring[DONE_RING];
	size_t done_next;
};

struct auditevent_asm *auditevent_new(const struct auditevent_counters *c,
				      auditevent_done_cb done,
				      auditevent_config_cb config,
				      void *data)
{
	struct auditevent_asm *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->c = *c;
	a->done = done;
	a->config = config;
	a->data = data;
	return a;
}

static void unlink_event(struct auditevent_asm *a, struct open_event *o)
{
	HASH_DEL(a->by_serial, o);
	a->nopen--;
	if (o->prev)
		o->prev->next = o->next;
	else
		a->oldest = o->next;
	if (o->next)
		o->next->prev = o->prev;
	else
		a->newest = o->prev;
}

static void free_event(struct open_event *o)
{
	free(o->exe);
	free(o);
}

void auditevent_free(struct auditevent_asm *a)
{
	if (!a)
		return;
	while (a->oldest) {
		struct open_event *o = a->oldest;

		unlink_event(a, o);
		free_event(o);
	}
	free(a);
}

static bool done_lately(const struct auditevent_asm *a, uint64_t serial)
{
	size_t i;

	for (i = 0; i < DONE_RING; i++)
		if (a->done_ring[i] == serial)
			return true;
	return false;
}

/* Hand o over, remember its serial, and free it. */
static void finish(struct auditevent_asm *a, struct open_event *o)
{
	unlink_event(a, o);
	(*a->c.events)++;
	a->done_ring[a->done_next] = o->ev.serial;
	a->done_next = (a->done_next + 1) % DONE_RING;
	o->ev.exe = o->exe ? o->exe : "";
	a->done(a->data, &o->ev);
	free_event(o);
}

/* A new open event for serial; NULL on ENOMEM. */
static struct open_event *new_event(struct auditevent_asm *a,
				    uint64_t serial, uint64_t now)
{
	struct open_event *o;

	if (a->nopen >= AUDIT_MAX_PENDING) {
		(*a->c.incomplete)++;
		finish(a, a->oldest);
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->ev.serial = serial;
	o->born_ms = now;
	HASH_ADD(hh, a->by_serial, ev.serial, sizeof(o->ev.serial), o);
	if (!hash_added(o, hh)) {
		free(o);
		return NULL;
	}
	a->nopen++;
	o->prev = a->newest;
	if (a->newest)
		a->newest->next = o;
	else
		a->oldest = o;
	a->newest = o;
	return o;
}

/* Serials are handed out in order: a jump means records were lost. */
static void track_serial(struct auditevent_asm *a, uint64_t serial)
{
	if (!a->max_serial) {
		a->max_serial = serial;
		return;
	}
	if (serial > a->max_serial + 1)
		*a->c.gaps += serial - a->max_serial - 1;
	else if (serial < a->max_serial && *a->c.gaps)
		(*a->c.gaps)--;	/* a late arrival fills a gap */
	if (serial > a->max_serial)
		a->max_serial = serial;
}

static void on_syscall(struct open_event *o, const char *b, size_t n)
{
	struct audit_event *e = &o->ev;
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
	snprintf(e->syscall, sizeof(e->syscall), "%s", name ? name : "?");
	e->have_syscall = true;
	e->success = auditrec_tok_str(&t, "success", res, sizeof(res)) > 0 &&
		     !strcmp(res, "yes");
	if (auditrec_tok_num(&t, "a0", 16, &v) == 0)
		e->a0 = v;
	if (auditrec_tok_num(&t, "a2", 16, &v) == 0)
		e->a2 = v;
	if (auditrec_tok_num(&t, "pid", 10, &v) == 0)
		e->pid = (pid_t)v;
	if (auditrec_tok_num(&t, "uid", 10, &v) == 0)
		e->uid = (uid_t)v;
	if (auditrec_tok_num(&t, "euid", 10, &v) == 0)
		e->euid = (uid_t)v;
	free(o->exe);
	o->exe = auditrec_tok_str(&t, "exe", exe, sizeof(exe)) >= 0 ?
		 strdup(exe) : NULL;
	if (auditrec_tok_str(&t, "comm", e->comm, sizeof(e->comm)) < 0)
		e->comm[0] = '\0';
}

/* "inode=N dev=MAJ:MIN" (hex) of a PATH record. */
static void on_path(struct audit_event *e, const char *b, size_t n)
{
	unsigned long long ino;
	struct auditrec_tokens t;
	unsigned int maj, min;
	char dev[32];

	if (e->nfiles >= AUDITEVENT_MAX_PATHS)
		return;
	auditrec_tokenize(b, n, &t);
	if (auditrec_tok_num(&t, "inode", 10, &ino) < 0 ||
	    auditrec_tok_str(&t, "dev", dev, sizeof(dev)) < 0 ||
	    sscanf(dev, "%x:%x", &maj, &min) != 2)
		return;
	e->files[e->nfiles].dev = makedev(maj, min);
	e->files[e->nfiles].ino = (ino_t)ino;
	e->nfiles++;
}

void auditevent_record(struct auditevent_asm *a, int type, const char *text,
		       size_t len, uint64_t now_ms)
{
	struct auditrec_hdr h;
	struct open_event *o;
	const char *body;
	int off;

	/* Records only (netlink control messages are below). */
	if (type < AUDIT_FIRST_USER_MSG)
		return;
	(*a->c.records)++;
	off = auditrec_header(text, len, &h);
	if (off < 0) {
		(*a->c.malformed)++;
		return;
	}
	body = text + off;
	len -= (size_t)off;
	if (type == AUDIT_CONFIG_CHANGE) {
		track_serial(a, h.serial);
		a->config(a->data, body, len);
		return;
	}
	/* argv, cwd and the rest: nothing reads them */
	if (type != AUDIT_SYSCALL && type != AUDIT_PATH &&
	    type != AUDIT_SOCKADDR && type != AUDIT_EOE)
		return;
	HASH_FIND(hh, a->by_serial, &h.serial, sizeof(h.serial), o);
	/*
	 * Told again?  Only a serial no event holds open, and none newer
	 * than all seen, can be one handed over: most records skip the
	 * walk of the ring.
	 */
	if (!o && h.serial <= a->max_serial && done_lately(a, h.serial)) {
		(*a->c.duplicates)++;
		return;
	}
	track_serial(a, h.serial);
	if (!o && !(o = new_event(a, h.serial, now_ms)))
		return;
	switch (type) {
	case AUDIT_SYSCALL:
		on_syscall(o, body, len);
		break;
	case AUDIT_PATH:
		on_path(&o->ev, body, len);
		break;
	case AUDIT_SOCKADDR:
		o->ev.have_saddr = auditrec_sockaddr(body, len, &o->ev.saddr,
						     &o->ev.sport) == 0;
		break;
	case AUDIT_EOE:
		finish(a, o);
		break;
	}
}

void auditevent_expire(struct auditevent_asm *a, uint64_t now_ms,
		       uint64_t max_ms)
{
	while (a->oldest && now_ms - a->oldest->born_ms > max_ms)
		finish(a, a->oldest);
}
