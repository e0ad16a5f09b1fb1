/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_ELFSCAN_H
#define VIGIL_ELFSCAN_H

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "model/events.h"

/* Files larger than this are not analysed (verdict unknown). */
#define ELF_MAX_SIZE (1024L * 1024 * 1024)
/* Sections (symbol and string tables) larger than this are not read. */
#define ELF_MAX_SECTION (64UL * 1024 * 1024)
/* #! chains are followed this deep. */
#define ELF_MAX_INTERP_DEPTH 4

/*
 * Analyse an open file (ELF only).  Never crashes on a truncated or
 * hostile file: what cannot be read is ELF_UNKNOWN with a reason.
 * Returns 0, or -1 with errno when the file is not ELF (ENOEXEC) or
 * cannot be read.
 */
int elf_analyze_fd(int fd, struct elf_verdict *v);

/*
 * Analyse a file by path, following #! to the interpreter (and
 * "/usr/bin/env NAME" through a fixed PATH), for vigilctl check-elf:
 * the daemon judges only descriptors of what processes really map.
 * Returns 0, or -1 with errno: ENOEXEC when it is neither ELF nor a
 * script, or not a regular file.
 */
int elf_analyze_path(const char *path, struct elf_verdict *v);

/*
 * What a symbol's name tells of how its object was built: a stack
 * cookie's, an import that writes into a caller's buffer, the Go
 * runtime's, or nothing (ELF_SYM_NONE).
 */
enum elf_sym_class {
	ELF_SYM_NONE, ELF_SYM_COOKIE, ELF_SYM_WRITER, ELF_SYM_GO,
};
enum elf_sym_class elf_sym_class(const char *name);

const char *elf_tri_name(enum elf_tri t, const char *yes, const char *no);
const char *elf_pie_name(enum elf_pie p);
const char *elf_relro_name(enum elf_relro r);

/*
 * Something that judges an open file: elf_analyze_fd() in this process
 * (elf_judge_inprocess) or in the sandboxed helper (elfjudge.h).
 * Returns 0, or -1 with errno.
 */
typedef int (*elf_judge_fn)(void *data, int fd, struct elf_verdict *v);
int elf_judge_inprocess(void *data, int fd, struct elf_verdict *v);

/*
 * Verdicts cached by (dev, inode, size, mtime): a file is read once
 * however many processes map it.  max slots (direct-mapped), and at
 * most max_bytes of entries, each as long as its texts (about 150
 * bytes): past that a verdict is not kept.  NULL on ENOMEM.
 */
struct elf_cache;
struct elf_cache *elf_cache_new(size_t max, size_t max_bytes);
/* The memory the entries take. */
size_t elf_cache_bytes(const struct elf_cache *c);
void elf_cache_free(struct elf_cache *c);
/*
 * The verdict of the open file fd, from the cache or by judge (errors
 * are cached too).  NULL with *err set when it has none.  The result
 * stays valid until the next call.
 */
const struct elf_verdict *elf_cache_get_fd(struct elf_cache *c, int fd,
					   elf_judge_fn judge, void *data,
					   int *err);
unsigned long elf_cache_hits(const struct elf_cache *c);
unsigned long elf_cache_misses(const struct elf_cache *c);

#endif
