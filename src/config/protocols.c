// SPDX-License-Identifier: GPL-2.0-or-later
/* The protocol catalog: parsed from libconfig data, indexed by port. */
#include "build.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config/confparse.h"
#include "config/protocols.h"
#include "config/protoprogs.h"

struct proto_catalog {
	struct proto_entry *e[PROTO_MAX_ENTRIES];
	size_t n;
	/* entry index + 1 by port, 0: none; [0] tcp, [1] udp */
	uint8_t port_idx[2][65536];
	struct proto_progs *progs;	/* NULL: no entry yet */
};

static void entry_free(struct proto_entry *pe)
{
	size_t i;

	if (!pe)
		return;
	free(pe->name);
	free(pe->replacement);
	for (i = 0; i < pe->nservers; i++)
		free(pe->servers[i]);
	for (i = 0; i < pe->nclients; i++)
		free(pe->clients[i]);
	free(pe);
}

struct proto_catalog *proto_catalog_new(void)
{
	return calloc(1, sizeof(struct proto_catalog));
}

void proto_catalog_free(struct proto_catalog *c)
{
	size_t i;

	if (!c)
		return;
	proto_progs_free(c->progs);
	for (i = 0; i < c->n; i++)
		entry_free(c->e[i]);
	free(c);
}

/* A printable name: no control characters, bounded. */
static int valid_str(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PROTO_MAX_STR)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int get_str(const config_setting_t *g, const char *key, char **out,
		   const char *source, struct sbuf *err)
{
	config_setting_t *s = config_setting_get_member(g, key);
	const char *v;

	if (!s)
		return config_error(err, source, g,
				    "protocol entry lacks '%s'", key);
	v = config_setting_get_string(s);
	if (!v)
		return config_error(err, source, s,
				    "'%s' must be a string", key);
	if (!valid_str(v))
		return config_error(err, source, s,
				    "'%s' must be 1..%d printable characters",
				    key, PROTO_MAX_STR);
	*out = strdup(v);
	if (!*out)
		return config_error(err, source, s, "out of memory");
	return 0;
}

static int get_choice(const config_setting_t *g, const char *key,
		      const char *const *names, const unsigned int *values,
		      unsigned int *out, const char *source, struct sbuf *err)
{
	config_setting_t *s = config_setting_get_member(g, key);
	const char *v;
	size_t i;

	if (!s)
		return config_error(err, source, g,
				    "protocol entry lacks '%s'", key);
	v = config_setting_get_string(s);
	if (!v)
		return config_error(err, source, s,
				    "'%s' must be a string", key);
	for (i = 0; names[i]; i++) {
		if (!strcmp(v, names[i])) {
			*out = values[i];
			return 0;
		}
	}
	config_error(err, source, s, "'%s' must be one of:", key);
	for (i = 0; names[i]; i++)
		sbuf_printf(err, " \"%s\"", names[i]);
	return -1;
}

static int get_ports(const config_setting_t *g, struct proto_entry *pe,
		     const char *source, struct sbuf *err)
{
	config_setting_t *s = config_setting_get_member(g, "ports");
	int i, n;

	if (!s)
		return config_error(err, source, g,
				    "protocol entry lacks 'ports'");
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY)
		return config_error(err, source, s,
				    "'ports' must be an array [ ... ]");
	n = config_setting_length(s);
	if (n < 1 || n > PROTO_MAX_PORTS)
		return config_error(err, source, s,
				    "'ports' must have 1..%d ports",
				    PROTO_MAX_PORTS);
	for (i = 0; i < n; i++) {
		config_setting_t *p = config_setting_get_elem(s, (unsigned)i);
		long long v;

		if (config_setting_type(p) != CONFIG_TYPE_INT &&
		    config_setting_type(p) != CONFIG_TYPE_INT64)
			return config_error(err, source, s,
					    "'ports' must hold integers");
		v = config_setting_get_int64(p);
		if (v < 1 || v > 65535)
			return config_error(err, source, s,
					    "port %lld is not in 1..65535", v);
		pe->ports[pe->nports++] = (uint16_t)v;
	}
	return 0;
}

