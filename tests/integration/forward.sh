#!/bin/sh
# Findings forwarded to a SIEM collector with the shipped rsyslog
# examples (examples/rsyslog), as a fleet does it: three hosts, each a
# network, mount and UTS namespace with its own hostname, machine-id,
# /dev/log, rsyslog and vigild, and a central rsyslog collector in a
# fourth namespace, all with certificates from the shipped
# vigil-fleet-certs.  h1 forwards kv over TCP with TLS, h2 json over
# RELP with TLS, h3 ocsf over RELP with TLS.  Findings are made on all three (curl and wget against
# busybox httpd and listeners on the host), the collector is stopped for
# 30 s while more findings happen (and runs complete), then started
# again.  The collector must end with the "new" line of every finding of
# every host, each line parseable in its format and naming its host;
# over TCP exactly once, over RELP at least once (RELP sends again what
# it had no answer for: vigil-collect's store keeps such a line once,
# tests/integration/fleet.sh).
. "$(dirname "$0")/lib.sh"
need_root
need ip nft jq python3 curl wget busybox unshare rsyslogd logger logrotate \
	openssl
ls /usr/lib/*/rsyslog/imrelp.so >/dev/null 2>&1 || skip "needs rsyslog-relp"
ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 ||
	skip "needs rsyslog-gnutls"
setup_tmp
. "$(dirname "$0")/fleethosts.sh"
fleet_col
fleet_certs

# --- the collector: the shipped vigil-collector.conf ----------------
mkdir -p "$T/col/spool" "$T/col/log"
sed "s|/var/log/vigil|$T/col/log|g" "$EX/vigil-collector.conf" > "$T/col/vigil.conf"
fleet_tls_paths "$T/col/vigil.conf" collector.fleet.test
cat > "$T/col/rsyslog.conf" <<EOC
global(workDirectory="$T/col/spool" maxMessageSize="16k")
include(file="$T/col/vigil.conf")
EOC
start_collector() {
	ip netns exec "$COL" rsyslogd -n -f "$T/col/rsyslog.conf" \
		-i "$T/col/rsyslog.pid" >> "$T/col/rsyslogd.log" 2>&1 &
	COL_PID=$!
	wait_until 10 sh -c "ip netns exec $COL ss -Htln | grep -q ':2514 '" ||
		fail "collector did not listen: $(cat "$T/col/rsyslogd.log")"
}
start_collector
on_exit 'kill $COL_PID'

# --- three hosts ----------------------------------------------------
fleet_host 1 kv vigil-forward-tcp.conf
fleet_host 2 json vigil-forward-relp.conf
fleet_host 3 ocsf vigil-forward-relp.conf
fleet_hosts_ready

# --- findings while the collector is up -----------------------------
client curl -s -m 3 http://127.0.0.1/
client curl -s -m 3 ftp://127.0.0.1/
for i in 1 2 3; do
	wait_until 20 sh -c "'$VIGILCTL' -s '$T/h$i/control' findings --json | jq -e '[.[] | select(.rule | startswith(\"insecure-client\"))] | length >= 2'" ||
		fail "no findings on h$i: $(hctl $i findings)"
done
wait_until 20 sh -c "[ \$(grep -c . '$T/col/log/all.log' 2>/dev/null || echo 0) -ge 6 ]" ||
	fail "nothing reached the collector: $(cat "$T"/h*/rsyslogd.log "$T/col/rsyslogd.log")"

# --- the collector goes down for 30 s; findings go on ---------------
kill -TERM "$COL_PID"
wait "$COL_PID"
DOWN=$(date +%s)
client curl -s -m 3 pop3://127.0.0.1/
client curl -s -m 3 imap://127.0.0.1/
client wget -q -T 3 -O /dev/null http://127.0.0.1/
sleep 10
client curl -s -m 3 telnet://127.0.0.1:119/ </dev/null
sleep $(( 30 - ($(date +%s) - DOWN) ))
fleet_new_since "$DOWN" "while the collector was down"
start_collector

# --- vigild's other messages: beside the findings, never among them ---
# What vigild says of itself reaches syslog with the findings (under
# systemd, through the journal); each host's forwarder sends it too.
for i in 1 2 3; do
	logger -u "$T/h$i/dev/log" -t vigild \
		"conntrack: table inet vigil is not loaded (a test of h$i)" ||
		fail "logger to h$i"
