// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "core/rulemeta.h"

/* Bounded evidence the store keeps across sightings. */
static const struct rule_evidence client_evidence[] = {
	{ "remote_endpoints", 10 },
	{ "connections", 0 },
	{ "named_later", 0 },	/* FINDING_NAMED_LATER */
	{ NULL, 0 },
};

static const struct rule_evidence server_evidence[] = {
	{ "bind_addresses", 16 },
	/* each reason once: its port, its program, its files, its flows */
	{ "evidence", 16 },
	{ "extra_ports", 16 },
	{ "extra_listeners", 0 },
	{ NULL, 0 },
};

static const struct rule_evidence unused_evidence[] = {
	{ "bind_addresses", 16 },
	{ NULL, 0 },
};

static const struct rule_evidence binary_evidence[] = {
	{ "programs", 8 },
	{ "pids", 8 },
	{ NULL, 0 },
};

static const struct rule_evidence root_perms_evidence[] = {
	{ "pids", 8 },
	{ NULL, 0 },
};

/* What explains a finding of each rule, first things first. */
static const char *const client_keys[] = {
	"program", "protocol", "remote_endpoints", "connections", "uid",
	"container_name", NULL
};
static const char *const server_keys[] = {
	"program", "protocol", "port", "bind_addresses", "evidence",
	"container_name", NULL
};
static const char *const unused_keys[] = {
	"program", "port", "bind_addresses", "container_name", NULL
};
static const char *const binary_keys[] = {
	"path", "package", "reason", "programs", "container_name", NULL
};
static const char *const root_perms_keys[] = {
	"module", "exe", "reason", "directory", "root", "container_name",
	NULL
};

