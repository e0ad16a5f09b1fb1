// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigild's counting table inside a watched namespace (nsnft.h).
 * libnftables and the four libraries it brings (half a MiB of RSS, a
 * millisecond at each exec) are opened when the first namespace needs
 * a table, not at every start: a host without containers never does.
 */
#include "build.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/netns.h"
#include "sources/nflog.h"
#include "sources/nsnft.h"

/* One transaction: replaced whole, never doubled. */
#define TABLE_HEAD \
	"table inet " NSNFT_TABLE "\n" \
	"delete table inet " NSNFT_TABLE "\n" \
	"table inet " NSNFT_TABLE " {\n"
#define CHAIN(hook) \
	"	chain " hook " {\n" \
	"		type filter hook " hook " priority 0; policy accept;\n" \
	"		ct state new counter\n"
/* vigil.nft's log rules: a flow's first packets for the payload stage */
#define STR_(x) #x
#define STR(x) STR_(x)
#define LOG_TO \
	"log group " STR(NFLOG_GROUP) " snaplen 320 queue-threshold 32\n"
#define LOG(pre) \
	"		" pre "ct packets < 24 tcp flags & (fin | rst | psh) != 0 " \
	LOG_TO \
	"		" pre "ct packets < 24 udp sport != 53 udp dport != 53 " \
	LOG_TO

static const char table_text[] =
	TABLE_HEAD CHAIN("input") "	}\n" CHAIN("output") "	}\n" "}\n";
/* an ftp client's commands, on: its PORT lines (payftp.h) */
#define NFT_LOG_FTP \
	"		ct packets >= 24 ct packets < 512 tcp dport 21 " \
	"tcp flags & psh != 0 " LOG_TO
static const char table_text_log[] =
	TABLE_HEAD CHAIN("input") LOG("iifname != \"lo\" ") "	}\n"
	CHAIN("output") LOG("") NFT_LOG_FTP "	}\n" "}\n";

/* libnftables' soname: the ABI built against (debian/control's Depends) */
#define NSNFT_LIB "libnftables.so.1"

/* each typed as the header declares it: a change there fails the build */
struct nsnft {
	void *lib;
	bool tried;
	char why[160];		/* why it cannot be opened */
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_output) *buffer_output;
	__typeof__(nft_ctx_buffer_error) *buffer_error;
	__typeof__(nft_ctx_get_error_buffer) *error_buffer;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd;
};

struct nsnft *nsnft_new(void)
{
	return calloc(1, sizeof(struct nsnft));
}

void nsnft_free(struct nsnft *n)
{
	if (!n)
		return;
	if (n->lib)
		dlclose(n->lib);
	free(n);
}

/* The symbol name into *fn.  -1: missing (n->why says). */
static int sym(struct nsnft *n, const char *name, void *fn)
{
	void *p = dlsym(n->lib, name);

	if (!p) {
		snprintf(n->why, sizeof(n->why), "%s: no %s", NSNFT_LIB, name);
		return -1;
	}
	memcpy(fn, &p, sizeof(p));
	return 0;
}

/* libnftables, opened once.  0, or -1 (n->why says; said once). */
static int open_lib(struct nsnft *n)
{
	const char *e;

	if (n->lib)
		return 0;
	if (n->tried)
		return -1;
	n->tried = true;
	n->lib = dlopen(NSNFT_LIB, RTLD_NOW | RTLD_LOCAL);
	if (!n->lib) {
		e = dlerror();
		snprintf(n->why, sizeof(n->why), "%s", e ? e : NSNFT_LIB);
		goto fail;
	}
	if (sym(n, "nft_ctx_new", &n->ctx_new) < 0 ||
	    sym(n, "nft_ctx_free", &n->ctx_free) < 0 ||
	    sym(n, "nft_ctx_buffer_output", &n->buffer_output) < 0 ||
	    sym(n, "nft_ctx_buffer_error", &n->buffer_error) < 0 ||
	    sym(n, "nft_ctx_get_error_buffer", &n->error_buffer) < 0 ||
	    sym(n, "nft_run_cmd_from_buffer", &n->run_cmd) < 0) {
		dlclose(n->lib);
		n->lib = NULL;
		goto fail;
	}
	return 0;
fail:
	log_warn("nsnft: %s: no table can be loaded in a namespace",
		 n->why);
	return -1;
}

struct job {
	struct nsnft *n;
	const char *cmd;
	char *msg;
	size_t size;
};

/* Runs inside the namespace: a context made there talks to it. */
static int run(void *data)
{
	struct job *j = data;
	struct nsnft *n = j->n;
	struct nft_ctx *ctx = n->ctx_new(NFT_CTX_DEFAULT);
	const char *err;
	int r;

	if (!ctx) {
		errno = ENOMEM;
		return -1;
	}
	n->buffer_output(ctx);
	n->buffer_error(ctx);
	r = n->run_cmd(ctx, j->cmd);
	if (j->msg && j->size) {
		err = n->error_buffer(ctx);
		snprintf(j->msg, j->size, "%s", err ? err : "");
		j->msg[strcspn(j->msg, "\n")] = '\0';
	}
	n->ctx_free(ctx);
	if (r) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* j in the namespace, libnftables opened first.  0, or -1 with errno. */
static int run_in(int nsfd, struct job *j)
{
	if (open_lib(j->n) < 0) {
		if (j->msg && j->size)
			snprintf(j->msg, j->size, "%s", j->n->why);
		errno = ELIBACC;
		return -1;
	}
	return netns_run(nsfd, run, j);
}

int nsnft_present(struct nsnft *n, int nsfd)
{
	struct job j = { n, "list table inet vigil", NULL, 0 };

	return run_in(nsfd, &j) == 0 ? 1 : 0;
}

int nsnft_load(struct nsnft *n, int nsfd, bool log, char *msg, size_t size)
{
	struct job j = { n, log ? table_text_log : table_text, msg, size };

	return run_in(nsfd, &j);
}

#define ACCT_PATH "/proc/sys/net/netfilter/nf_conntrack_acct"

/* Run inside the namespace: /proc/sys/net is the opener's. */
static int acct_read(void *data)
{
	char v = '0';
	int fd = open(ACCT_PATH, O_RDONLY | O_CLOEXEC);

	(void)data;
	if (fd < 0)
		return -1;
	if (read(fd, &v, 1) != 1)
		v = '0';
	close(fd);
	return v == '1';
}

static int acct_write_off(void *data)
{
	int fd = open(ACCT_PATH, O_WRONLY | O_CLOEXEC), r;

	(void)data;
	if (fd < 0)
		return -1;
	r = write(fd, "0\n", 2) == 2 ? 0 : -1;
	close(fd);
	return r;
}

int nsnft_acct(int nsfd)
{
	return netns_run(nsfd, acct_read, NULL);
}

int nsnft_acct_off(int nsfd)
{
	return netns_run(nsfd, acct_write_off, NULL);
}

int nsnft_unload(struct nsnft *n, int nsfd)
{
	struct job j = { n, "delete table inet " NSNFT_TABLE, NULL, 0 };

	return run_in(nsfd, &j);
}
