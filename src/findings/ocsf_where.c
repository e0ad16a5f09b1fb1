// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where an OCSF event happened (ocsf_priv.h): the device with its
 * addresses, the container and pod, and the network endpoint a
 * protocol finding names, with its address and port apart so that a
 * SIEM can query dst_endpoint.ip.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/ocsf_priv.h"
#include "lib/jsonutil.h"
#include "lib/netaddr.h"

void ocsf_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

json_object *ocsf_obj(json_object *parent, const char *k)
{
	json_object *o = json_object_new_object();

	if (o && json_object_object_add(parent, k, o)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

const char *ocsf_attr_str(const struct line_event *e, const char *k)
{
	return json_get_str(e->attrs, k);
}

int ocsf_attr_int(const struct line_event *e, const char *k, int64_t *v)
{
	json_object *x;

	if (!json_object_object_get_ex(e->attrs, k, &x) ||
	    !json_object_is_type(x, json_type_int))
		return -1;
	*v = json_object_get_int64(x);
	return 0;
}

/*
 * Its pod, as labels (OCSF's pod_uuid wants a UUID, and podman's and
 * the CRI runtimes' sandbox ids are not); a Kubernetes namespace says
 * who orchestrates it.
 */
static void add_pod(json_object *c, const struct line_event *e)
{
	static const char *const keys[] = { "pod_name", "pod_namespace",
					    "pod_id" };
	json_object *labels = NULL;
	char *label;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!ocsf_attr_str(e, keys[i]) ||
		    asprintf(&label, "%s=%s", keys[i],
			     ocsf_attr_str(e, keys[i])) < 0)
			continue;
		if (!labels) {
			labels = json_object_new_array();
			json_object_object_add(c, "labels", labels);
		}
		json_object_array_add(labels, json_object_new_string(label));
		free(label);
	}
	if (ocsf_attr_str(e, "pod_namespace"))
		json_add_str(c, "orchestrator", "Kubernetes");
}

/*
 * The container a finding happened in (the container profile, which
 * the device has as an endpoint): its id, name, runtime and image.
 * Returns whether there was one.
 */
static bool add_container(json_object *d, const struct line_event *e)
{
	const char *id = ocsf_attr_str(e, "container_id");
	const char *img = ocsf_attr_str(e, "container_image_id");
	const char *name = ocsf_attr_str(e, "container_name");
	const char *runtime = ocsf_attr_str(e, "container_runtime");
	const char *image = ocsf_attr_str(e, "container_image");
	json_object *c, *i;

	if (!id)
		return false;
	c = ocsf_obj(d, "container");
	json_add_str(c, "uid", id);
	if (name)
		json_add_str(c, "name", name);
	if (runtime)
		json_add_str(c, "runtime", runtime);
	if (img) {
		i = ocsf_obj(c, "image");
		json_add_str(i, "uid", img);
		if (image)
			json_add_str(i, "name", image);
	}
	add_pod(c, e);
	return true;
}

/* Neither loopback nor link-local (fe80::/10, 169.254/16). */
static bool routable(const char *text)
{
	struct net_addr a;

	if (net_addr_parse(text, &a) < 0 || net_addr_is_loopback(&a))
		return false;
	if (a.family == AF_INET6)
		return !(a.a[0] == 0xfe && (a.a[1] & 0xc0) == 0x80);
	return !(a.a[0] == 169 && a.a[1] == 254);
}

/*
 * ip: the first routable address; network_interfaces: each of them;
 * neither when the line must be terse (syslog.max_line), where every
 * byte goes to what the finding is about.
 */
static void add_addresses(json_object *d, json_object *addrs, bool terse)
{
	json_object *ifs = NULL;
	const char *ip = NULL;
	size_t i, n;

	if (!json_object_is_type(addrs, json_type_array))
		return;
	n = json_object_array_length(addrs);
	for (i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(addrs, i), *nic;
		const char *s = json_object_get_string(a);

		if (!json_object_is_type(a, json_type_string))
			continue;
		if (terse)
			return;
		if (!ip && routable(s))
			ip = s;
		if (!ifs) {
			ifs = json_object_new_array();
			if (!ifs || json_object_object_add(d,
						"network_interfaces", ifs)) {
				json_object_put(ifs);
				return;
			}
		}
		nic = json_object_new_object();
		if (!nic || json_object_array_add(ifs, nic)) {
			json_object_put(nic);
			return;
		}
		json_add_str(nic, "ip", s);
	}
	if (ip)
		json_add_str(d, "ip", ip);
}

