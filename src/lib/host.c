// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host every finding names (host.h): its name, machine-id,
 * addresses and what kind of machine it is, read once at start and at
 * each reload.
 */
#include "build.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/host.h"
#include "lib/utf8.h"

/* machine-id is 32 hex digits; anything else is not trusted. */
static int read_machine_id(const char *path, char buf[64])
{
	FILE *f = fopen(path, "re");
	int ok = 0;

	if (!f)
		return 0;
	if (fgets(buf, 64, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ok = strlen(buf) == 32 &&
		     strspn(buf, "0123456789abcdef") == 32;
	}
	fclose(f);
	return ok;
}

/* Where systemd keeps it, else where D-Bus does (older images). */
static void add_machine_id(json_object *o)
{
	char buf[64] = "";

	if (read_machine_id("/etc/machine-id", buf) ||
	    read_machine_id("/var/lib/dbus/machine-id", buf))
		json_object_object_add(o, "machine_id",
				       json_object_new_string(buf));
}

static void add_addresses(json_object *o)
{
	json_object *arr = json_object_new_array();
	struct ifaddrs *ifa, *p;
	char buf[INET6_ADDRSTRLEN];

	if (!arr)
		return;
	if (getifaddrs(&ifa) == 0) {
		for (p = ifa; p; p = p->ifa_next) {
			const void *a;

			if (!p->ifa_addr || (p->ifa_flags & IFF_LOOPBACK))
				continue;
			if (p->ifa_addr->sa_family == AF_INET)
				a = &((struct sockaddr_in *)p->ifa_addr)->sin_addr;
			else if (p->ifa_addr->sa_family == AF_INET6)
				a = &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr;
			else
				continue;
			if (inet_ntop(p->ifa_addr->sa_family, a, buf,
				      sizeof(buf)))
				json_object_array_add(arr,
					json_object_new_string(buf));
		}
		freeifaddrs(ifa);
	}
	json_object_object_add(o, "addresses", arr);
}

/* Does the CPU say it runs under a hypervisor (x86 "hypervisor" flag)? */
static bool under_hypervisor(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	bool yes = false;

	if (!f)
		return false;
	/* the first CPU's flags say it for all */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		yes = strstr(line, " hypervisor") != NULL;
		break;
	}
	fclose(f);
	return yes;
}

/*
 * What kind of machine this is, in OCSF's device types: a virtual one,
 * else what its SMBIOS chassis type says (a server's rack or blade, a
 * desktop, a laptop, a tablet), else nothing.
 */
static const char *device_type(void)
{
	FILE *f;
	int t = 0;

	if (under_hypervisor())
		return "Virtual";
	f = fopen("/sys/class/dmi/id/chassis_type", "re");
	if (!f)
		return NULL;
	if (fscanf(f, "%d", &t) != 1)
		t = 0;
	fclose(f);
	switch (t) {
	case 17: case 23: case 25: case 28: case 29:
		return "Server";
	case 3: case 4: case 5: case 6: case 7: case 13: case 15: case 16:
	case 24: case 35: case 36:
		return "Desktop";
	case 8: case 9: case 10: case 14: case 31: case 32:
		return "Laptop";
	case 30:
		return "Tablet";
	default:
		return NULL;
	}
}

json_object *host_info_new(void)
{
	json_object *o = json_object_new_object();
	struct utsname u;

	if (!o)
		return NULL;
	if (uname(&u) == 0) {
		struct sbuf name;

		/* Any bytes may be set as the name: keep it valid UTF-8. */
		sbuf_init(&name);
		utf8_escape(&name, u.nodename, strlen(u.nodename));
		if (!sbuf_failed(&name))
			json_object_object_add(o, "hostname",
				json_object_new_string(sbuf_str(&name)));
		sbuf_free(&name);
	}
	add_machine_id(o);
	add_addresses(o);
	if (device_type())
		json_object_object_add(o, "device_type",
				       json_object_new_string(device_type()));
	return o;
}
