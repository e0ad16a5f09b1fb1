// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vigil-collect's configuration file, read with libconfig: where to
 * listen, its TLS files, which certificate names are fleet hosts, and
 * the PostgreSQL store.  Every setting is checked here, so that a bad
 * file stops the collector at once with "file:line: message".
 */
#include "build.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collconf.h"
#include "config/confparse.h"
#include "lib/fileio.h"

#define COLLCONF_MAX_SIZE (64 * 1024)

static const char *const known[] = {
	"listen", "ca", "certificate", "key", "permitted_peers", "database",
	"max_connections", "batch",
};

/* A DNS name, or "*." and one: letters, digits, '-' and '.' only. */
static int dns_name(const char *s)
{
	size_t n = strlen(s);

	if (!strncmp(s, "*.", 2))
		s += 2, n -= 2;
	return n && n <= 253 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
		== n && s[0] != '.' && s[n - 1] != '.' && !strstr(s, "..");
}

static int str(config_t *lc, const char *key, char **out, int required,
	       const char *src, struct sbuf *err)
{
	config_setting_t *s = config_lookup(lc, key);

	if (!s) {
		if (required)
			return config_error(err, src, NULL,
					    "\"%s\" is required", key);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    !*config_setting_get_string(s))
		return config_error(err, src, s, "%s: a non-empty string", key);
	*out = strdup(config_setting_get_string(s));
	return *out ? 0 : config_error(err, src, s, "out of memory");
}

static int num(config_t *lc, const char *key, int *out, int lo, int hi,
	       const char *src, struct sbuf *err)
{
	config_setting_t *s = config_lookup(lc, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    config_setting_get_int(s) < lo || config_setting_get_int(s) > hi)
		return config_error(err, src, s, "%s: a number from %d to %d",
				    key, lo, hi);
	*out = config_setting_get_int(s);
	return 0;
}

static int peers(config_t *lc, struct collconf *c, const char *src,
		 struct sbuf *err)
{
	config_setting_t *s = config_lookup(lc, "permitted_peers");
	int i, n;

	if (!s)
		return config_error(err, src, NULL,
				    "\"permitted_peers\" is required: the "
				    "certificate names of the fleet's hosts");
	if (!config_setting_is_array(s) || !(n = config_setting_length(s)))
		return config_error(err, src, s, "permitted_peers: a list of "
				    "names, e.g. [\"*.fleet.example.org\"]");
	if (n > COLLCONF_MAX_PEERS)
		return config_error(err, src, s, "permitted_peers: at most %d",
				    COLLCONF_MAX_PEERS);
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (!v || !dns_name(v))
			return config_error(err, src, e, "permitted_peers: "
					    "not a DNS name or *.domain");
		c->peers[c->npeers] = strdup(v);
		if (!c->peers[c->npeers++])
			return config_error(err, src, e, "out of memory");
	}
	return 0;
}

static int parse(config_t *lc, struct collconf *c, const char *src,
		 struct sbuf *err)
{
	config_setting_t *root = config_root_setting(lc), *s;
	int i;
	size_t k;

	for (i = 0; (s = config_setting_get_elem(root, (unsigned)i)); i++) {
		for (k = 0; k < sizeof(known) / sizeof(*known); k++)
			if (!strcmp(config_setting_name(s), known[k]))
				break;
		if (k == sizeof(known) / sizeof(*known))
			return config_error(err, src, s, "unknown setting %s",
					    config_setting_name(s));
	}
	if (str(lc, "listen", &c->listen, 1, src, err) < 0 ||
	    str(lc, "ca", &c->ca, 1, src, err) < 0 ||
	    str(lc, "certificate", &c->certificate, 1, src, err) < 0 ||
	    str(lc, "key", &c->key, 1, src, err) < 0 ||
	    str(lc, "database", &c->database, 1, src, err) < 0 ||
	    peers(lc, c, src, err) < 0 ||
	    num(lc, "max_connections", &c->max_connections, 1, 65536, src,
		err) < 0 ||
	    num(lc, "batch", &c->batch, 1, 10000, src, err) < 0)
		return -1;
	if (!strrchr(c->listen, ':'))
		return config_error(err, src, config_lookup(lc, "listen"),
				    "listen: ADDRESS:PORT");
	return 0;
}

int collconf_load(const char *path, struct collconf *c, struct sbuf *err)
{
	struct stat st;
	char *text = NULL;
	size_t got;
	config_t lc;
	int fd, r = -1;

	memset(c, 0, sizeof(*c));
	c->max_connections = 4096;
	c->batch = 500;
	fd = fileio_open_regular(path, &st);
	if (fd < 0) {
		sbuf_printf(err, "%s: %s", path, errno == ENOEXEC ?
			    "not a regular file" : strerror(errno));
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & S_IWOTH)) {
		sbuf_printf(err, "%s: must be root's and not writable by others",
			    path);
		goto out;
	}
	if (st.st_size > COLLCONF_MAX_SIZE) {
		sbuf_printf(err, "%s: larger than %d bytes", path,
			    COLLCONF_MAX_SIZE);
		goto out;
	}
	text = fileio_read(fd, (size_t)st.st_size, &got);
	if (!text || memchr(text, '\0', got)) {
		sbuf_printf(err, "%s: %s", path, text ? "contains a NUL byte" :
			    strerror(errno));
		goto out;
	}
	config_init(&lc);
	if (config_parse_text(&lc, text, path, err) == 0)
		r = parse(&lc, c, path, err);
	config_destroy(&lc);
out:
	free(text);
	close(fd);
	if (r < 0)
		collconf_free(c);
	return r;
}

void collconf_free(struct collconf *c)
{
	size_t i;

	free(c->listen);
	free(c->ca);
	free(c->certificate);
	free(c->key);
	free(c->database);
	for (i = 0; i < c->npeers; i++)
		free(c->peers[i]);
	memset(c, 0, sizeof(*c));
}

int collconf_peer_permitted(const struct collconf *c, const char *name)
{
	size_t i, n = strlen(name);

	if (!dns_name(name) || name[0] == '*')
		return 0;
	for (i = 0; i < c->npeers; i++) {
		const char *p = c->peers[i];
		const char *dot;

		if (!strcasecmp(p, name))
			return 1;
		if (strncmp(p, "*.", 2))
			continue;
		/* one label, then exactly the domain */
		dot = strchr(name, '.');
		if (dot && dot != name && !strcasecmp(dot + 1, p + 2) &&
		    (size_t)(dot - name) < n)
			return 1;
	}
	return 0;
}
