// SPDX-License-Identifier: GPL-2.0-or-later
/* A state file, loaded as vigild loads it at start, and saved again. */
#include "build.h"

#include <json-c/json.h>
#include <stdlib.h>

#include "findings/assess.h"
#include "findings/findings.h"
#include "fuzz.h"
#include "lib/loop.h"
#include "findings/state.h"

/* o (taken) written out must parse: a crash otherwise. */
static void parses_again(json_object *o)
{
	json_object *back;

	if (!o)
		return;
	back = json_tokener_parse(json_object_to_json_string(o));
	if (!back)
		abort();
	json_object_put(back);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct findings *fs = NULL;
	struct assess *as = NULL;
	struct loop *loop = NULL;
	json_object *doc = NULL;
	struct assess_loading l = { 0 };
	struct sbuf err;

	if (!path)
		return 0;
	sbuf_init(&err);
	loop = loop_new();
	fs = findings_new(1000, NULL, NULL);
	as = loop && fs ? assess_new(loop, fs, NULL, NULL) : NULL;
	if (!as)
		goto out;
	l.findings.fs = fs;
	l.a = as;
	if (state_load(path, &assess_state_reader, &l, &doc, &err) !=
	    STATE_LOADED)
		goto out;
	findings_load_done(fs);
	assess_loading_finish(&l, 0);
	/*
	 * What was loaded must serialise again, into text that parses:
	 * the attributes of a frozen finding go out as the file had them,
	 * and a run's record as text written from its entries.
	 */
	parses_again(findings_to_json(fs));
	parses_again(assess_to_json(as, true));
out:
	assess_loading_free(&l);
	json_object_put(doc);
	assess_free(as);
	findings_free(fs);
	loop_free(loop);
	sbuf_free(&err);
	return 0;
}
