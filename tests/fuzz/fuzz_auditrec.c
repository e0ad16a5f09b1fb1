// SPDX-License-Identifier: GPL-2.0-or-later
/* One audit record's text, as the kernel hands it to vigild. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "sources/auditrec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {
		"arch", "syscall", "success", "a2", "pid", "ppid", "uid",
		"euid", "exe", "comm", "cwd", "op", "key", "item", "inode",
		"dev", "name", "a0", "saddr",
	};
	struct net_addr sa;
	uint16_t port;
	struct auditrec_argv argv;
	struct auditrec_hdr h;
	unsigned long long n;
	char out[256];
	const char *body;
	size_t i, len;
	char *text;
	int off;

	/* An exact-size copy: ASan sees a read one byte past it. */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	off = auditrec_header(text, size, &h);
	body = off >= 0 ? text + off : text;
	len = off >= 0 ? size - (size_t)off : size;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		auditrec_str(body, len, fields[i], out, sizeof(out));
		auditrec_num(body, len, fields[i], 10, &n);
		auditrec_num(body, len, fields[i], 16, &n);
	}
	auditrec_sockaddr(body, len, &sa, &port);
	auditrec_argv_init(&argv);
	auditrec_argv_add(&argv, body, len);
	auditrec_argv_add(&argv, body, len);
	auditrec_argv_free(&argv);
	free(text);
	return 0;
}
