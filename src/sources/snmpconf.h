/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SNMPCONF_H
#define VIGIL_SNMPCONF_H

#include <json-c/json.h>
#include <sys/types.h>

/* Config files and bytes per file read at most. */
#define SNMPCONF_MAX_FILES 4
#define SNMPCONF_MAX_SIZE (1024 * 1024)
#define SNMPCONF_MAX_HITS 8

/*
 * Does the snmpd running as pid enable SNMP v1/v2c communities?  Reads
 * the files its command line names with -c (and /etc/snmp/snmpd.conf
 * unless -C), in its own root (a container's files, not the host's),
 * and appends "file:line: directive" strings to out (never the
 * community itself: it is a password).  Returns how many were found,
 * or -1 with errno when no file could be read.
 */
int snmpconf_communities(pid_t pid, json_object *out);

/* The same for one file; the test entry point. */
int snmpconf_scan_file(const char *path, json_object *out);

#endif
