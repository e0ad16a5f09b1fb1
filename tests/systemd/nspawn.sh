#!/bin/sh
# The package under a real systemd: build the .deb from this tree,
# install it into a debootstrapped Debian 12 root (cached by mkroot),
# boot that root with systemd-nspawn -b (its own network namespace),
# and check what a user meets: the unit starts and stays up; one
# journal entry per finding with its PRIORITY and VIGIL_* fields and no
# echo; vigild's own warnings at priority 4 and nothing at error level
# but findings; journalctl -x explains the finding; a reload with a
# broken config fails and keeps the daemon; control_group works under
# the unit's capabilities; stop leaves no nft table; purge leaves
# nothing.  The journal's MESSAGE is a sentence for people; the shipped
# rsyslog examples (forwarder and collector, in the same root) send the
# line for machines, each finding once, and not the sentence.  Audit is not available inside nspawn (the qemu script,
# tests/systemd/qemu.sh, covers auditd).
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need systemd-nspawn nsenter dpkg-buildpackage jq debootstrap openssl
src=${abs_top_srcdir:-.}
# distcheck builds from a tarball: the package is checked from git once.
[ -d "$src/.git" ] || skip "not a git checkout (distcheck): the systemd test runs in the top make check"
setup_tmp

ROOT_CACHE=$("$src/tests/systemd/mkroot" nspawn) ||
	skip "no Debian 12 root could be made (debootstrap needs deb.debian.org)"

# --- the package, from the tree as it is (uncommitted changes too) ---
DEB=$("$src/tests/systemd/builddeb" "$T/pkg" 2>"$T/build.err") ||
	fail "building the .deb: $(cat "$T/build.err")"
if command -v lintian > /dev/null; then
	lintian --fail-on warning,error "$DEB" > "$T/lintian.log" 2>&1 ||
		fail "lintian: $(cat "$T/lintian.log")"
fi

# --- a root of our own, with the package installed -------------------
cp -a "$ROOT_CACHE" "$T/root"
cp "$DEB" "$T/root/var/tmp/vigil.deb"
systemd-nspawn -q -D "$T/root" --register=no --keep-unit \
	dpkg -i /var/tmp/vigil.deb > "$T/dpkg.log" 2>&1 ||
	fail "dpkg -i: $(cat "$T/dpkg.log")"
# The shipped rsyslog examples: the system's rsyslog forwards to a
# collector (a second rsyslogd, as on another host) on 127.0.0.1.
# Both ends authenticate with certificates from the shipped script: the
# collector's named as the examples name it, the host's a fleet name.
sh "$src/examples/tls/vigil-fleet-certs" "$T/tls" collector.example.org \
	vigil-test.fleet.example.org > /dev/null || fail "vigil-fleet-certs"
F=$T/root/etc/vigil/fleet
mkdir -p "$F"
cp "$T/tls/ca.pem" "$F/ca.pem"
cp "$T/tls/vigil-test.fleet.example.org.pem" "$F/host.pem"
cp "$T/tls/vigil-test.fleet.example.org.key" "$F/host.key"
cp "$T/tls/collector.example.org.pem" "$F/collector.pem"
cp "$T/tls/collector.example.org.key" "$F/collector.key"
sed 's|target="collector.example.org"|target="127.0.0.1"|' \
	"$src/examples/rsyslog/vigil-forward-relp.conf" \
	> "$T/root/etc/rsyslog.d/60-vigil-forward.conf" || fail "copy the forwarder"
mkdir -p "$T/root/etc/collector" "$T/root/var/spool/collector"
cp "$src/examples/rsyslog/vigil-collector.conf" "$T/root/etc/collector/" ||
	fail "copy the collector"
printf '%s\n' 'global(workDirectory="/var/spool/collector")' \
	'include(file="/etc/collector/vigil-collector.conf")' \
	> "$T/root/etc/collector/rsyslog.conf"
# The /proc rescan finds the test's finding quickly (no audit in here).
sed -i 's/rescan = "60s"/rescan = "10s"/' "$T/root/etc/vigil/vigil.conf"
grep -q 'rescan = "10s"' "$T/root/etc/vigil/vigil.conf" || fail "config edit"

# --- boot ----------------------------------------------------------------
systemd-nspawn -q -b -D "$T/root" --register=no --keep-unit \
	--private-network --machine=vigil-test > "$T/console.log" 2>&1 &
