#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every line vigil can announce, in every syslog.format, checked the way a
# SIEM will read it.  The rule cases (tests/rules/cases) replay through the
# real engine and rules with each event also written in kv, json, ocsf
# and cef (tests/rules/replay, VIGIL_REPLAY_LINES), followed by a reminder
# an acceptance that ends and two runs without a sighting, so each
# finding goes through new, remind, accepted, unaccepted and resolved.
# Then:
#   - check_lines.py: valid UTF-8, no control character, <= max_line,
#     parses in its format, host/machine-id/vigil+version on every line,
#     the same attributes and ids in every format, reversible escaping;
#   - ocsf_validate.py: every OCSF event against the OCSF schema (kept in
#     tests/formats/ocsf-schema), and each of the known-bad events in
#     ocsf-bad.jsonl must be refused (the validator is not a rubber stamp);
#   - hostile file names (case 0412): the exact bytes come back from every
#     format, also with syslog.max_line at its minimum, 2048.
set -u
top=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$top}
here=$top/tests/formats
schema=$here/ocsf-schema
replay=$build/tests/rules/replay
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
[ -x "$replay" ] || { echo "no $replay: build with make check" >&2; exit 99; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

mkdir "$tmp/all"
n=0
# with the admin's tags (config "tags") on every line
for d in "$top"/tests/rules/cases/[0-9]*/; do
	VIGIL_REPLAY_TAGS='{"owner": "team-a", "env": "prod \u00e9"}' \
	VIGIL_REPLAY_LINES=$tmp/all "$replay" "$d" > "$tmp/out" 2>&1 ||
		{ bad "replay $(basename "$d")"; cat "$tmp/out"; }
	n=$((n + 1))
done
ok "$n rule cases replayed"
# syslog.max_line less the room left for a syslog header (line.h)
python3 "$here/check_lines.py" "$tmp/all" $((8192 - 256)) && ok "lines of every case" ||
	bad "lines of every case"
python3 "$here/ocsf_validate.py" "$schema" "$tmp/all/ocsf" > "$tmp/v" 2>&1
st=$?
cat "$tmp/v"
[ $st -eq 0 ] && ok "OCSF events validate" || bad "OCSF events validate"

# The host's tags on every finding line, in every format.
python3 - "$tmp/all" <<'PY' && ok "tags on every finding line" || bad "tags on every finding line"
import json, sys
d = sys.argv[1]
want = {'owner': 'team-a', 'env': 'prod \u00e9'}
n = 0
for l in open(d + '/json'):
    e = json.loads(l)
    if 'rule' in e:
        assert e.get('tags') == want, e.get('tags')
        n += 1
for l in open(d + '/ocsf'):
    e = json.loads(l)
    if e['class_uid'] != 6007:
        tags = {t['name']: t['value'] for t in e['metadata']['tags']}
        assert tags == want, tags
for l in open(d + '/kv', encoding='utf-8'):
    if ' rule=' in l:
        assert ' tag.owner=team-a tag.env="prod \u00e9" ' in l, l[:300]
for l in open(d + '/cef', encoding='utf-8'):
    if 'cs3Label=attributes' in l:
        assert 'cs6Label=tags cs6={"owner":"team-a","env":"prod \u00e9"}' in l, l[:400]
assert n > 0
PY

# OCSF endpoints a SIEM can query: dst_endpoint.ip and .port apart from
# the text, the device's addresses (this host's, as vigild finds them).
python3 - "$tmp/all" <<'PY' && ok "OCSF endpoints and device addresses" || bad "OCSF endpoints and device addresses"
import ipaddress, json, sys
d = sys.argv[1]
clients = servers = 0
for l in open(d + '/ocsf'):
    e = json.loads(l)
    dev = e['device']
    ifs = [i['ip'] for i in dev.get('network_interfaces', [])]
    assert ifs, dev
    routable = [a for a in ifs if not ipaddress.ip_address(a).is_loopback
                and not ipaddress.ip_address(a).is_link_local]
    if routable:
        assert dev['ip'] == routable[0], dev
    # this machine's kind, as /proc/cpuinfo tells it
    virt = ' hypervisor' in [l for l in open('/proc/cpuinfo')
                             if l.startswith('flags')][0]
    if virt:
        assert (dev['type_id'], dev['type']) == (6, 'Virtual'), dev
    assert dev['type_id'] in (0, 1, 2, 3, 4, 6), dev
    if e['class_uid'] != 2004:
        continue
    attrs = e['unmapped']['vigil']['attributes']
    ep = e['evidences'][0].get('dst_endpoint')
    if 'remote' in attrs:
        host, _, port = attrs['remote'].rpartition(':')
        assert ep['name'] == attrs['remote'], ep
        assert ep['ip'] == host.strip('[]') and ep['port'] == int(port), ep
        ipaddress.ip_address(ep['ip'])
        clients += 1
    elif 'bind_addresses' in attrs:
        assert ep['port'] == attrs['port'] and ep['svc_name'], ep
        b = attrs['bind_addresses']
        if len(b) == 1 and not ipaddress.ip_address(b[0]).is_unspecified:
            assert ep['ip'] == b[0], ep
            servers += 1
        else:
            assert 'ip' not in ep, ep
assert clients > 0 and servers > 0, (clients, servers)
PY

# The fleet report reads every format alike: the same hosts, rules and
# problems from the kv, ocsf and cef lines as from the json ones, every
# line understood (a kv line has no time of its own: its host's last
# event is when it was read).
vigilctl=$build/src/vigilctl
for f in json kv ocsf cef; do
	"$vigilctl" report --from "$tmp/all/$f" --json > "$tmp/fleet-$f.json" ||
		bad "fleet report from $f lines"
done
python3 - "$tmp" <<'PY' && ok "the fleet report reads kv, json, ocsf and cef alike" || bad "the fleet report reads kv, json, ocsf and cef alike"
import json, sys
d = sys.argv[1]
rep = {}
for f in ('json', 'kv', 'ocsf', 'cef'):
    r = json.load(open('%s/fleet-%s.json' % (d, f)))
    src = r.pop('sources')
    assert all(s.endswith(', 0 not understood') for s in src), (f, src)
    r.pop('generated', None)
    rep[f] = r
assert rep['json']['hosts'], rep['json']
for h in rep['kv']['hosts']:
    h.pop('last_event')
for h in rep['json']['hosts']:
    h['last_event_json'] = h.pop('last_event')
for f in ('ocsf', 'cef'):
    for h in rep[f]['hosts']:
        h['last_event_json'] = h.pop('last_event')
for h in rep['kv']['hosts']:
    h['last_event_json'] = [x for x in rep['json']['hosts']
        if x['machine_id'] == h['machine_id']][0]['last_event_json']
for f in ('kv', 'ocsf', 'cef'):
    for part in ('hosts', 'rules', 'problems'):
        if rep[f].get(part) != rep['json'].get(part):
            print(f, part, json.dumps(rep[f].get(part))[:300],
                  json.dumps(rep['json'].get(part))[:300])
            sys.exit(1)
PY

# Each rule's finding is created, updated and closed; runs start and end.
python3 - "$tmp/all" <<'PY' && ok "every rule, every lifecycle event, every format" || bad "lifecycle coverage"
import json, sys
d = sys.argv[1]
ev = [json.loads(l) for l in open(d + '/json')]
oc = [json.loads(l) for l in open(d + '/ocsf')]
rules = {'insecure-client-protocols-login', 'insecure-client-protocols-general',
         'unused-listening-tcp-ports', 'insecure-server-protocols',
         'software-without-dep', 'software-without-stack-cookies',
         'root-process-insecure-permissions'}
seen = {}
for e in ev:
    if 'rule' in e:
        seen.setdefault(e['rule'], set()).add(e['event'])
ok = True
for r in sorted(rules):
    if not {'new', 'remind', 'accepted', 'unaccepted',
            'resolved'} <= seen.get(r, set()):
        print('rule %s: events %s' % (r, sorted(seen.get(r, []))))
        ok = False
runs = {e['event'] for e in ev if 'run' in e}
if not {'run_started', 'run_completed'} <= runs:
    print('runs: %s' % runs)
    ok = False
acts = {(o['class_uid'], o['activity_id']) for o in oc}
for want in [(2002, 1), (2002, 2), (2002, 3), (2003, 1), (2003, 3),
             (2004, 1), (2004, 3), (6007, 1), (6007, 2)]:
    if want not in acts:
        print('no OCSF class/activity %s' % (want,))
        ok = False
# accepted: suppressed, not an alert, the reason trimmed for a line
sup = [o for o in oc if o.get('unmapped', {}).get('vigil', {}).get('event') == 'accepted']
if not sup or not all(o['status_id'] == 3 and o['status'] == 'Suppressed'
                      and o['activity_id'] == 2 and
                      o['unmapped']['vigil'].get('acceptance',
                          {'source': 'vigilctl'})['source'] == 'vigilctl'
                      for o in sup):
    print('accepted events in OCSF: %d, not all Suppressed' % len(sup))
    ok = False
if [o for o in sup if o['class_uid'] == 2004 and o.get('is_alert') is not False]:
    print('an accepted finding is an alert in OCSF')
    ok = False
sys.exit(0 if ok else 1)
PY

# The validator refuses each known-bad event.
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" > "$tmp/one"
	if python3 "$here/ocsf_validate.py" "$schema" "$tmp/one" > /dev/null; then
		bad "ocsf-bad.jsonl:$i accepted: $(printf '%s' "$line" | grep -o '"expect": "[^"]*"')"
	fi
done < "$here/ocsf-bad.jsonl"
[ $i -gt 10 ] && ok "the validator refuses all $i known-bad events"

# Hostile names: the exact bytes back from every format, at 8 KiB and 2 KiB.
hostile=$top/tests/rules/cases/0412-hostile-file-names
p1=$(printf '/home/u/\377\376\nx"q'"'"'\\b =|%%s{}' | od -An -tx1 | tr -d ' \n')
p2=$(python3 -c "print(('/home/u/' + '/'.join(['é'*120]*15)).encode().hex())")
for max in 8192 2048; do
	mkdir "$tmp/h$max" "$tmp/c$max"
	cp "$hostile"/events "$hostile"/expected "$tmp/c$max/"
	printf 'syslog = { max_line = %s; };\n' "$max" > "$tmp/c$max/vigil.conf"
	VIGIL_REPLAY_LINES=$tmp/h$max "$replay" "$tmp/c$max" > "$tmp/out" 2>&1 ||
		{ bad "replay hostile names"; cat "$tmp/out"; }
	# at 2 KiB the 3.6 KB path itself is cut, with its marker
	want2=
	[ "$max" -ge 8192 ] && want2="--expect-path $p2"
	python3 "$here/check_lines.py" "$tmp/h$max" $((max - 256)) --expect-path "$p1" \
		$want2 --expect-trimmed &&
		ok "hostile file names, max_line $max" ||
		bad "hostile file names, max_line $max"
	python3 "$here/ocsf_validate.py" "$schema" "$tmp/h$max/ocsf" | tail -n 1
	python3 "$here/ocsf_validate.py" "$schema" "$tmp/h$max/ocsf" > /dev/null ||
		bad "hostile OCSF events validate ($max)"
done
exit $fail
