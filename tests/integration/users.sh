#!/bin/sh
# What a new user met (issue 11), each case as they met it:
# - no CAP_SETPCAP in the bounding set (a container, systemd-nspawn):
#   vigild starts, says nothing at error level, keeps only what its
#   configuration uses (audit off: no audit capability);
# - the socket directory vigild makes is 0755 whatever the umask;
# - control_group under a reload: the socket is regrouped in place, and
#   where it cannot be, the old one stays (vigilctl never gets 69);
# - stderr that is systemd's journal stream: priorities as <N>
#   prefixes, and findings not echoed there a second time;
# - a run cut short by kill -9 keeps what it had counted;
# - vigilctl: a collecting run is not cancelled by "run start", the
#   table is sorted by severity then last seen and fits 80 columns,
#   "findings show" gives all the evidence, -H drops the header.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need jq setpriv
setup_tmp

# --- capabilities in a container-like bounding set ------------------
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "10s"; };'
VIGILD_WRAP="setpriv --bounding-set -setpcap,-audit_control,-audit_read,-chown"
start_vigild
VIGILD_WRAP=""
grep -E "vigild: (error|crit|alert|emerg):" "$T/vigild.log" &&
	fail "error lines at a start without CAP_SETPCAP"
grep -qi "bounding" "$T/vigild.log" && fail "libcap-ng complained"
caps=$(ctl status --json | jq -r .capabilities)
case $caps in
*audit*|*chown*|*setpcap*) fail "kept more than needed: $caps" ;;
esac
case $caps in
*net_admin*) ;;
*) fail "lost what conntrack needs: $caps" ;;
esac
[ "$(stat -c %a "$T/run")" = 755 ] || fail "socket directory is $(stat -c %a "$T/run"), not 755"
stop_vigild

# --- control_group and reload ---------------------------------------
getent group nogroup > /dev/null || fail "no group nogroup"
: > "$T/vigild.log"
write_conf 'audit = { mode = "off"; };'
start_vigild
# No control_group at start: no CAP_CHOWN kept, so regrouping on reload
# cannot work; the old socket must stay and say why.
write_conf 'audit = { mode = "off"; };' 'control_group = "nogroup";'
kill -HUP "$VIGILD_PID"
wait_until 5 grep -q "reload: control socket" "$T/vigild.log" ||
	fail "a failed regroup was not logged"
ctl status > /dev/null || fail "control socket gone after a failed regroup ($?)"
stop_vigild
# control_group at start: regrouping on reload works in place.
write_conf 'audit = { mode = "off"; };' 'control_group = "nogroup";'
start_vigild
[ "$(stat -c %G "$T/run/control")" = nogroup ] || fail "socket not given to nogroup"
ctl status --json | jq -r .capabilities | grep -q chown || fail "CAP_CHOWN not kept with control_group"
write_conf 'audit = { mode = "off"; };' 'control_group = "root";'
kill -HUP "$VIGILD_PID"
wait_until 5 sh -c "[ \"\$(stat -c %G \"$T/run/control\")\" = root ]" ||
	fail "socket not regrouped on reload"
ctl status --json | jq -e '.counters.vigild.reloads == 1' > /dev/null ||
	fail "reload not counted"
stop_vigild

# --- stderr as the journal stream -----------------------------------
: > "$T/vigild.log"
rm -rf "$T/state"
write_conf 'audit = { mode = "off"; };' 'proc = { rescan = "10s"; };'
spawn_insecure_root evil
js=$(stat -c '%d:%i' "$T/vigild.log")
VIGILD_WRAP="env JOURNAL_STREAM=$js"
start_vigild
VIGILD_WRAP=""
wait_until 15 sh -c "\"$VIGILCTL\" -s \"$T/run/control\" status --json | jq -e '.findings.High >= 1'" ||
	fail "no finding"
# The conntrack warning (no table here) is at 4, the start at 6.
grep -q '^<4>conntrack: ' "$T/vigild.log" || fail "warning not at priority 4: $(cat "$T/vigild.log")"
grep -q '^<6>vigild .* started' "$T/vigild.log" || fail "info not at priority 6"
grep -q 'finding: ' "$T/vigild.log" && fail "finding echoed on the journal stream"
grep -qv '^<[0-7]>' "$T/vigild.log" && fail "a line without priority: $(grep -v '^<[0-7]>' "$T/vigild.log")"

# --- a run cut short keeps its counts -------------------------------
# vigild was last known alive at this save, a second or more into the run
sleep 1.1
ctl save > /dev/null
RUN=$(ctl status --json | jq -r .run.id)
kill -9 "$VIGILD_PID"; wait "$VIGILD_PID" 2>/dev/null; VIGILD_PID=""
rm -f "$T/run/control"
: > "$T/vigild.log"
start_vigild
ctl runs --json | jq -e --arg r "$RUN" '.[] | select(.id == $r) |
	.state == "canceled" and (.reason | test("interrupted")) and
	.counts.High >= 1 and .end > .start' > /dev/null ||
	fail "interrupted run: $(ctl runs --json)"

