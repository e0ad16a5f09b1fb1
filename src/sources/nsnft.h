/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_NSNFT_H
#define VIGIL_SOURCES_NSNFT_H

#include <stdbool.h>

/*
 * The table vigild loads into a namespace it watches so that
 * connections there are tracked (since Linux 4.10 a namespace tracks
 * nothing until a rule uses conntrack): inet vigild_ns, chains on input
 * and output that count new connections and accept everything, and
 * log each flow's first packets for the payload stage, as
 * rules/nft/vigil.nft does for the host.  A name of its own, so a
 * vigil inside the container keeps its own table.  Through libnftables,
 * inside the namespace (CAP_SYS_ADMIN, CAP_NET_ADMIN).
 */
#define NSNFT_TABLE "vigild_ns"

/*
 * libnftables, opened on first use (NULL: ENOMEM).  Until a call
 * needs it, nothing is loaded; when it cannot be opened, that is said
 * once and each call fails (errno ELIBACC, msg saying why).
 */
struct nsnft;
struct nsnft *nsnft_new(void);
void nsnft_free(struct nsnft *n);

/*
 * Is rules/nft/vigil.nft's table loaded there (by its admin, or a vigil
 * of its own)?  1 or 0.  A vigild_ns left by a vigild that died is no
 * reason not to load it again.
 */
int nsnft_present(struct nsnft *n, int nsfd);
/*
 * Load (or replace) it; with log, also vigil.nft's rules that log each
 * flow's first packets to NFLOG for the payload stage (they turn
 * conntrack accounting on there).  0, or -1 with errno; msg gets nft's
 * words.
 */
int nsnft_load(struct nsnft *n, int nsfd, bool log, char *msg,
	       size_t size);
/* Remove it.  0, or -1 with errno. */
int nsnft_unload(struct nsnft *n, int nsfd);

/*
 * Conntrack accounting there (net.netfilter.nf_conntrack_acct), which
 * loading the log rules turns on: 1, 0, or -1 with errno.  And turning
 * it off again (a table vigild loaded goes, and so does what it
 * changed): 0, or -1 with errno (EROFS under ProtectKernelTunables).
 */
int nsnft_acct(int nsfd);
int nsnft_acct_off(int nsfd);

#endif
