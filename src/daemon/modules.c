// SPDX-License-Identifier: GPL-2.0-or-later
/* The sources, stages and rules vigild runs, in start order. */
#include "build.h"

#include <stddef.h>

#include "daemon/modules.h"
#include "rules/rules.h"
#include "sources/addr.h"
#include "sources/audit.h"
#include "sources/binaries.h"
#include "sources/ct.h"
#include "sources/listen.h"
#include "sources/nswatch.h"
#include "sources/owner.h"
#include "sources/payload.h"
#include "sources/perms.h"
#include "sources/proc.h"
#include "sources/sockconn.h"
#include "sources/where.h"

/*
 * The data flow, in start order.  Rules only subscribe.  Sources write
 * the model and publish events; stages (owner, binaries, perms) turn
 * one event into another with what the kernel and the file system say.
 * At start the tables are read in this order: addresses before
 * listeners before conntrack (a flow is judged against both), and the
 * /proc scan last, as it feeds the rest.
 */
const struct vigil_module *const vigil_modules[] = {
	/* rules */
	&root_perms_module,
	&hardening_module,
	&client_protocols_module,
	&server_protocols_module,
	&unused_ports_module,
	/* stages */
	&payload_module,
	&binaries_module,
	&perms_module,
	&owner_module,
	/* sources */
	&where_module,
	&sockconn_module,
	&addr_module,
	&nswatch_module,
	&listen_module,
	&ct_module,
	&audit_module,
	&proc_module,
	NULL,
};