static int get_progs(const config_setting_t *g, const char *key,
		     char **progs, size_t *n, const char *source,
		     struct sbuf *err)
{
	config_setting_t *s = config_setting_get_member(g, key);
	int i, len;

	if (!s)
		return 0;	/* optional */
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return config_error(err, source, s,
				    "'%s' must be an array [ ... ]",
				    key);
	len = config_setting_length(s);
	if (len > PROTO_MAX_PROGS)
		return config_error(err, source, s,
				    "'%s' may name at most %d programs",
				    key, PROTO_MAX_PROGS);
	for (i = 0; i < len; i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (!v || !valid_str(v) || strchr(v, '/'))
			return config_error(err, source, s,
					    "'%s' must hold program names (no '/')",
					    key);
		progs[*n] = strdup(v);
		if (!progs[*n])
			return config_error(err, source, s, "out of memory");
		(*n)++;
	}
	return 0;
}

static const char *const transport_names[] = { "tcp", "udp", "both", NULL };
static const unsigned int transport_values[] = {
	PROTO_TCP, PROTO_UDP, PROTO_TCP | PROTO_UDP
};
static const char *const class_names[] = { "login", "general", NULL };
static const unsigned int class_values[] = { PROTO_LOGIN, PROTO_GENERAL };
static const char *const use_names[] = { "client", "server", "both", NULL };
static const unsigned int use_values[] = {
	PROTO_USE_CLIENT, PROTO_USE_SERVER, PROTO_USE_CLIENT | PROTO_USE_SERVER
};

static const char *const entry_keys[] = {
	"name", "transport", "ports", "class", "use", "servers", "clients",
	"replacement", NULL
};

static int parse_entry(const config_setting_t *g, struct proto_entry **out,
		       const char *source, struct sbuf *err)
{
	struct proto_entry *pe;
	unsigned int cl;
	int i, n;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return config_error(err, source, g,
				    "a protocol entry must be a group { ... }");
	/* Unknown keys are typos: say so rather than ignore them. */
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k;

		for (k = 0; entry_keys[k]; k++)
			if (name && !strcmp(name, entry_keys[k]))
				break;
		if (!entry_keys[k])
			return config_error(err, source, m,
					    "unknown key '%s' in a protocol entry",
					    name ? name : "?");
	}
	pe = calloc(1, sizeof(*pe));
	if (!pe)
		return config_error(err, source, g, "out of memory");
	if (get_str(g, "name", &pe->name, source, err) < 0 ||
	    get_choice(g, "transport", transport_names, transport_values,
		       &pe->transport, source, err) < 0 ||
	    get_ports(g, pe, source, err) < 0 ||
	    get_choice(g, "class", class_names, class_values, &cl, source,
		       err) < 0 ||
	    get_choice(g, "use", use_names, use_values, &pe->use, source,
		       err) < 0 ||
	    get_progs(g, "servers", pe->servers, &pe->nservers, source,
		      err) < 0 ||
	    get_progs(g, "clients", pe->clients, &pe->nclients, source,
		      err) < 0 ||
	    get_str(g, "replacement", &pe->replacement, source, err) < 0) {
		entry_free(pe);
		return -1;
	}
	pe->class = (enum proto_class)cl;
	*out = pe;
	return 0;
}

/* Returns 0, or -1 (ENOMEM: the program names are not indexed). */
static int reindex(struct proto_catalog *c)
{
	size_t i, j;

	memset(c->port_idx, 0, sizeof(c->port_idx));
	for (i = 0; i < c->n; i++) {
		const struct proto_entry *pe = c->e[i];

		for (j = 0; j < pe->nports; j++) {
			if (pe->transport & PROTO_TCP)
				c->port_idx[0][pe->ports[j]] = (uint8_t)(i + 1);
			if (pe->transport & PROTO_UDP)
				c->port_idx[1][pe->ports[j]] = (uint8_t)(i + 1);
		}
	}
	proto_progs_free(c->progs);
	c->progs = proto_progs_new(c->e, c->n);
	return c->progs ? 0 : -1;
}

