// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench helper: the least a start from a state file costs in json-c.
 * vigild hands json-c one element at a time: each finding, and each
 * entry of a run's record.  This parses the file once (not counted),
 * writes each such element back as compact text, then times json-c
 * parsing those texts into trees and freeing them, REPEAT times, and
 * prints the best pass's CPU in ms for each kind:
 *   findings N MS
 *   records N MS
 * Compact text is less to read than the file's own, and no finding is
 * built from a tree: a floor under vigild's load, not a model of it.
 *   jsonfloor STATE [REPEAT]
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct texts {
	char **s;
	size_t n, cap;
};

static int keep(struct texts *t, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
						       JSON_C_TO_STRING_PLAIN);
	char **p;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		p = realloc(t->s, t->cap * sizeof(*p));
		if (!p)
			return -1;
		t->s = p;
	}
	t->s[t->n] = strdup(s);
	return t->s[t->n++] ? 0 : -1;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The best of repeat passes of json-c over every text, in ms. */
static double parse_all(const struct texts *t, int repeat)
{
	struct json_tokener *tok = json_tokener_new();
	double best = -1, t0;
	size_t i;
	int r;

	if (!tok)
		return -1;
	for (r = 0; r < repeat; r++) {
		t0 = cpu_ms();
		for (i = 0; i < t->n; i++) {
			json_tokener_reset(tok);
			json_object_put(json_tokener_parse_ex(tok, t->s[i],
						(int)strlen(t->s[i])));
		}
		t0 = cpu_ms() - t0;
		if (best < 0 || t0 < best)
			best = t0;
	}
	json_tokener_free(tok);
	return best;
}

int main(int argc, char **argv)
{
	struct texts finds = { 0 }, recs = { 0 };
	json_object *doc, *arr, *runs, *rec;
	int repeat = argc > 2 ? atoi(argv[2]) : 5;
	size_t i, j;

	if (argc < 2 || repeat < 1 || repeat > 100) {
		fprintf(stderr, "usage: jsonfloor STATE [REPEAT 1..100]\n");
		return 2;
	}
	doc = json_object_from_file(argv[1]);
	if (!doc) {
		fprintf(stderr, "jsonfloor: %s: %s\n", argv[1],
			json_util_get_last_err());
		return 1;
	}
	if (json_object_object_get_ex(doc, "findings", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			if (keep(&finds, json_object_array_get_idx(arr, i)))
				goto oom;
	if (json_object_object_get_ex(doc, "runs", &runs))
		for (i = 0; i < json_object_array_length(runs); i++) {
			if (!json_object_object_get_ex(
				    json_object_array_get_idx(runs, i),
				    "findings", &rec))
				continue;
			for (j = 0; j < json_object_array_length(rec); j++)
				if (keep(&recs,
					 json_object_array_get_idx(rec, j)))
					goto oom;
		}
	json_object_put(doc);
	printf("findings %zu %.1f\n", finds.n, parse_all(&finds, repeat));
	printf("records %zu %.1f\n", recs.n, parse_all(&recs, repeat));
	return 0;
oom:
	fprintf(stderr, "jsonfloor: out of memory\n");
	return 1;
}
