// SPDX-License-Identifier: GPL-2.0-or-later
/* vigilctl check-elf: offline verdicts for files and trees (checkelf.h). */
#include "build.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "control/checkelf.h"
#include "sources/elfscan.h"
#include "lib/escape.h"

struct checkelf {
	int json;
	json_object *arr;
	unsigned long files, unprotected, errors;
	unsigned long missing;	/* PATH arguments that do not exist */
};

/* nftw() passes no user pointer: the walk's one piece of state. */
static struct checkelf *walk_ctx;

static const char *dep_name(enum elf_tri t)
{
	return elf_tri_name(t, "yes", "no");
}

static void emit(struct checkelf *c, const char *path,
		 const struct elf_verdict *v)
{
	struct sbuf sb;

	c->files++;
	if (v->dep == ELF_NO || v->stack_cookies == ELF_NO)
		c->unprotected++;
	if (c->json) {
		json_object *o = json_object_new_object();

		sbuf_init(&sb);
		sbuf_printf(&sb, "DEP: %s; stack cookies: %s", v->dep_reason,
			    v->cookie_reason);
		json_object_object_add(o, "path", json_object_new_string(path));
		json_object_object_add(o, "dep",
				       json_object_new_string(dep_name(v->dep)));
		json_object_object_add(o, "stack_cookies",
			json_object_new_string(dep_name(v->stack_cookies)));
		json_object_object_add(o, "pie",
			json_object_new_string(elf_pie_name(v->pie)));
		json_object_object_add(o, "relro",
			json_object_new_string(elf_relro_name(v->relro)));
		json_object_object_add(o, "reason",
				       json_object_new_string(sbuf_str(&sb)));
		if (v->is_script)
			json_object_object_add(o, "interpreter",
					       json_object_new_string(v->interp));
		json_object_array_add(c->arr, o);
		sbuf_free(&sb);
		return;
	}
	sbuf_init(&sb);
	escape_text(&sb, path);
	if (v->is_script) {
		sbuf_adds(&sb, " (script, interpreter ");
		escape_text(&sb, v->interp);
		sbuf_adds(&sb, ")");
	}
	printf("%s: DEP %s, stack cookies %s, PIE %s, RELRO %s\n"
	       "    DEP: %s\n    stack cookies: %s\n",
	       sbuf_str(&sb), dep_name(v->dep), dep_name(v->stack_cookies),
	       elf_pie_name(v->pie), elf_relro_name(v->relro), v->dep_reason,
	       v->cookie_reason);
	sbuf_free(&sb);
}

static void report_error(struct checkelf *c, const char *path, int err)
{
	struct sbuf sb;

	c->errors++;
	sbuf_init(&sb);
	escape_text(&sb, path);
	fprintf(stderr, "vigilctl: %s: %s\n", sbuf_str(&sb),
		err == ENOEXEC ? "not an ELF file or script" : strerror(err));
	sbuf_free(&sb);
}

/* In a directory tree only ELF files and scripts are reported. */
static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	struct elf_verdict v;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (elf_analyze_path(path, &v) == 0)
		emit(walk_ctx, path, &v);
	else if (errno != ENOEXEC)
		report_error(walk_ctx, path, errno);
	return 0;
}

static void check_path(struct checkelf *c, const char *path)
{
	struct elf_verdict v;
	struct stat st;

	if (stat(path, &st) < 0) {
		/* A named path that is not there is the caller's mistake. */
		if (errno == ENOENT || errno == ENOTDIR)
			c->missing++;
		report_error(c, path, errno);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_ctx = c;
		/* FTW_PHYS: symlinks are not followed, so no loops. */
		if (nftw(path, visit, 64, FTW_PHYS) < 0)
			report_error(c, path, errno);
		return;
	}
	if (elf_analyze_path(path, &v) == 0)
		emit(c, path, &v);
	else
		report_error(c, path, errno);
}

int checkelf_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct checkelf c = { 0 };
	int o, i;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j')
			return 64;
		c.json = 1;
	}
	if (optind >= argc) {
		fprintf(stderr, "Usage: vigilctl check-elf [--json] PATH...\n");
		return 64;
	}
	if (c.json)
		c.arr = json_object_new_array();
	for (i = optind; i < argc; i++)
		check_path(&c, argv[i]);
	if (c.json) {
		printf("%s\n", json_object_to_json_string_ext(c.arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(c.arr);
	} else {
		printf("%lu files, %lu without DEP or stack cookies, %lu unreadable\n",
		       c.files, c.unprotected, c.errors);
	}
	/* sysexits: 66 a PATH named does not exist (the rest are counted). */
	return c.missing ? 66 : 0;
}
