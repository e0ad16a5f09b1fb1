// SPDX-License-Identifier: GPL-2.0-or-later
/* vigild's counting table inside a watched namespace (nsnft.h). */
#include "build.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "lib/netns.h"
#include "sources/nsnft.h"

/* One transaction: replaced whole, never doubled. */
static const char table_text[] =
	"table inet " NSNFT_TABLE "\n"
	"delete table inet " NSNFT_TABLE "\n"
	"table inet " NSNFT_TABLE " {\n"
	"	chain input {\n"
	"		type filter hook input priority 0; policy accept;\n"
	"		ct state new counter\n"
	"	}\n"
	"	chain output {\n"
	"		type filter hook output priority 0; policy accept;\n"
	"		ct state new counter\n"
	"	}\n"
	"}\n";

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

int nsnft_load(int nsfd, char *msg, size_t size)
{
	struct job j = { table_text, msg, size };

	return netns_run(nsfd, run, &j);
}

int nsnft_unload(int nsfd)
{
	struct job j = { "delete table inet " NSNFT_TABLE, NULL, 0 };

	return netns_run(nsfd, run, &j);
}