NSPAWN=$!
on_exit "kill -9 $NSPAWN 2>/dev/null"
leader() { pgrep -P "$NSPAWN" | head -n 1; }
wait_until 20 leader || skip "systemd-nspawn could not boot here: $(cat "$T/console.log")"
L=$(leader)
# Killing nspawn alone would leave the container's init running: the
# leader's death ends its whole pid namespace.
on_exit "kill -9 $L 2>/dev/null"
in_ct() { nsenter -t "$L" -m -u -i -n -p -- "$@"; }
wait_until 60 in_ct systemctl is-system-running --wait ||
	true	# "degraded" is fine; the unit is what matters
in_ct systemctl is-system-running > /dev/null 2>&1 ||
	in_ct systemctl --failed --no-legend > "$T/failed"
wait_until 30 sh -c "nsenter -t $L -m -u -i -n -p -- systemctl is-active -q vigild" ||
	fail "vigild not active: $(in_ct journalctl -u vigild --no-pager -o cat 2>&1 | tail -n 20)"
in_ct systemd-run -q --unit=collector rsyslogd -n -f /etc/collector/rsyslog.conf \
	-i /run/collector.pid || fail "collector: systemd-run"
PID0=$(in_ct systemctl show -p MainPID --value vigild)
WD0=$(in_ct systemctl show -p WatchdogTimestampMonotonic --value vigild)

# A root process running code anyone may change: a High finding.
# Its path is longer than a terminal's line: piped, it is kept whole.
WW=/opt/ww/a-directory-with-a-name-long-enough-to-be-cut-in-eighty-columns
in_ct sh -c "mkdir -p $WW && chmod 0777 $WW && cp /bin/sleep $WW/evil && ($WW/evil 600 > /dev/null 2>&1 &)"
have_finding() {
	in_ct journalctl -u vigild -o json --no-pager |
		jq -e -s 'map(select(.VIGIL_EVENT == "new" and .VIGIL_RULE == "root-process-insecure-permissions")) | length >= 1'
}
wait_until 40 have_finding || fail "no finding in the journal: $(in_ct journalctl -u vigild --no-pager | tail -n 20)"
sleep 2
in_ct journalctl -u vigild -o json --no-pager > "$T/journal.json"

in_ct sh -c 'vigilctl findings | cat' > "$T/findings.txt"
grep -q -F "$WW/evil" "$T/findings.txt" ||
	fail "vigilctl findings | cat cut the path: $(cat "$T/findings.txt")"

# systemctl status says how the host stands (STATUS=), a High among
# the open findings; the watchdog is armed and pinged; the unit's
# Documentation= leads to a file that is there.
status_line() {
	in_ct systemctl status vigild --no-pager > "$T/status.txt" 2>&1
	grep -E -q 'Status: "[0-9]+ open findings?: ([0-9]+ [a-zA-Z]+, )*[0-9]+ High' "$T/status.txt"
}
wait_until 15 status_line || fail "no status line: $(cat "$T/status.txt")"
echo "systemctl status vigild:"
sed -n '1,/^$/p' "$T/status.txt"
[ "$(in_ct systemctl show -p WatchdogUSec --value vigild)" = 30s ] ||
	fail "watchdog not set: $(in_ct systemctl show -p WatchdogUSec vigild)"
in_ct journalctl -u vigild --no-pager -o cat | grep -q '^systemd watchdog: pinging every 15000 ms' ||
	fail "vigild does not ping the watchdog"
wd_moved() {
	[ "$(in_ct systemctl show -p WatchdogTimestampMonotonic --value vigild)" != "$WD0" ]
}
wait_until 20 wd_moved || fail "no watchdog ping reached systemd (still $WD0)"
doc=$(in_ct systemctl show -p Documentation --value vigild | tr ' ' '\n' | sed -n 's|^file://||p')
[ -n "$doc" ] && in_ct test -s "$doc" || fail "Documentation= does not resolve: $doc"

# No audit in here: status and the run's report say what that costs.
in_ct vigilctl status > "$T/vstatus.txt"
grep -q '^coverage:     not complete' "$T/vstatus.txt" &&
	grep -q 'kernel audit was not available' "$T/vstatus.txt" ||
	fail "status does not say audit is missing: $(cat "$T/vstatus.txt")"
RUN=$(in_ct vigilctl status --json | jq -r .run.id)
in_ct vigilctl report "$RUN" > "$T/report.txt"
grep -q '^Coverage:  not complete' "$T/report.txt" &&
	grep -q 'kernel audit was not available' "$T/report.txt" ||
	fail "the run's report does not say audit is missing: $(cat "$T/report.txt")"

