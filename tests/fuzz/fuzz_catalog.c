// SPDX-License-Identifier: GPL-2.0-or-later
/* The protocol catalog (rules/protocols.conf) and lookups in it. */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "config/protocols.h"
#include "lib/sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_catalog *c = proto_catalog_new();
	struct sbuf err;
	char *text = malloc(size + 1);
	unsigned int port;

	if (!c || !text) {
		proto_catalog_free(c);
		free(text);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	sbuf_init(&err);
	if (proto_catalog_add_text(c, text, "fuzz.conf", &err) == 0) {
		for (port = 0; port < 1024; port += 7) {
			proto_by_port(c, (uint16_t)port, 6);
			proto_by_port(c, (uint16_t)port, 17);
		}
		proto_by_client(c, "telnet", "/usr/bin/telnet");
		proto_by_server(c, "vsftpd", "/usr/sbin/vsftpd");
	}
	sbuf_free(&err);
	proto_catalog_free(c);
	free(text);
	return 0;
}