# --- vigilctl --------------------------------------------------------
NOW=$(ctl status --json | jq -r .run.id)
ctl run start --duration 1h > "$T/out" 2>&1
[ $? -eq 1 ] && grep -q "is collecting" "$T/out" || fail "run start cancelled a collecting run: $(cat "$T/out")"
[ "$(ctl status --json | jq -r .run.id)" = "$NOW" ] || fail "the collecting run changed"
ctl run start --duration 1h --restart | grep -q collecting || fail "run start --restart"
# Findings of several severities: a High one (above) and lesser ones.
cp /bin/sleep "$T/ww/second"
"$T/ww/second" 300 > /dev/null 2>&1 &
on_exit "kill $!"
# (its own: on a host where other programs run, others come as well)
second() {
	ctl findings --json | jq -e --arg p "$T/ww/second" \
		'any(.[]; .asset_key | contains($p))' >/dev/null
}
wait_until 15 second || fail "second finding: $(ctl findings)"
# On a terminal of 80 columns the table fits; piped, paths stay whole.
COLUMNS=80 ctl findings > "$T/table"
awk 'length > 80 { exit 1 }' "$T/table" || fail "table wider than 80: $(cat "$T/table")"
ctl findings | cat > "$T/piped"
grep -q -F "$T/ww/second" "$T/piped" || fail "piped table cut a path: $(cat "$T/piped")"
# Filters, done by vigild: the program (a path or a name), the dates.
[ "$(ctl findings --program second --json | jq '[.[] | select(.attributes.exe == "'"$T/ww/second"'" or .attributes.module == "'"$T/ww/second"'")] | length')" -ge 1 ] ||
	fail "--program second: $(ctl findings --program second --json | jq -c '[.[] | .attributes.exe]')"
[ "$(ctl findings --program "$T/ww/second" --json | jq 'map(.attributes.exe // .attributes.module) | unique | length')" -eq 1 ] ||
	fail "--program PATH let others through"
[ "$(ctl findings --program no-such-program --json | jq length)" -eq 0 ] || fail "--program no-such-program"
[ "$(ctl findings --since 2099-01-01 --json | jq length)" -eq 0 ] || fail "--since the future"
[ "$(ctl findings --until 2000-01-01 --json | jq length)" -eq 0 ] || fail "--until the past"
[ "$(ctl findings --since 2000-01-01 --json | jq length)" -eq "$(ctl findings --json | jq length)" ] ||
	fail "--since the past left some out"
# CSV, as a spreadsheet reads it: a header, a row a finding, the path.
ctl findings --csv > "$T/f.csv"
ctl findings --json | jq length > "$T/nf"
python3 - "$T/f.csv" "$(cat "$T/nf")" "$T/ww/second" <<'EOP' || fail "CSV: $(cat "$T/f.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == int(sys.argv[2]), len(rows)
assert any(sys.argv[3] in r["asset"] for r in rows), rows
assert all(r["severity"] in ("High", "Medium", "Low", "Informational") for r in rows)
EOP
head -n 1 "$T/table" | grep -q '^ID ' || fail "no header"
ctl -H findings | grep -q '^ID ' && fail "-H printed the header"
# most severe first, then the most recent, then by id (ties in a second)
ctl findings --json | jq -r 'sort_by([-.numeric_severity,
	-(.last_seen | fromdateiso8601), .id]) | .[].id[0:8]' > "$T/want"
ctl -H findings | cut -d' ' -f1 > "$T/got"
cmp -s "$T/want" "$T/got" || fail "order: $(cat "$T/got") want $(cat "$T/want")"
ID=$(head -n 1 "$T/got")
ctl findings show "$ID" > "$T/show" || fail "findings show $ID"
grep -q '^evidence:' "$T/show" && grep -q 'reason' "$T/show" ||
	fail "findings show: $(cat "$T/show")"
# for a person: who caused it, uids with their names, what to do, no
# raw JSON (host, runs)
grep -q '^caused by: *root' "$T/show" && grep -q '0 (root)' "$T/show" &&
	grep -q '^what to do:' "$T/show" && grep -q '^host: .*(machine-id ' "$T/show" &&
	! grep -q '[{}]' "$T/show" || fail "findings show, for a person: $(cat "$T/show")"
ctl findings show "$ID" --json | jq -e '.attributes.pids' > /dev/null ||
	fail "findings show --json"
ctl findings show ffffffffffff > /dev/null 2>&1
[ $? -eq 1 ] || fail "findings show of no such ID"
stop_vigild
echo "ok"