/* OCSF's device type_id of lib/host.h's device_type; 0: Unknown. */
static void add_type(json_object *d, const char *type)
{
	static const char *const names[] = {
		"Unknown", "Server", "Desktop", "Laptop", "Tablet", "Mobile",
		"Virtual",
	};
	size_t i;

	for (i = 1; type && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(type, names[i]))
			break;
	if (!type || i == sizeof(names) / sizeof(names[0]))
		i = 0;
	ocsf_int(d, "type_id", (int64_t)i);
	json_add_str(d, "type", names[i]);
}

void ocsf_device(json_object *o, const struct line_event *e)
{
	json_object *d = ocsf_obj(o, "device");

	if (!d)
		return;

	if (e->host->hostname[0])
		json_add_str(d, "hostname", e->host->hostname);
	if (e->host->machine_id[0])
		json_add_str(d, "uid", e->host->machine_id);
	if (!e->host->hostname[0] && !e->host->machine_id[0])
		json_add_str(d, "name", "unknown");
	add_type(d, e->host->device_type);
	add_addresses(d, e->host->addresses, e->terse);
	if (e->f && add_container(d, e)) {
		json_object *m, *profiles;

		if (!json_object_object_get_ex(o, "metadata", &m))
			m = ocsf_obj(o, "metadata");
		if (!json_object_object_get_ex(m, "profiles", &profiles)) {
			profiles = json_object_new_array();
			json_object_object_add(m, "profiles", profiles);
		}
		json_object_array_add(profiles,
				      json_object_new_string("container"));
	}
}

/* "ADDR:PORT" or "[ADDR]:PORT" into ep's ip and port. */
static bool split_endpoint(const char *text, json_object *ep)
{
	char host[NET_ADDR_STRLEN];
	const char *colon = strrchr(text, ':');
	struct net_addr a;
	size_t len;
	long port;
	char *end;

	if (!colon)
		return false;
	len = (size_t)(colon - text);
	if (text[0] == '[' && len >= 2 && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (!len || len >= sizeof(host))
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || net_addr_parse(host, &a) < 0)
		return false;
	json_add_str(ep, "ip", host);
	ocsf_int(ep, "port", port);
	return true;
}

/* A server's one address, when it listens on one that is not "any". */
static const char *one_address(const struct line_event *e)
{
	json_object *b, *a;
	struct net_addr na;

	if (!json_object_object_get_ex(e->attrs, "bind_addresses", &b) ||
	    !json_object_is_type(b, json_type_array) ||
	    json_object_array_length(b) != 1)
		return NULL;
	a = json_object_array_get_idx(b, 0);
	if (!json_object_is_type(a, json_type_string) ||
	    net_addr_parse(json_object_get_string(a), &na) < 0 ||
	    net_addr_is_any(&na))
		return NULL;
	return json_object_get_string(a);
}

json_object *ocsf_endpoint(const struct line_event *e, bool server)
{
	json_object *ep = json_object_new_object();
	const char *remote = ocsf_attr_str(e, "remote"), *ip;
	int64_t port;

	if (!ep)
		return NULL;
	if (server) {
		if (ocsf_attr_int(e, "port", &port) == 0)
			ocsf_int(ep, "port", port);
		json_add_str(ep, "svc_name", ocsf_attr_str(e, "protocol"));
		ip = one_address(e);
		if (ip)
			json_add_str(ep, "ip", ip);
	} else if (remote) {
		/* the text as it was, and its parts when they parse */
		json_add_str(ep, "name", remote);
		if (!split_endpoint(remote, ep) &&
		    ocsf_attr_int(e, "remote_port", &port) == 0)
			ocsf_int(ep, "port", port);
	}
	/* OCSF wants a name or an address beside a bare port */
	if (!json_object_object_get_ex(ep, "name", NULL) &&
	    !json_object_object_get_ex(ep, "svc_name", NULL) &&
	    !json_object_object_get_ex(ep, "ip", NULL)) {
		json_object_put(ep);
		return NULL;
	}
	return ep;
}
