/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ELFJUDGE_H
#define VIGIL_ELFJUDGE_H

#include <stdint.h>
#include <sys/types.h>

#include "sources/elfscan.h"

/*
 * ELF files are judged in a helper process, so that a parser fault that
 * nobody foresaw cannot take vigild down: the helper has no
 * capabilities, runs as nobody when vigild may switch to it, cannot
 * open files, sockets or programs (a seccomp allow-list), and is bounded
 * in memory.  It gets each file as a descriptor vigild opened and sends
 * back a fixed-size verdict, which vigild checks before use.  A helper
 * that dies or takes longer than ELF_JUDGE_TIMEOUT_MS is killed and
 * replaced; the file's verdict is then "unknown" with the reason.
 */
#define ELF_JUDGE_TIMEOUT_MS 2000
#define ELF_JUDGE_MAX_AS (512UL * 1024 * 1024)

struct elf_judge;

/*
 * Start the helper.  Call while vigild may still switch user (before
 * capabilities are dropped): a helper restarted later keeps uid 0 but
 * has no capabilities.  crashes and timeouts, when not NULL, count
 * failures.  Returns NULL with errno (EPERM: the helper could not
 * sandbox itself, so none runs).
 */
struct elf_judge *elf_judge_new(uint64_t *crashes, uint64_t *timeouts);
void elf_judge_free(struct elf_judge *j);

/*
 * An elf_judge_fn: the verdict of the open file fd, from the helper.
 * Returns 0 (a helper failure is a verdict too: unknown, with the
 * reason), or -1 with errno as elf_analyze_fd() sets it, or EAGAIN
 * when no helper could be started.
 */
int elf_judge_run(void *judge, int fd, struct elf_verdict *v);

/* The helper's pid (0: none running), for tests and status. */
pid_t elf_judge_pid(const struct elf_judge *j);

#endif