static const struct rule_meta rules[RULE_COUNT] = {
	[RULE_CLIENT_LOGIN] = {
		.idx = RULE_CLIENT_LOGIN,
		.id = "insecure-client-protocols-login",
		.title = "Logs in to remote hosts over a clear-text protocol",
		.severity = SEV_MEDIUM,
		.description =
			"A program on this host opened a login session to "
			"another machine with telnet, rlogin, rsh or rexec. "
			"These protocols carry user names and passwords "
			"unencrypted, so anyone on the path can read them.",
		.recommendation =
			"Use SSH for remote logins and remove the clear-text "
			"login clients from the host.",
		.message_id = "37ee68585d9ba1a9e5be1ddd8f99d0d9",
		.evidence = client_evidence,
		.cause = "uid",
		.key_fields = client_keys,
	},
	[RULE_CLIENT_GENERAL] = {
		.idx = RULE_CLIENT_GENERAL,
		.id = "insecure-client-protocols-general",
		.title = "Connects to remote hosts over a clear-text protocol",
		.severity = SEV_LOW,
		.description =
			"A program on this host talked to another machine "
			"with an unencrypted protocol (such as FTP, TFTP, "
			"HTTP, SMTP, POP3, IMAP, SNMP v1/v2c, LDAP or NNTP). "
			"Its traffic can be read or altered in transit.",
		.recommendation =
			"Switch the client to the encrypted form of the "
			"protocol (SFTP, HTTPS, SMTP/IMAP/POP3 with TLS, "
			"LDAPS, SNMPv3) or tunnel it.",
		.message_id = "4ccca0d4cea3a89c8c280f8acda64740",
		.evidence = client_evidence,
		.cause = "uid",
		.key_fields = client_keys,
	},
	[RULE_UNUSED_PORTS] = {
		.idx = RULE_UNUSED_PORTS,
		.id = "unused-listening-tcp-ports",
		.title = "TCP port listened on but never used",
		.severity = SEV_INFORMATIONAL,
		.description =
			"A TCP port was open for connections during a whole "
			"assessment run and nobody connected to it. An unused "
			"service still widens what an attacker can reach.",
		.recommendation =
			"Stop the service if it is not needed; otherwise "
			"restrict who may reach it with a firewall rule.",
		.message_id = "a808a20468f860b715e85988bcc23b2c",
		.evidence = unused_evidence,
		.cause = "uid",
		.key_fields = unused_keys,
	},
	[RULE_SERVER_PROTOCOLS] = {
		.idx = RULE_SERVER_PROTOCOLS,
		.id = "insecure-server-protocols",
		.title = "Serves a clear-text protocol",
		.severity = SEV_INFORMATIONAL,
		.description =
			"This host offers a service whose protocol is not "
			"encrypted (FTP, telnet, HTTP, IMAP, POP3, SMTP, "
			"SNMP v1/v2c, rsh or rlogin). Clients that use it "
			"expose their data and often their credentials.",
		.recommendation =
			"Replace telnet, rsh and rlogin with SSH, FTP with "
			"SFTP, HTTP with HTTPS, and enable TLS for mail; use "
			"SNMPv3 only. Where the service must stay, limit who "
			"can reach it with a firewall.",
		.message_id = "df377836bbf33c416e076f0a0d36a8de",
		.evidence = server_evidence,
		.cause = "uid",
		.key_fields = server_keys,
	},
	[RULE_NO_DEP] = {
		.idx = RULE_NO_DEP,
		.id = "software-without-dep",
		.title = "Running software asks for an executable stack",
		.severity = SEV_MEDIUM,
		.description =
			"A third-party program or shared object that ran on "
			"this host was built so that its stack is executable "
			"(no DEP / NX). A stack overflow in it can then run "
			"injected code directly.",
		.recommendation =
			"Rebuild it without -z execstack (and without code "
			"that needs it), or get a fixed build from its vendor; "
			"remove it if it is not used.",
		.message_id = "4414b6323c1c5ca77642ea619c9ac336",
		.evidence = binary_evidence,
		.cause = "uid",
		.key_fields = binary_keys,
	},
	[RULE_NO_STACK_COOKIES] = {
		.idx = RULE_NO_STACK_COOKIES,
		.id = "software-without-stack-cookies",
		.title = "Running software built without stack protector",
		.severity = SEV_MEDIUM,
		.description =
			"A third-party program or shared object that ran on "
			"this host was compiled without stack cookies, so a "
			"stack buffer overflow in it is not detected before "
			"it takes control.",
		.recommendation =
			"Rebuild it with -fstack-protector-strong, or get a "
			"hardened build from its vendor; remove it if it is "
			"not used.",
		.message_id = "70904824a1705e1b3842db41d80bb645",
		.evidence = binary_evidence,
		.cause = "uid",
		.key_fields = binary_keys,
	},
	[RULE_ROOT_PERMS] = {
		.idx = RULE_ROOT_PERMS,
		.id = "root-process-insecure-permissions",
		.title = "Root process runs code that non-root users can change",
		.severity = SEV_HIGH,
		.description =
			"A process running as root has mapped an executable "
			"or shared object that a non-root user can modify: "
			"the file is not owned by root, is group- or "
			"world-writable, or sits in a directory that a "
			"non-root user can write. Whoever can change it can "
			"run code as root.",
		.recommendation =
			"Make the file and every directory above it owned by "
			"root and writable only by root (chown root:root, "
			"chmod go-w), or stop running the program as root.",
		.message_id = "6f64aa74528d369aabb5c4b10d33f663",
		.evidence = root_perms_evidence,
		.cause = "euid",
		.key_fields = root_perms_keys,
	},
};

const struct rule_meta *rule_meta(enum rule_id idx)
{
	if ((unsigned int)idx >= RULE_COUNT)
		return NULL;
	return &rules[idx];
}

const struct rule_meta *rule_meta_by_name(const char *id)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

static const struct {
	enum vigil_severity sev;
	const char *name;
	int prio;
} severities[] = {
	{ SEV_HIGH, "High", LOG_ERR },
	{ SEV_MEDIUM, "Medium", LOG_WARNING },
	{ SEV_LOW, "Low", LOG_NOTICE },
	{ SEV_INFORMATIONAL, "Informational", LOG_INFO },
};

#define N_SEV (sizeof(severities) / sizeof(severities[0]))

const char *severity_name(enum vigil_severity sev)
{
	size_t i;

	for (i = 0; i < N_SEV; i++)
		if (severities[i].sev == sev)
			return severities[i].name;
	return "Unknown";
}

int severity_parse(const char *s, enum vigil_severity *sev)
{
	size_t i;

	for (i = 0; i < N_SEV; i++) {
		char num[4];

		snprintf(num, sizeof(num), "%d", (int)severities[i].sev);
		if (!strcasecmp(s, severities[i].name) || !strcmp(s, num) ||
		    (!strcasecmp(s, "info") && severities[i].sev == 0)) {
			*sev = severities[i].sev;
			return 0;
		}
	}
	return -1;
}

int severity_syslog_prio(enum vigil_severity sev)
{
	size_t i;

	for (i = 0; i < N_SEV; i++)
		if (severities[i].sev == sev)
			return severities[i].prio;
	return LOG_INFO;
}
