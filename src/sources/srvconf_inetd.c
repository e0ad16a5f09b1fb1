// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inetd's entry for a port (srvconf.h): "service socktype proto wait
 * user server [args]", the service a name of the root's /etc/services
 * or a number (inetutils-inetd takes "2323"), perhaps after "addr:".
 * The program is the server's base name, or tcpd's first argument's.
 */
#include "build.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/srvconf_priv.h"

static const char *base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

int srvconf_inetd(int rootfd, const char *file, uint16_t port,
		  uint8_t proto, struct server_conf *out)
{
	const char *want = proto == IPPROTO_UDP ? "udp" : "tcp";
	char *text, *services, *cur, *line, *f[8], *colon;
	unsigned int lineno = 0;
	const char *prog;
	size_t len, slen, n;

	memset(out, 0, sizeof(*out));
	cur = text = srvconf_load(rootfd, file, &len);
	if (!text)
		return -1;
	services = srvconf_load(rootfd, "/etc/services", &slen);
	while ((line = srvconf_line(&cur, &lineno))) {
		n = srvconf_fields(line, f, 8);
		/* "tcp", "tcp4", "tcp6", "udp"...; rpc/ entries are not */
		if (n < 6 || strncmp(f[2], want, 3))
			continue;
		colon = strrchr(f[0], ':');
		if (srvconf_service_port(services, colon ? colon + 1 : f[0],
					 want) != port)
			continue;
		prog = base(f[5]);
		if (!strcmp(prog, "tcpd") && n > 6)
			prog = base(f[6]);
		if (!srvconf_plain(prog))
			break;	/* not a name to report */
		snprintf(out->inetd_prog, sizeof(out->inetd_prog), "%s", prog);
		srvconf_say(out, CONF_TLS_UNKNOWN, file, lineno,
			    "port %u/%s runs %s", port, want, prog);
		break;
	}
	free(services);
	free(text);
	return 0;
}
