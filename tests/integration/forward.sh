#!/bin/sh
# Findings forwarded to a SIEM collector with the shipped rsyslog
# examples (examples/rsyslog), as a fleet does it: three hosts, each a
# network, mount and UTS namespace with its own hostname, machine-id,
# /dev/log, rsyslog and vigild, and a central rsyslog collector in a
# fourth namespace.  h1 forwards kv over TCP, h2 json over RELP, h3 ocsf
# over RELP.  Findings are made on all three (curl and wget against
# busybox httpd and listeners on the host), the collector is stopped for
# 30 s while more findings happen (and runs complete), then started
# again.  The collector must end with the "new" line of every finding of
# every host exactly once, no line twice, each line parseable in its
# format and naming its host.
. "$(dirname "$0")/lib.sh"
need_root
need ip nft jq python3 curl wget busybox unshare rsyslogd logger logrotate
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/imrelp.so ] ||
	ls /usr/lib/*/rsyslog/imrelp.so >/dev/null 2>&1 ||
	skip "needs rsyslog-relp"
setup_tmp
EX=$abs_top_srcdir/examples/rsyslog
NFT_FILE=$abs_top_srcdir/rules/nft/vigil.nft
n=$(( $$ % 200 + 20 ))
COL=vigcol$$
ip netns add "$COL" || fail "ip netns add"
on_exit "ip netns del $COL"
ip -n "$COL" link set lo up

# --- the collector: the shipped vigil-collector.conf ----------------
mkdir -p "$T/col/spool" "$T/col/log"
sed "s|/var/log/vigil|$T/col/log|g" "$EX/vigil-collector.conf" > "$T/col/vigil.conf"
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
FORMATS="kv json ocsf"
i=0
for fmt in $FORMATS; do
	i=$((i + 1))
	h=h$i
	ns=vigh$i$$
	d=$T/$h
	mkdir -p "$d/spool" "$d/dev" "$d/state"
	ip netns add "$ns" || fail "ip netns add"
	on_exit "ip netns del $ns"
	ip link add "fh$i$$" type veth peer name "fc$i$$" || fail veth
	ip link set "fh$i$$" netns "$ns"
	ip link set "fc$i$$" netns "$COL"
	ip -n "$ns" addr add "10.232.$i.2/24" dev "fh$i$$"
	ip -n "$COL" addr add "10.232.$i.1/24" dev "fc$i$$"
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "fh$i$$" up
	ip -n "$COL" link set "fc$i$$" up
	ip netns exec "$ns" nft -f "$NFT_FILE" || fail "nft -f"
	# each host forwards with a shipped example, the target its own
	if [ "$fmt" = kv ]; then
		ex=vigil-forward-tcp.conf
	else
		ex=vigil-forward-relp.conf
	fi
	sed "s|collector.example.org|10.232.$i.1|" "$EX/$ex" > "$d/forward.conf"
	cat > "$d/rsyslog.conf" <<EOC
global(workDirectory="$d/spool")
module(load="imuxsock")
include(file="$d/forward.conf")
EOC
	printf '%032x\n' "$((0xabc000 + i))" > "$d/machine-id"
	cat > "$d/vigil.conf" <<EOC
state_file = "$d/state/state.json";
control_socket = "$d/control";
audit = { mode = "off"; };
syslog = { format = "$fmt"; };
assessment = { duration = "20s"; };
EOC
	# The host: its name, machine-id and /dev (for its own /dev/log),
	# then rsyslog, then vigild in the foreground.
	cat > "$d/boot.sh" <<EOC
set -e
hostname vigil-test-$h
mount --bind "$d/machine-id" /etc/machine-id
for node in null zero full random urandom tty; do
	touch "$d/dev/\$node"
	mount --bind "/dev/\$node" "$d/dev/\$node"
done
mount --rbind "$d/dev" /dev
rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslog.pid" >> "$d/rsyslogd.log" 2>&1 &
for t in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -S /dev/log ] && break
	sleep 0.25
done
exec "$VIGILD" -f -c "$d/vigil.conf" >> "$d/vigild.log" 2>&1
EOC
	setsid ip netns exec "$ns" unshare --mount --uts --propagation private \
		sh "$d/boot.sh" &
	eval "BOOT_$i=\$!"
	on_exit "kill -- -\$(ps -o pgid= -p \$BOOT_$i | tr -d ' ') 2>/dev/null"
	# servers on the host: a real httpd, and listeners for ftp/pop3/imap
	mkdir -p "$d/www"
	echo ok > "$d/www/index.html"
	bg_in "$ns" busybox httpd -f -p 80 -h "$d/www"
	bg_in "$ns" python3 -c '
import socket, select
ls = []
for p in (21, 110, 143, 119):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p)); s.listen(16); ls.append(s)
while True:
    for s in select.select(ls, [], [])[0]:
        c, _ = s.accept(); c.close()
'
done
for i in 1 2 3; do
	wait_until 15 "$VIGILCTL" -s "$T/h$i/control" status ||
		fail "vigild on h$i did not start: $(cat "$T/h$i/vigild.log" "$T/h$i/rsyslogd.log")"
done

hctl() { "$VIGILCTL" -s "$T/h$1/control" "$2" --json; }
# client ARGS...: one client run on each host (a new flow each)
client() {
	for i in 1 2 3; do
		ip netns exec "vigh$i$$" "$@" > /dev/null 2>&1
	done
}

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
for i in 1 2 3; do
	hctl $i findings | jq -e --argjson t "$DOWN" \
		'[.[] | select((.first_seen | fromdateiso8601) >= $t)] | length >= 2' \
		> /dev/null || fail "no new finding on h$i while the collector was down"
done
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

# --- every finding of every host, exactly once ----------------------
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
dups = [r for r, c in seen.items() if c > 1]
if dups:
    errors.append('%d lines twice, e.g. %s' % (len(dups), dups[0][:120]))
total = 0
for i in (1, 2, 3):
    mid = '%032x' % (0xabc000 + i)
    for f in json.load(open('%s/h%d/findings.json' % (T, i))):
        total += 1
        c = got.get((mid, 'new', f['id']), 0)
        if c != 1:
            errors.append('h%d: finding %s (%s) arrived %d times' %
                          (i, f['id'], f['rule'], c))
for e in errors[:20]:
    print(e)
print('%d lines at the collector, %d findings on 3 hosts, %d errors' %
      (len(lines), total, len(errors)))
sys.exit(1 if errors else 0)
PY
}
wait_until 60 check || true
check || { cp "$T/col/log/all.log" /tmp/forward-all.log; fail "the collector does not hold every finding exactly once"; }
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
echo "PASS: three hosts, collector down 30 s, every finding exactly once, fleet report agrees"
