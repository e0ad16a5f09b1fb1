/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CHECKELF_H
#define VIGIL_CHECKELF_H

/*
 * vigilctl check-elf [--json] PATH...: offline verdicts for files and
 * directory trees, no daemon needed.  Returns the exit status: 0 even
 * when files are unprotected, 64 for usage errors.
 */
int checkelf_main(int argc, char **argv);

#endif
