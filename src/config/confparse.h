/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONFIG_CONFPARSE_H
#define VIGIL_CONFIG_CONFPARSE_H

#include <libconfig.h>

#include "lib/sbuf.h"

/*
 * Helpers shared by the configuration and the protocol catalog parsers,
 * so that neither needs the other to report an error.
 */
/*
 * Put "source:line: message" (or "source: message" when s has no line)
 * in err.  Returns -1, so that a parser can return it.
 */
int config_error(struct sbuf *err, const char *source,
		 const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* config_read_string() with its syntax error as "source:line: ...". */
int config_parse_text(config_t *lc, const char *text, const char *source,
		      struct sbuf *err);

#endif