# Under the unit's sandbox vigild reads each flow's first packets
# (NFLOG, vigil.nft's log rules loaded by ExecStartPre).
[ "$(in_ct vigilctl status --json | jq -r .counters.payload.active)" = 1 ] ||
	fail "payload not active under the unit: $(in_ct journalctl -u vigild --no-pager -o cat | grep -i payload)"

# A namespace made in here: vigild opens libnftables (not linked, but
# opened when a namespace first needs a table) under the unit's sandbox
# (MemoryDenyWriteExecute, the system call filter) and loads its table
# there.
in_ct ip netns add vigtest || fail "ip netns add in the container"
wait_until 20 in_ct ip netns exec vigtest nft list table inet vigild_ns ||
	fail "no vigild_ns table in a new namespace under the unit: $(in_ct journalctl -u vigild --no-pager -o cat | grep -E 'nswatch|nsnft' | tail -n 5)"
in_ct ip netns del vigtest

# Up, the same process, never restarted.
[ "$(in_ct systemctl show -p NRestarts --value vigild)" = 0 ] || fail "vigild restarted"
[ "$(in_ct systemctl show -p MainPID --value vigild)" = "$PID0" ] || fail "vigild's pid changed"

# One entry per finding, at its priority (High: 3), with its fields.
jq -e -s '[.[] | select(.VIGIL_EVENT == "new")] | group_by(.VIGIL_FINDING_ID) |
	all(length == 1)' "$T/journal.json" > /dev/null || fail "a finding entered twice"
jq -e -s '[.[] | select(.VIGIL_RULE == "root-process-insecure-permissions")][0] |
	. as $e | .PRIORITY == "3" and .VIGIL_SEVERITY == "High" and (.MESSAGE_ID | length == 32)
	and (.MESSAGE | startswith("Root process runs code that non-root users can change [High, new]: "))
	and (.MESSAGE | endswith(" (finding " + $e.VIGIL_FINDING_ID + ")"))
	and (.VIGIL_LINE | startswith("event=new "))' "$T/journal.json" > /dev/null ||
	fail "finding entry fields: $(jq -s -c '[.[] | select(.VIGIL_RULE)][0]' "$T/journal.json")"
echo "journalctl -u vigild (a finding):"
in_ct journalctl -u vigild --no-pager VIGIL_EVENT=new | tail -n 2
jq -e -s 'all(.[]; .MESSAGE | test("finding: ") | not)' "$T/journal.json" > /dev/null ||
	fail "a finding echoed on stdout/stderr"
# vigild's own messages at their priority: the warning that audit is
# not available here is a 4; nothing but findings at 3 or lower.
jq -e -s 'any(.[]; .PRIORITY == "4" and (.MESSAGE | test("^audit: ")))' \
	"$T/journal.json" > /dev/null ||
	fail "no warning at priority 4: $(jq -r -s '.[] | .PRIORITY + " " + .MESSAGE' "$T/journal.json")"
jq -e -s 'all(.[] | select(.PRIORITY | tonumber <= 3); .VIGIL_FINDING_ID != null)' \
	"$T/journal.json" > /dev/null ||
	fail "error-level lines that are no finding: $(jq -r -s '.[] | select(.PRIORITY | tonumber <= 3) | .MESSAGE' "$T/journal.json")"
# Under the unit's seccomp filter, the tracepoints are opened (or
# vigild says why not, at info or warning) and vigild lives on.
jq -r -s '.[] | select(.MESSAGE | test("^sockconn: ")) | .PRIORITY + " " +
	.MESSAGE' "$T/journal.json" > "$T/sockconn.txt"
grep -q -E '^[46] sockconn: ' "$T/sockconn.txt" ||
	fail "no word of the connect tracepoints: $(jq -r -s '.[] | .MESSAGE' "$T/journal.json" | head -n 20)"
echo "under systemd: $(cat "$T/sockconn.txt")"
# journalctl -x explains it from the catalog.
in_ct journalctl -x -u vigild --no-pager VIGIL_EVENT=new > "$T/x.txt"
grep -q 'Subject: vigil finding: Root process' "$T/x.txt" &&
	grep -q 'What to do:' "$T/x.txt" ||
	fail "journalctl -x: no catalog text: $(cat "$T/x.txt")"

