/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONFIG_CONFKEYS_H
#define VIGIL_CONFIG_CONFKEYS_H

/*
 * The configuration parser's insides, shared by config.c (the key
 * table, the walk, loading) and confvalues.c (reading each kind of
 * value).  Nothing outside src/config includes it.
 */
#include <libconfig.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "config/confparse.h"

/* What a key handler needs: where the error goes and where it is from. */
struct parse_ctx {
	struct vigil_config *cfg;
	const char *source;
	struct sbuf *err;
};

struct key_spec;
typedef int (*key_apply)(struct parse_ctx *pc, const config_setting_t *s,
			 const struct key_spec *spec);

/*
 * One row per accepted key (a keyword table, not an if-chain).  In a
 * path, "*" stands for any rule id.
 */
struct key_spec {
	const char *path;
	int type;
	key_apply apply;
	size_t off;		/* field in struct vigil_config */
	uint64_t min, max;	/* range for numbers and durations */
};

#define cfg_error(pc, s, ...) config_error((pc)->err, (pc)->source, s, \
					   __VA_ARGS__)

#define FIELD(pc, spec, type) ((type *)((char *)(pc)->cfg + (spec)->off))

/*
 * The appliers: put the value of s into pc->cfg as spec says; 0, or -1
 * with "file:line: message" in pc->err.
 */
int confval_path(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec);
int confval_group_name(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec);
int confval_bool(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec);
int confval_long(struct parse_ctx *pc, const config_setting_t *s,
		 const struct key_spec *spec);
int confval_protocols(struct parse_ctx *pc, const config_setting_t *s,
		      const struct key_spec *spec);
int confval_exceptions(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec);
int confval_duration(struct parse_ctx *pc, const config_setting_t *s,
		     const struct key_spec *spec);
int confval_facility(struct parse_ctx *pc, const config_setting_t *s,
		     const struct key_spec *spec);
int confval_format(struct parse_ctx *pc, const config_setting_t *s,
		   const struct key_spec *spec);
int confval_scope(struct parse_ctx *pc, const config_setting_t *s,
		  const struct key_spec *spec);
int confval_audit_mode(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec);
int confval_audit_beside(struct parse_ctx *pc, const config_setting_t *s,
			 const struct key_spec *spec);
int confval_namespaces(struct parse_ctx *pc, const config_setting_t *s,
		       const struct key_spec *spec);
int confval_tag(struct parse_ctx *pc, const config_setting_t *s,
		const struct key_spec *spec);
int confval_rule_bool(struct parse_ctx *pc, const config_setting_t *s,
		      const struct key_spec *spec);

#endif
