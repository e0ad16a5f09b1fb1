/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PDECODE_PRIV_H
#define VIGIL_PDECODE_PRIV_H

/*
 * Shared by pdecode.c (text protocols, TLS, the flow's life) and
 * pdecode_bin.c (BER: LDAP and SNMP; TFTP).  Nothing else includes it.
 */
#include "sources/pdecode.h"

/* Set the flow's verdict (and its app, unless PD_APP_NONE); returns v. */
static inline enum pd_verdict pd_decide(struct pd_flow *f, enum pd_app app,
					enum pd_verdict v)
{
	if (app != PD_APP_NONE)
		f->app = (uint8_t)app;
	f->verdict = (uint8_t)v;
	return v;
}

/* Does a TCP payload start like an LDAPMessage (RFC 4511)? */
bool pd_ldap_message(const uint8_t *p, size_t len);
/* An LDAPMessage of either side: StartTLS, an operation in clear. */
enum pd_verdict pd_ldap_packet(struct pd_flow *f, enum pd_dir dir,
			       const uint8_t *p, size_t len);
/* A UDP payload: SNMP (its version and v3 flags) or TFTP. */
enum pd_verdict pd_udp_packet(struct pd_flow *f, enum pd_dir dir,
			      const uint8_t *p, size_t len);

#endif
