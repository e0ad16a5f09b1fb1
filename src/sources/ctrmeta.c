// SPDX-License-Identifier: GPL-2.0-or-later
/* Container names and images from runtimes' files (ctrmeta.h). */
#include "build.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hash.h"
#include "lib/fileio.h"
#include "lib/jsonutil.h"
#include "lib/loop.h"
#include "sources/ctrmeta.h"

/* The metadata files are the runtimes': bounded, as any input. */
#define META_MAX_BYTES (8u << 20)
/* An unknown id is looked for again this long after. */
#define META_RETRY_MS 5000
/* Ids cached at most; then the cache starts over. */
#define META_MAX_IDS 4096

struct meta {
	char id[65];
	char name[64];
	char image[128];
	char image_id[72];
	char pod_id[65];
	char pod_name[64];
	char pod_namespace[64];
	bool found;
	uint64_t looked_ms;
	UT_hash_handle hh;
};

struct ctrmeta {
	char *storage;
	char *prefix;
	struct meta *ids;
};

struct ctrmeta *ctrmeta_new(const char *storage, const char *prefix)
{
	struct ctrmeta *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->storage = strdup(storage ? storage : "/var/lib/containers/storage");
	c->prefix = strdup(prefix ? prefix : "");
	if (!c->storage || !c->prefix) {
		ctrmeta_free(c);
		return NULL;
	}
	return c;
}

static void drop_all(struct ctrmeta *c)
{
	struct meta *m, *tmp;

	HASH_ITER(hh, c->ids, m, tmp) {
		HASH_DEL(c->ids, m);
		free(m);
	}
}

void ctrmeta_free(struct ctrmeta *c)
{
	if (!c)
		return;
	drop_all(c);
	free(c->storage);
	free(c->prefix);
	free(c);
}

/* The JSON file at prefix + path (a printf format); NULL: none. */
static json_object *read_json(const struct ctrmeta *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static json_object *read_json(const struct ctrmeta *c, const char *fmt, ...)
{
	char path[PATH_MAX];
	struct stat st;
	json_object *o;
	size_t got, n;
	va_list ap;
	char *buf;
	int fd, r;

	n = (size_t)snprintf(path, sizeof(path), "%s", c->prefix);
	if (n >= sizeof(path))
		return NULL;
	va_start(ap, fmt);
	r = vsnprintf(path + n, sizeof(path) - n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(path) - n)
		return NULL;
	fd = fileio_open_regular(path, &st);

	if (fd < 0)
		return NULL;
	buf = fileio_read(fd, META_MAX_BYTES, &got);
	close(fd);
	if (!buf)
		return NULL;
	o = got < META_MAX_BYTES ? json_tokener_parse(buf) : NULL;
	free(buf);
	return o;
}

/* Bounded copy: a longer name is cut, as names are for people only. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!src || !size)
		return;
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool from_podman(struct ctrmeta *c, struct meta *m)
{
	json_object *all, *e, *names, *md;
	size_t i, n;
	bool found = false;

	all = read_json(c, "%s/overlay-containers/containers.json",
			c->storage);
	if (!all || !json_object_is_type(all, json_type_array))
		goto out;
	n = json_object_array_length(all);
	for (i = 0; i < n && !found; i++) {
		e = json_object_array_get_idx(all, i);
		if (!json_object_is_type(e, json_type_object) ||
		    strcmp(json_get_str(e, "id") ?: "", m->id))
			continue;
		found = true;
		copy(m->image_id, sizeof(m->image_id), json_get_str(e, "image"));
		if (json_object_object_get_ex(e, "names", &names) &&
		    json_object_is_type(names, json_type_array) &&
		    json_object_array_length(names) > 0)
			copy(m->name, sizeof(m->name), json_object_get_string(
				json_object_array_get_idx(names, 0)));
		/* "metadata" is JSON again, inside a string */
		md = json_tokener_parse(json_get_str(e, "metadata") ?: "");
		if (md && json_object_is_type(md, json_type_object))
			copy(m->image, sizeof(m->image),
			     json_get_str(md, "image-name"));
		json_object_put(md);
	}
out:
	json_object_put(all);
	return found;
}

static bool from_docker(struct ctrmeta *c, struct meta *m)
{
	json_object *o, *cfg;
	const char *name;

	o = read_json(c, "/var/lib/docker/containers/%s/config.v2.json",
		      m->id);
	if (!o)
		return false;
	name = json_get_str(o, "Name");
	copy(m->name, sizeof(m->name), name && *name == '/' ? name + 1 : name);
	name = json_get_str(o, "Image");
	copy(m->image_id, sizeof(m->image_id),
	     name && !strncmp(name, "sha256:", 7) ? name + 7 : name);
	if (json_object_object_get_ex(o, "Config", &cfg))
		copy(m->image, sizeof(m->image), json_get_str(cfg, "Image"));
	json_object_put(o);
	return true;
}

