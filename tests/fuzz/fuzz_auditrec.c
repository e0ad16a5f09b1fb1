// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One audit record's text, as the kernel hands it to vigild; a field
 * found from the one-pass tokens must be the one a scan finds.
 */
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
	struct auditrec_tokens tok;
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
	auditrec_tokenize(body, len, &tok);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v1 = NULL, *v2 = NULL;
		size_t l1 = 0, l2 = 0;
		int r1 = auditrec_raw(body, len, fields[i], &v1, &l1);
		int r2 = auditrec_tok_raw(&tok, fields[i], &v2, &l2);

		/* one pass or a scan per field: the same token */
		if (r1 != r2 || (!r1 && (v1 != v2 || l1 != l2)))
			abort();
		auditrec_tok_num(&tok, fields[i], 16, &n);
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
