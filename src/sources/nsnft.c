// SPDX-License-Identifier: GPL-2.0-or-later
/* vigild's counting table inside a watched namespace (nsnft.h). */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

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
#define LOG_FTP \
	"		ct packets >= 24 ct packets < 512 tcp dport 21 " \
	"tcp flags & psh != 0 " LOG_TO
static const char table_text_log[] =
	TABLE_HEAD CHAIN("input") LOG("iifname != \"lo\" ") "	}\n"
	CHAIN("output") LOG("") LOG_FTP "	}\n" "}\n";

struct job {
	const char *cmd;
	char *msg;
	size_t size;
};

/* Runs inside the namespace: a context made there talks to it. */
static int run(void *data)
{
	struct job *j = data;
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *err;
	int r;

	if (!ctx) {
		errno = ENOMEM;
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, j->cmd);
	if (j->msg && j->size) {
		err = nft_ctx_get_error_buffer(ctx);
		snprintf(j->msg, j->size, "%s", err ? err : "");
		j->msg[strcspn(j->msg, "\n")] = '\0';
	}
	nft_ctx_free(ctx);
	if (r) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int nsnft_present(int nsfd)
{
	struct job j = { "list table inet vigil", NULL, 0 };

	return netns_run(nsfd, run, &j) == 0 ? 1 : 0;
}

int nsnft_load(int nsfd, bool log, char *msg, size_t size)
{
	struct job j = { log ? table_text_log : table_text, msg, size };

	return netns_run(nsfd, run, &j);
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

int nsnft_unload(int nsfd)
{
	struct job j = { "delete table inet " NSNFT_TABLE, NULL, 0 };

	return netns_run(nsfd, run, &j);
}
