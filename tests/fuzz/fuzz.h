/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_FUZZ_H
#define VIGIL_FUZZ_H

/*
 * Every harness defines LLVMFuzzerTestOneInput().  Built by
 * scripts/fuzz with clang's libFuzzer, ASan and UBSan; built by
 * "make check" with replay.c, which feeds it every file of the seed
 * corpus and of the crash reproducers (tests/fuzz/replay.sh).
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are cut: the parsers bound their input. */
#define FUZZ_MAX_INPUT (1024 * 1024)

/*
 * Write data to a fresh file in /dev/shm (or /tmp) and return its
 * path, for parsers that take a file; NULL on failure.  The file is
 * replaced on the next call.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

#endif