/* The first of two annotations that is there, or NULL. */
static const char *either(json_object *a, const char *k1, const char *k2)
{
	const char *v = json_get_str(a, k1);

	return v ? v : json_get_str(a, k2);
}

/*
 * The pod (and, for the CRI runtimes, the names) from the annotations
 * of the container's OCI bundle.  Only for hex ids: they go in a path.
 */
static bool from_bundle(struct ctrmeta *c, struct meta *m,
			const char *runtime)
{
	bool podman = !strcmp(runtime, "podman");
	bool crio = !strcmp(runtime, "cri-o");
	bool ctrd = !strcmp(runtime, "containerd");
	bool kube = !strcmp(runtime, "kubernetes");
	json_object *o = NULL, *a;

	if (strspn(m->id, "0123456789abcdef") != 64 || m->id[64])
		return false;
	if (podman)
		o = read_json(c, "%s/overlay-containers/%s/userdata/config.json",
			      c->storage, m->id);
	if (!o && (crio || kube))
		o = read_json(c, "/run/containers/storage/overlay-containers/"
			      "%s/userdata/config.json", m->id);
	if (!o && (ctrd || kube))
		o = read_json(c, "/run/containerd/io.containerd.runtime.v2."
			      "task/k8s.io/%s/config.json", m->id);
	if (!o)
		return false;
	if (json_object_object_get_ex(o, "annotations", &a) &&
	    json_object_is_type(a, json_type_object)) {
		copy(m->pod_id, sizeof(m->pod_id),
		     either(a, "io.kubernetes.cri.sandbox-id",
			    "io.kubernetes.cri-o.SandboxID"));
		copy(m->pod_name, sizeof(m->pod_name),
		     either(a, "io.kubernetes.cri.sandbox-name",
			    "io.kubernetes.pod.name"));
		copy(m->pod_namespace, sizeof(m->pod_namespace),
		     either(a, "io.kubernetes.cri.sandbox-namespace",
			    "io.kubernetes.pod.namespace"));
		if (!m->name[0])
			copy(m->name, sizeof(m->name),
			     either(a, "io.kubernetes.cri.container-name",
				    "io.kubernetes.container.name"));
		if (!m->image[0])
			copy(m->image, sizeof(m->image),
			     either(a, "io.kubernetes.cri.image-name",
				    "io.kubernetes.cri-o.ImageName"));
	}
	json_object_put(o);
	return true;
}

void ctrmeta_fill(struct ctrmeta *c, struct place *p)
{
	struct meta *m = NULL;
	uint64_t now = loop_now_ms();

	if (!p->runtime || !p->ctr_id[0])
		return;
	HASH_FIND_STR(c->ids, p->ctr_id, m);
	if (!m) {
		if (HASH_COUNT(c->ids) >= META_MAX_IDS)
			drop_all(c);
		m = calloc(1, sizeof(*m));
		if (!m)
			return;
		snprintf(m->id, sizeof(m->id), "%s", p->ctr_id);
		HASH_ADD_STR(c->ids, id, m);
		if (!hash_added(m, hh)) {
			free(m);
			return;
		}
	}
	if (!m->found && (!m->looked_ms || now - m->looked_ms >=
			  META_RETRY_MS)) {
		m->looked_ms = now;
		if (!strcmp(p->runtime, "podman"))
			m->found = from_podman(c, m);
		else if (!strcmp(p->runtime, "docker"))
			m->found = from_docker(c, m);
		else if (!strcmp(p->runtime, "nspawn")) {
			/* the machine's name is its id */
			copy(m->name, sizeof(m->name), m->id);
			m->found = true;
		}
		/* after the runtime's own files: they name it first */
		if (from_bundle(c, m, p->runtime))
			m->found = true;
	}
	copy(p->ctr_name, sizeof(p->ctr_name), m->name);
	copy(p->image, sizeof(p->image), m->image);
	copy(p->image_id, sizeof(p->image_id), m->image_id);
	copy(p->pod_id, sizeof(p->pod_id), m->pod_id);
	copy(p->pod_name, sizeof(p->pod_name), m->pod_name);
	copy(p->pod_namespace, sizeof(p->pod_namespace), m->pod_namespace);
}
