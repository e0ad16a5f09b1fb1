// SPDX-License-Identifier: GPL-2.0-or-later
#include "build.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/host.h"

/* machine-id is 32 hex digits; anything else is not trusted. */
static void add_machine_id(json_object *o)
{
	char buf[64] = "";
	FILE *f = fopen("/etc/machine-id", "re");

	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strlen(buf) == 32 &&
		    strspn(buf, "0123456789abcdef") == 32)
			json_object_object_add(o, "machine_id",
					       json_object_new_string(buf));
	}
	fclose(f);
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

json_object *host_info_new(void)
{
	json_object *o = json_object_new_object();
	struct utsname u;

	if (!o)
		return NULL;
	if (uname(&u) == 0)
		json_object_object_add(o, "hostname",
				       json_object_new_string(u.nodename));
	add_machine_id(o);
	add_addresses(o);
	return o;
}