int proto_catalog_add(struct proto_catalog *c, const config_setting_t *list,
		      const char *source, struct sbuf *err)
{
	int i, n;

	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return config_error(err, source, list,
				    "'protocols' must be a list ( { ... }, ... )");
	/* it points into the entries about to change: none on failure */
	proto_progs_free(c->progs);
	c->progs = NULL;
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list,
							      (unsigned)i);
		struct proto_entry *pe = NULL;
		size_t k;

		if (parse_entry(g, &pe, source, err) < 0)
			return -1;
		for (k = 0; k < c->n; k++)
			if (!strcmp(c->e[k]->name, pe->name))
				break;
		if (k == c->n) {
			if (c->n == PROTO_MAX_ENTRIES) {
				entry_free(pe);
				return config_error(err, source, g,
						    "more than %d protocols",
						    PROTO_MAX_ENTRIES);
			}
			c->n++;
		} else {
			entry_free(c->e[k]);
		}
		c->e[k] = pe;
	}
	/* A later entry's port wins: users override the catalog. */
	if (reindex(c) < 0)
		return config_error(err, source, list, "out of memory");
	return 0;
}

int proto_catalog_add_text(struct proto_catalog *c, const char *text,
			   const char *source, struct sbuf *err)
{
	config_setting_t *list;
	config_t lc;
	int r = -1;

	config_init(&lc);
	if (config_parse_text(&lc, text, source, err) < 0)
		goto out;
	list = config_lookup(&lc, "protocols");
	if (!list || config_setting_length(config_root_setting(&lc)) != 1) {
		config_error(err, source, NULL,
			     "a catalog holds exactly one setting, protocols = ( ... );");
		goto out;
	}
	r = proto_catalog_add(c, list, source, err);
out:
	config_destroy(&lc);
	return r;
}

size_t proto_catalog_count(const struct proto_catalog *c)
{
	return c->n;
}

const struct proto_entry *proto_catalog_at(const struct proto_catalog *c,
					   size_t i)
{
	return i < c->n ? c->e[i] : NULL;
}

const struct proto_entry *proto_by_port(const struct proto_catalog *c,
					int ipproto, uint16_t port)
{
	uint8_t i;

	if (ipproto == IPPROTO_TCP)
		i = c->port_idx[0][port];
	else if (ipproto == IPPROTO_UDP)
		i = c->port_idx[1][port];
	else
		return NULL;
	return i ? c->e[i - 1] : NULL;
}

const struct proto_entry *proto_by_name(const struct proto_catalog *c,
					const char *name)
{
	size_t i;

	for (i = 0; name && i < c->n; i++)
		if (!strcmp(c->e[i]->name, name))
			return c->e[i];
	return NULL;
}

const char *proto_prog_name(const char *comm, const char *exe)
{
	const char *slash;

	if (!exe || !*exe)
		return comm ? comm : "";
	slash = strrchr(exe, '/');
	return slash ? slash + 1 : exe;
}

static const struct proto_entry *by_prog(const struct proto_catalog *c,
					 const char *comm, const char *exe,
					 int client)
{
	const struct proto_entry *pe = NULL;

	if (exe && *exe)
		pe = proto_progs_find(c->progs, proto_prog_name(NULL, exe),
				      client);
	return pe ? pe : proto_progs_find(c->progs, comm, client);
}

const struct proto_entry *proto_by_client(const struct proto_catalog *c,
					  const char *comm, const char *exe)
{
	return by_prog(c, comm, exe, 1);
}

const struct proto_entry *proto_by_server(const struct proto_catalog *c,
					  const char *comm, const char *exe)
{
	return by_prog(c, comm, exe, 0);
}

const char *proto_class_name(enum proto_class cl)
{
	return cl == PROTO_LOGIN ? "login" : "general";
}