done
wait_until 30 sh -c "[ \$(grep -c 'a test of h' '$T/col/log/vigild-messages.log' 2>/dev/null || echo 0) -ge 3 ]" ||
	fail "vigild's own messages did not reach vigild-messages.log"
for i in 1 2 3; do
	grep -q "^vigil-test-h$i conntrack: table inet vigil is not loaded (a test of h$i)$" \
		"$T/col/log/vigild-messages.log" ||
		fail "h$i's message without its host: $(cat "$T/col/log/vigild-messages.log")"
done
! grep -q "a test of h" "$T/col/log/all.log" "$T"/col/log/vigil-test-h*.log ||
	fail "a message of vigild's own among the findings"

# --- every finding of every host, at least once; each written once by vigild
for i in 1 2 3; do
	hctl $i findings > "$T/h$i/findings.json"
done
check() {
	python3 - "$T" <<'PY'
import json, re, sys
T = sys.argv[1]
lines = open(T + '/col/log/all.log', 'rb').read().split(b'\n')[:-1]
errors = []
got = {}          # (machine_id, event, id) -> count
distinct = {}     # (machine_id, event, id) -> the lines that told it
seen = {}
for raw in lines:
    seen[raw] = seen.get(raw, 0) + 1
    s = raw.decode('utf-8')
    if s.startswith('{'):
        o = json.loads(s)
        if 'class_uid' in o:                       # ocsf
            mid, host = o['device']['uid'], o['device']['hostname']
            ev = o['unmapped']['vigil']['event']
            fid = o.get('finding_info', {}).get('uid')
        else:                                      # json
            mid, host = o['host']['machine_id'], o['host']['hostname']
            ev, fid = o['event'], o.get('id')
    else:                                          # kv
        kv = dict(re.findall(r'(?:^| )([a-z_.]+)=("(?:[^"\\]|\\.)*"|\S*)', s))
        mid, host, ev, fid = kv['machine_id'], kv['host'], kv['event'], kv.get('id')
    if not host.startswith('vigil-test-h'):
        errors.append('line without its host: %s' % s[:100])
    got[(mid, ev, fid)] = got.get((mid, ev, fid), 0) + 1
    distinct.setdefault((mid, ev, fid), set()).add(raw)
# RELP (h2, h3) delivers at least once: a line whose acknowledgement
# the sender had not read when the collector stopped is sent again.
# TCP (h1) has no acknowledgement, yet omfwd sends a batch again after
# an error it saw (once measured: the first line, as the first TLS
# session came up).  Either way vigild itself wrote each line once:
# h1's vigild (in the foreground, no journal) copies each to stderr.
relp = ('%032x' % (0xabc000 + 2), '%032x' % (0xabc000 + 3))
own = {}
for l in open(T + '/h1/vigild.log', 'rb').read().split(b'\n'):
    for p in (b'vigild: run: ', b'vigild: finding: '):
        if l.startswith(p):
            own[l[len(p):]] = own.get(l[len(p):], 0) + 1
dups = [r for r, c in seen.items() if c > 1]
again = tcp_again = 0
for r in dups:
    if not any(m.encode() in r for m in relp):
        if own.get(r, 0) != 1:
            errors.append('a TCP line twice, written %d times by vigild: %s'
                          % (own.get(r, 0), r[:120]))
        tcp_again += seen[r] - 1
    again += seen[r] - 1
total = 0
for i in (1, 2, 3):
    mid = '%032x' % (0xabc000 + i)
    for f in json.load(open('%s/h%d/findings.json' % (T, i))):
        total += 1
        c = got.get((mid, 'new', f['id']), 0)
        d = len(distinct.get((mid, 'new', f['id']), ()))
        # over TCP, a copy of the same line (checked above) at most
        if c < 1 or (d > 1 and mid not in relp):
            errors.append('h%d: finding %s (%s) arrived %d times' %
                          (i, f['id'], f['rule'], c))
for e in errors[:20]:
    print(e)
print('%d lines at the collector (%d of them sent again, %d over TCP), '
      '%d findings on 3 hosts, %d errors' %
      (len(lines), again, tcp_again, total, len(errors)))
sys.exit(1 if errors else 0)
PY
}
wait_until 60 check || true
check || { cp "$T/col/log/all.log" /tmp/forward-all.log; fail "the collector does not hold every finding"; }
# each line parses in its format (the checker of tests/formats, by host)
for i in 1 2 3; do
	grep -c . "$T/col/log/vigil-test-h$i.log" > /dev/null ||
		fail "no per-host file for h$i"
