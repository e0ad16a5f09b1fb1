// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A flow's packets through the payload decoders.  The input is a run
 * of packets, each a header byte (bit 0: from the server, bit 1: UDP,
 * taken from the first packet for the whole flow), a length byte and
 * that many bytes; a verdict once given must never change.  The input
 * is also read whole as an IP packet (pkt_parse), and each packet as
 * an FTP client's PORT or EPRT line (a port, when taken, is never 0).
 */
#include "build.h"

#include <netinet/in.h>
#include <stdlib.h>

#include "fuzz.h"
#include "sources/nflog.h"
#include "sources/pdecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pd_verdict v, first = PD_PENDING;
	struct pd_flow f;
	uint8_t proto;
	size_t n;

	struct pkt_view pv;
	struct net_addr addr;
	uint16_t port;

	/* the same bytes as a whole packet, as NFLOG would copy it */
	if (pkt_parse(data, size, &pv) == 0 && pv.len > size)
		abort();
	if (size < 2)
		return 0;
	proto = data[0] & 2 ? IPPROTO_UDP : IPPROTO_TCP;
	pdecode_init(&f, proto);
	while (size >= 2) {
		enum pd_dir dir = data[0] & 1 ? PD_FROM_SERVER :
						PD_FROM_CLIENT;

		n = data[1];
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (pdecode_ftp_port(data, n, &addr, &port) && !port)
			abort();
		v = pdecode_packet(&f, proto, dir, data, n);
		if (first != PD_PENDING && v != first)
			abort();
		first = v;
		data += n;
		size -= n;
	}
	v = pdecode_end(&f);
	if (first != PD_PENDING && v != first)
		abort();
	return 0;
}
