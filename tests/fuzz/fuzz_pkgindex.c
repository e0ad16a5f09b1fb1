// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A dpkg index file, sealed (its checksum made right, so the fuzzer
 * reaches the decoder behind it), loaded as vigild loads it at start,
 * then looked up in, and read whole as an update does.  The dpkg directory it must name is the one in
 * the input, when the input says where that is.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sources/pkgindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"/", "/.", "/usr", "/usr/bin/a", "/usr/bin/b", "/usr/bin/ls",
		"/usr/share/a/one", "/usr/share/doc", "/zzzz", "",
	};
	struct pkgidx x;
	struct pkgidx_head h;
	unsigned char *copy;
	const char *path;
	char dir[256] = "/var/lib/dpkg";
	size_t i;

	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= sizeof(h)) {
		memcpy(&h, copy, sizeof(h));
		if (h.dir_len < sizeof(dir) && h.dir_len <= size - sizeof(h)) {
			memcpy(dir, copy + sizeof(h), h.dir_len);
			dir[h.dir_len] = '\0';
		}
	}
	pkgidx_seal(copy, size);
	path = fuzz_file(copy, size);
	free(copy);
	if (!path || pkgidx_load(&x, dir, path) < 0)
		return 0;
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		pkgidx_lookup(&x, probes[i]);
	/* as an update reads it before a merge: whole, then looked up in */
	if (pkgidx_read_all(&x) == 0)
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			pkgidx_lookup(&x, probes[i]);
	pkgidx_clear(&x);
	return 0;
}
