/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/protocols.h"
#include "core/exceptions.h"
#include "lib/sbuf.h"
#include "lib/tag.h"
#include "core/rulemeta.h"

/* sysexits EX_CONFIG: what vigild exits with on a bad configuration. */
#define VIGIL_EXIT_CONFIG 78

/* Largest config file accepted; a config is a page or two. */
#define CONFIG_MAX_SIZE (1024 * 1024)

enum syslog_format {
	SYSLOG_FORMAT_KV,
	SYSLOG_FORMAT_JSON,
	SYSLOG_FORMAT_OCSF,
	SYSLOG_FORMAT_CEF,
};

enum audit_mode {
	AUDIT_MODE_AUTO,	/* registered when no audit daemon runs */
	AUDIT_MODE_MULTICAST,	/* never registered */
	AUDIT_MODE_UNICAST,	/* an older name of "auto" */
	AUDIT_MODE_OFF,
};

/* "auto", "multicast", "unicast", "off" */
const char *config_audit_mode_name(enum audit_mode m);

/* What vigild uses for execs while another audit daemon runs. */
enum audit_beside {
	AUDIT_BESIDE_CONNECTOR,	/* no audit rule: that daemon logs nothing */
	AUDIT_BESIDE_RULES,	/* vigil's rules: precise, lines in its log */
};

enum vigil_scope {
	SCOPE_THIRD_PARTY,
	SCOPE_ALL,
};

struct rule_config {
	bool enabled;
	bool include_loopback;	/* unused-listening-tcp-ports only */
};

/* tags = { owner = "team-a"; }: on every finding of this host (lib/tag.h) */
struct config_tag {
	char *key;
	char *value;
};

struct vigil_config {
	char *source;		/* file path, or "<built-in>" */
	char *state_file;
	char *control_socket;
	char *control_group;	/* NULL: root only */
	long max_findings;
	int syslog_facility;
	enum syslog_format syslog_format;
	uint64_t syslog_remind;	/* seconds, 0 = never */
	long syslog_max_line;	/* bytes a finding line may take */
	uint64_t assess_duration;
	bool assess_repeat;
	enum vigil_scope scope;
	uint64_t proc_rescan;
	enum audit_mode audit_mode;
	enum audit_beside audit_beside;
	char *netns;		/* NULL: vigild's own namespace */
	long ct_rcvbuf_max;	/* bytes: conntrack socket buffer cap */
	uint64_t listen_refresh; /* seconds */
	bool tracepoints;	/* connect()s named by kernel tracepoints */
	bool payload;		/* flows judged by their first packets */
	bool all_namespaces;	/* network.namespaces = "all" */
	bool namespace_table;	/* load inet vigild_ns where watched */
	struct proto_catalog *catalog; /* built-in + "protocols" entries */
	struct rule_config rules[RULE_COUNT];
	struct exceptions exceptions;	/* known risks, not announced */
	struct config_tag tags[TAG_MAX];
	size_t ntags;
};

/* The built-in default: the exact text of conf/vigil.conf. */
extern const char config_default_text[];

/*
 * Load and validate a configuration.  A file must be a regular file
 * owned by root (or by the caller) and not writable by group or others.
 *
 * Return 0 and set *out, or -1 with one "file:line: message" (or
 * "file: message") line in err.
 */
int config_load_file(const char *path, struct vigil_config **out,
		     struct sbuf *err);
int config_load_default(struct vigil_config **out, struct sbuf *err);
/* Parse text as if read from a file named source (tests, built-in). */
int config_load_string(const char *text, const char *source,
		       struct vigil_config **out, struct sbuf *err);
void config_free(struct vigil_config *cfg);
/*
 * Parse path in a short-lived child process and tell whether it is a
 * valid configuration, without parsing it here: libconfig 1.5 leaks
 * what it was reading when a parse fails, and a daemon that reloads a
 * broken file on every SIGHUP must not grow.  Returns 0 when valid, or
 * -1 with the file:line message (or the reason the check could not
 * run) in err.
 */
int config_check_forked(const char *path, struct sbuf *err);


const char *config_facility_name(int facility);

#endif
