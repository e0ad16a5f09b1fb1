// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A control-socket request, as a peer sends it: the first byte picks
 * the peer (root or a control_group member), the rest is the request
 * line, parsed and dispatched as control.c does.
 */
#include "build.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "control/control.h"
#include "fuzz.h"
#include "daemon/vigil.h"

/* vigild's own state document lives in vigild.c: the findings do. */
static json_object *dump(void *data)
{
	struct vigil *v = data;

	return findings_to_json(v->findings);
}

static struct vigil *make_vigil(void)
{
	static struct vigil v;
	static char state[64];
	struct engine_store store;
	struct sbuf err;

	if (v.engine)
		return &v;
	sbuf_init(&err);
	if (config_load_default(&v.cfg, &err) < 0)
		abort();
	sbuf_free(&err);
	snprintf(state, sizeof(state), "/tmp/vigil-fuzz-state-%d.json",
		 (int)getpid());
	v.loop = loop_new();
	v.host = json_object_new_object();
	v.findings = findings_new(100, NULL, NULL);
	v.assess = assess_new(v.loop, v.findings, NULL, NULL);
	if (v.assess)
		assess_engine_store(v.assess, &store);
	v.engine = v.assess ? engine_new(v.cfg, &store) : NULL;
	v.output = output_new(v.cfg, true);
	v.reloads = v.engine ? engine_counter(v.engine, "vigild", "reloads") :
			       NULL;
	v.state = state_new(v.loop, state, dump, &v);
	v.expiry = expiry_new(v.loop, v.findings);
	if (!v.loop || !v.findings || !v.assess || !v.engine || !v.output ||
	    !v.reloads || !v.state || !v.expiry)
		abort();
	/* something to accept and report: one finding, one run */
	if (assess_start(v.assess, 60) < 0 ||
	    findings_report(v.findings, RULE_NO_DEP, "/opt/a",
			    json_object_new_object(), 1, "r") < 0)
		abort();
	return &v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_peer peer = { .pid = 1, .uid = 1000, .gid = 1000 };
	struct json_tokener *tok;
	json_object *req, *reply;
	struct vigil *v = make_vigil();

	if (!size || size > CONTROL_MAX_REQUEST)
		return 0;
	peer.may_write = data[0] & 1;
	peer.uid = peer.may_write ? 0 : 1000;
	tok = json_tokener_new();
	if (!tok)
		return 0;
	req = json_tokener_parse_ex(tok, (const char *)data + 1,
				    (int)size - 1);
	if (req && json_object_is_type(req, json_type_object)) {
		struct control_stream st = { 0 };

		reply = commands_handle(v, req, &peer, &st);
		json_object_to_json_string(reply);
		json_object_put(reply);
		if (st.next) {
			/* a streamed reply: made to its end, valid JSON */
			struct sbuf out;
			int r;

			if (reply)
				abort();
			sbuf_init(&out);
			while ((r = st.next(st.ctx, &out)) > 0)
				;
			st.done(st.ctx);
			if (r == 0) {
				json_object *o = json_tokener_parse(out.buf);

				if (!o)
					abort();
				json_object_put(o);
			}
			sbuf_free(&out);
		}
	}
	json_object_put(req);
	json_tokener_free(tok);
	return 0;
}
