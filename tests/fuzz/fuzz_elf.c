// SPDX-License-Identifier: GPL-2.0-or-later
/* ELF judging, as vigild's helper runs it: one open file. */
#include "build.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sources/elfscan.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct elf_verdict v;
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (elf_analyze_fd(fd, &v) == 0) {
		/* What the helper's reply check demands of a verdict. */
		if (v.dep > ELF_NO || v.stack_cookies > ELF_NO ||
		    v.pie > PIE_DSO || v.relro > RELRO_FULL ||
		    !memchr(v.dep_reason, 0, sizeof(v.dep_reason)) ||
		    !memchr(v.cookie_reason, 0, sizeof(v.cookie_reason)))
			__builtin_trap();
	}
	close(fd);
	return 0;
}