# The forwarder sent the line for machines, once per finding event,
# never the sentence; vigild's other messages went too (via journald).
ID=$(jq -r -s '[.[] | select(.VIGIL_RULE == "root-process-insecure-permissions")][0].VIGIL_FINDING_ID' "$T/journal.json")
forwarded() {
	[ "$(grep -c "^event=new .* id=$ID " "$T/root/var/log/vigil/all.log" 2>/dev/null)" = 1 ]
}
wait_until 30 forwarded ||
	fail "finding $ID not in the collector's all.log once: $(cat "$T/root/var/log/vigil/all.log" 2>&1 | cut -c1-200) $(in_ct journalctl -u rsyslog --no-pager | tail -n 5)"
grep -q -E '[(](finding|run) [^()]+[)]$' "$T/root/var/log/vigil/"*.log &&
	fail "a journal sentence was forwarded: $(grep -h -E '[(](finding|run) ' "$T/root/var/log/vigil/"*.log | head -n 3)"
grep -q ' audit: ' "$T/root/var/log/vigil/vigild-messages.log" ||
	fail "vigild's own messages not forwarded: $(cat "$T/root/var/log/vigil/vigild-messages.log" 2>&1 | head -n 5)"

# A broken config: reload fails visibly, the daemon keeps running.
cp "$T/root/etc/vigil/vigil.conf" "$T/good.conf"
echo 'syslog = { format = "xml"; };' >> "$T/root/etc/vigil/vigil.conf"
in_ct systemctl reload vigild > "$T/reload.out" 2>&1 &&
	fail "reload with a broken config succeeded"
in_ct systemctl is-active -q vigild || fail "vigild died on a broken reload"
[ "$(in_ct systemctl show -p MainPID --value vigild)" = "$PID0" ] || fail "pid changed on a broken reload"
in_ct journalctl -u vigild --no-pager | grep -q 'vigil.conf:[0-9]*:' ||
	fail "the config error (file:line) is not in the journal"

# control_group under the unit's capabilities: given at reload, kept.
cp "$T/good.conf" "$T/root/etc/vigil/vigil.conf"
sed -i 's|^# control_group = "adm";|control_group = "adm";|' "$T/root/etc/vigil/vigil.conf"
grep -q '^control_group = "adm";' "$T/root/etc/vigil/vigil.conf" || fail "config edit (group)"
in_ct systemctl restart vigild || fail "restart with control_group"
wait_until 10 in_ct vigilctl status || fail "vigilctl after restart with control_group"
[ "$(in_ct stat -c %G /run/vigil/control)" = adm ] || fail "socket not given to adm"
[ "$(in_ct stat -c %a /run/vigil)" = 755 ] || fail "/run/vigil is not 755"
in_ct systemctl reload vigild || fail "reload with control_group failed"
sleep 1
in_ct vigilctl status > /dev/null || fail "vigilctl after reload with control_group: $?"
in_ct setpriv --reuid=nobody --regid=adm --groups=adm \
	vigilctl findings > /dev/null 2>"$T/adm.err" ||
	fail "a member of adm cannot read findings: $(cat "$T/adm.err")"
[ "$(in_ct systemctl show -p NRestarts --value vigild)" = 0 ] || fail "restart loop with control_group"

# Stop: no nft table left.
in_ct nft list table inet vigil > /dev/null 2>&1 || fail "nft table not loaded by the unit"
in_ct systemctl stop vigild
in_ct nft list table inet vigil > /dev/null 2>&1 && fail "nft table left after stop"

# Purge: nothing left of vigil.  The fleet's certificates are the
# admin's, not the package's: the admin takes them away.
rm -r "$T/root/etc/vigil/fleet"
in_ct sh -c 'DEBIAN_FRONTEND=noninteractive dpkg -P vigil' > "$T/purge.log" 2>&1 ||
	fail "purge: $(cat "$T/purge.log")"
for p in /var/lib/vigil /etc/vigil /run/vigil /usr/sbin/vigild; do
	[ -e "$T/root$p" ] && fail "$p left after purge"
done
in_ct pgrep -x vigild > /dev/null && fail "vigild still running after purge"

# rsyslog with imjournal and the forwarder stops promptly.
t0=$(date +%s)
in_ct systemctl stop rsyslog || fail "systemctl stop rsyslog"
[ $(($(date +%s) - t0)) -le 15 ] ||
	fail "rsyslog took $(($(date +%s) - t0)) s to stop"
in_ct systemctl poweroff > /dev/null 2>&1
i=0
while kill -0 "$NSPAWN" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.2; i=$((i + 1))
done
kill -0 "$NSPAWN" 2>/dev/null &&
	fail "the container did not power off in 60 s: $(tail -n 15 "$T/console.log")"
echo "powered off in $((i / 5)) s"
echo "ok"
