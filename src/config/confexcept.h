/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONFIG_CONFEXCEPT_H
#define VIGIL_CONFIG_CONFEXCEPT_H

#include <libconfig.h>

#include "core/exceptions.h"
#include "lib/sbuf.h"

/*
 * Add the entries of the list s (the configuration's "exceptions",
 * read from source) to x:
 *   exceptions = ( { rule = "..."; match = { program = "/opt/x/...";
 *     path = "..."; port = 8080; }; reason = "..."; until = "2027-03-01"; } );
 * Each entry needs a reason and a rule or something to match; at most
 * EXCEPTIONS_MAX.  Returns 0, or -1 with "source:line: message" in err.
 */
int config_exceptions_add(struct exceptions *x, const config_setting_t *s,
			  const char *source, struct sbuf *err);

#endif