done
python3 "$abs_top_srcdir/tests/formats/ocsf_validate.py" \
	"$abs_top_srcdir/tests/formats/ocsf-schema" "$T/col/log/vigil-test-h3.log" |
	tail -n 1
python3 "$abs_top_srcdir/tests/formats/ocsf_validate.py" \
	"$abs_top_srcdir/tests/formats/ocsf-schema" "$T/col/log/vigil-test-h3.log" \
	> /dev/null || fail "h3's OCSF lines at the collector do not validate"
jq -c . "$T/col/log/vigil-test-h2.log" > /dev/null ||
	fail "h2's JSON lines at the collector do not parse"

# --- the fleet report over what the collector holds ------------------
# every finding of each host, whatever its state, once; the hosts'
# shared problems (the same program speaking http on all three) found
ART=$abs_top_builddir/tests/artifacts
mkdir -p "$ART"
"$VIGILCTL" report --from "$T/col/log/all.log" --format json > "$T/fleet.json" ||
	fail "vigilctl report --from failed"
# Each host's findings, as the fleet report counts them.  A host may
# find something new meanwhile (vigild also scans the machine's
# processes): both sides are read again until the new lines arrived.
fleet_agrees() {
	"$VIGILCTL" report --from "$T/col/log/all.log" --format json \
		> "$T/fleet.json" || return 1
	for i in 1 2 3; do
		hctl $i findings > "$T/h$i/findings.json" || return 1
		want=$(jq length "$T/h$i/findings.json")
		got=$(jq --arg h "vigil-test-h$i" '.hosts[] |
			select(.hostname == $h) |
			(.open | add) + .accepted + .resolved' "$T/fleet.json")
		[ "$got" = "$want" ] || return 1
	done
}
"$VIGILCTL" report --from "$T/col/log/all.log" > "$ART/fleet-report.txt" ||
	fail "fleet report as text"
"$VIGILCTL" report --from "$T/col/log/all.log" --format html \
	-o "$ART/fleet-report.html" || fail "fleet report as html"
jq -e '.skipped == 0 and (.hosts | length == 3)' "$T/fleet.json" > /dev/null ||
	fail "fleet report: lines not understood or hosts missing: $(jq -c '{skipped, hosts: [.hosts[].hostname]}' "$T/fleet.json")"
wait_until 30 fleet_agrees ||
	fail "fleet report: h$i has $want findings, the report counts ${got:-none}"
jq -e '[.problems[] | select(.hosts | length == 3)] | length >= 1' \
	"$T/fleet.json" > /dev/null ||
	fail "fleet report: no problem shared by the three hosts: $(jq -c .problems "$T/fleet.json")"
grep -q "^Hosts: 3" "$ART/fleet-report.txt" || fail "fleet text report"

# --- the shipped logrotate configuration, run for real ----------------
# rotated, and rsyslog (told as Debian's rotation tells it) writes to
# new files at once
sed -e "s|/var/log/vigil|$T/col/log|" \
    -e "s|/usr/lib/rsyslog/rsyslog-rotate|kill -HUP \$(cat $T/col/rsyslog.pid)|" \
	"$abs_top_srcdir/examples/logrotate/vigil-collector" > "$T/logrotate.conf"
logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" ||
	fail "logrotate with examples/logrotate/vigil-collector"
[ -s "$T/col/log/all.log.1" ] && [ -s "$T/col/log/vigild-messages.log.1" ] ||
	fail "not rotated: $(ls "$T/col/log")"
logger -u "$T/h1/dev/log" -t vigild "pkg: after the rotation" ||
	fail "logger to h1"
wait_until 30 grep -q "after the rotation" "$T/col/log/vigild-messages.log" ||
	fail "rsyslog did not write to the new file after the rotation: $(ls -l "$T/col/log")"
echo "PASS: three hosts over TLS, collector down 30 s, every finding there, fleet report agrees"
