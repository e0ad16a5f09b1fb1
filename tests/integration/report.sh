#!/bin/sh
# Assessment reports and accepted risks, against a real vigild:
# - one run with findings of all seven rules: real servers (busybox
#   httpd, telnetd) and clients (curl, telnet) in a namespace, an idle
#   listener, programs built here without stack cookies and with an
#   executable stack, and a root process run from a world-writable
#   directory under a name meant to break HTML;
# - its report as text, JSON and HTML; the HTML rendered by headless
#   Chromium (DOM, PDF text, screenshot kept in tests/artifacts);
# - the report of that run is the same after a restart and later runs;
# - an exception in the config and "vigilctl findings accept --until"
#   keep findings quiet (one "accepted" line, then nothing) and shown
#   apart in reports; the acceptance ends on time and the finding is
#   announced again.
. "$(dirname "$0")/lib.sh"
need_root
need jq curl telnet busybox socat gcc chromium pdftotext
[ -x /usr/sbin/telnetd ] || skip "needs /usr/sbin/telnetd (inetutils-telnetd)"
setup_tmp
setup_netns
ART=$abs_top_builddir/tests/artifacts
mkdir -p "$ART"
D=$abs_top_srcdir/tests/data
sin() { ip netns exec "$NS_S" "$@"; }

# --- host rules: programs built here, a root process in /tmp/ww -----
B=$T/bin
mkdir -p "$B"
chmod 0755 "$B"
cc() { gcc -O1 -o "$@" 2>"$T/cc.log" || fail "gcc $*: $(cat "$T/cc.log")"; }
cc "$B/noprot" -fno-stack-protector "$D/fixture.c"
cc "$B/execstack" -fstack-protector-strong -z execstack "$D/fixture.c"
mkfifo "$T/in"
exec 3<>"$T/in"
"$B/noprot" <&3 >/dev/null 2>&1 &
on_exit "kill $!"
"$B/execstack" <&3 >/dev/null 2>&1 &
on_exit "kill $!"
HOSTILE='<img src=x onerror=alert(1)><script>alert(2)'
spawn_insecure_root "$HOSTILE"

# --- network: servers, an idle listener, clients over loopback ------
mkdir -p "$T/www/cgi-bin"
printf '#!/bin/sh\nsleep 1\nprintf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n' \
	> "$T/www/cgi-bin/slow"
chmod 0755 "$T/www/cgi-bin/slow"
bg_in "$NS_S" busybox httpd -f -p 80 -h "$T/www"
bg_in "$NS_S" socat TCP-LISTEN:23,fork,reuseaddr EXEC:/usr/sbin/telnetd
bg_in "$NS_S" socat TCP-LISTEN:8081,fork,reuseaddr EXEC:/bin/cat
listening() {
	ss=$(sin ss -ltn)
	for p in 23 80 8081; do
		echo "$ss" | grep -q ":$p " || return 1
	done
}
wait_until 10 listening || fail "the servers did not start"

write_conf 'audit = { mode = "off"; };' \
	'assessment = { duration = "20s"; repeat = true; };' \
	'tags = { owner = "team-a"; env = "prod"; };' \
	"network = { netns = \"/run/netns/$NS_S\"; };"
start_vigild
R1=$(ctl status --json | jq -r .run.id)
sin curl -s -o /dev/null --max-time 10 "http://127.0.0.1/cgi-bin/slow" ||
	fail "curl http"
(sleep 1; echo quit) | sin timeout 10 telnet 127.0.0.1 23 >"$T/telnet.out" 2>&1
grep -q "Connected to" "$T/telnet.out" || fail "telnet did not connect"

r1_done() {
	ctl runs --json | jq -e --arg r "$R1" \
		'.[] | select(.id == $r and .state == "completed")'
}
wait_until 45 r1_done || fail "run $R1 did not complete: $(ctl runs --json)"

# --- the report of that run: all seven rules ------------------------
ctl report --format json > "$T/r1.json" || fail "report --format json"
jq -e --arg r "$R1" '.run.id == $r' "$T/r1.json" >/dev/null ||
	fail "the default report is not of the last completed run"
jq -e '[.rules[] | select(.findings >= 1)] | length == 7' "$T/r1.json" \
	>/dev/null || fail "not all seven rules have a finding in run $R1: $(jq -c '[.rules[] | {id, findings}]' "$T/r1.json")"
jq -e '.observed.known and .observed.flows >= 2 and
	.observed.listeners >= 3 and .observed.binaries_judged >= 2 and
	.observed.root_checks >= 1 and .observed.processes > 0 and
	(.rules | all(.enabled))' "$T/r1.json" >/dev/null ||
	fail "what the run looked at: $(jq -c .observed "$T/r1.json")"
# each finding: its sightings in the run, first and last seen there
jq -e '.findings | all(.in_run.count >= 1 and .in_run.first_seen and
	.in_run.last_seen and .recommendation)' "$T/r1.json" >/dev/null ||
	fail "findings without their sightings in the run"
jq -e --arg h "$T/ww/$HOSTILE" '[.findings[] |
	select(.rule == "root-process-insecure-permissions" and
	.attributes.exe == $h)] | length == 1' "$T/r1.json" >/dev/null ||
	fail "no root-permissions finding for the hostile name"
ctl report > "$T/r1.txt" || fail "report (text)"
cp "$T/r1.txt" "$ART/run-report.txt"

# --- tags: the config's on every finding, one's own with vigilctl ---
grep -q '^Tags:      owner=team-a, env=prod$' "$T/r1.txt" ||
	fail "the report does not give the host's tags"
grep -q 'finding: event=new .* tag.owner=team-a tag.env=prod ' \
	"$T/vigild.log" || fail "finding lines without the host's tags"
# execstack's: accepted below, its "accepted" line then carries it
TAGGED=$(jq -r --arg p "$B/execstack" '.findings[] | select(.rule ==
	"software-without-dep" and .attributes.path == $p) | .id' "$T/r1.json")
ctl findings tag "$TAGGED" cost-center=4711 > "$T/tag.out" ||
	fail "findings tag: $(cat "$T/tag.out")"
grep -q "tags: owner=team-a (host), env=prod (host), cost-center=4711" \
	"$T/tag.out" || fail "findings tag said: $(cat "$T/tag.out")"
ctl findings tag "$TAGGED" 'owner=a\b' > "$T/tag.out" 2>&1 &&
	fail "a tag with a backslash was taken"
grep -q "no control character or backslash" "$T/tag.out" ||
	fail "bad tag: $(cat "$T/tag.out")"
ctl findings tag "$TAGGED" env > "$T/tag.out" 2>&1 &&
	fail "'tag ID KEY' (no value) was taken"
ctl findings --csv | grep -q "owner=team-a;env=prod;cost-center=4711" ||
	fail "CSV without the tags: $(ctl findings --csv | head -3)"
for rule in $(jq -r '.rules[].id' "$T/r1.json"); do
	grep -q "($rule): " "$T/r1.txt" || fail "text report lacks $rule"
done
grep -q "^Run:       $R1, completed" "$T/r1.txt" || fail "text report header"

# --- the HTML, rendered by Chromium ---------------------------------
ctl report "$R1" --format html --full -o "$T/report.html" ||
	fail "report --format html"
grep -q '<script' "$T/report.html" && fail "a <script> in the HTML"
CHROME="chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars
	--no-first-run --user-data-dir=$T/chrome"
# shellcheck disable=SC2086
timeout 90 $CHROME --dump-dom "file://$T/report.html" > "$T/dom.html" \
	2>"$T/chrome.log" || fail "chromium --dump-dom: $(tail -3 "$T/chrome.log")"
# shellcheck disable=SC2086
timeout 90 $CHROME --window-size=1200,2400 \
	--screenshot="$ART/run-report.png" "file://$T/report.html" \
	>>"$T/chrome.log" 2>&1 || fail "chromium --screenshot"
# shellcheck disable=SC2086
timeout 90 $CHROME --no-pdf-header-footer --print-to-pdf="$T/report.pdf" \
	"file://$T/report.html" >>"$T/chrome.log" 2>&1 ||
	fail "chromium --print-to-pdf"
cp "$T/report.html" "$ART/run-report.html"
[ "$(stat -c %s "$ART/run-report.png")" -gt 20000 ] ||
	fail "the screenshot is empty"
# the rendered page: one row per finding, the severity counts (once,
# in the chart), what to fix first, and the hostile name as text (no
# element made of it)
rows=$(grep -o '<tr class="finding" id="f-[0-9a-f]*">' "$T/dom.html" | wc -l)
[ "$rows" -eq "$(jq '.findings | length' "$T/r1.json")" ] ||
	fail "rendered page has $rows finding rows, the run $(jq '.findings | length' "$T/r1.json")"
drawn=$(grep -o '<text class="count"[^>]*>[0-9]*<' "$T/dom.html" |
	sed 's/.*>\([0-9]*\)<$/\1/' | tr '\n' ' ')
want=$(jq -r '.run.counts | "\(.High) \(.Medium) \(.Low) \(.Informational) "' \
	"$T/r1.json")
[ "$drawn" = "$want" ] ||
	fail "rendered page: counts drawn '$drawn', the run's '$want'"
grep -q '<h2>Fix these first</h2>' "$T/dom.html" ||
	fail "rendered page: no list of what to fix first"
grep -q '<img' "$T/dom.html" && fail "the hostile name became an <img> element"
grep -q '<script' "$T/dom.html" && fail "the hostile name became a <script> element"
grep -qF '&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)' \
	"$T/dom.html" || fail "the hostile name is not shown as text"
pdftotext "$T/report.pdf" "$T/report.pdf.txt" || fail "pdftotext"
# a long name wraps across lines in its table cell: compare without
# white space
tr -d ' \n' < "$T/report.pdf.txt" > "$T/report.pdf.flat"
grep -qF "$(printf '%s' "$T/ww/$HOSTILE" | tr -d ' ')" "$T/report.pdf.flat" ||
	fail "the printed report does not show the hostile name: $(grep -n 'alert' "$T/report.pdf.txt" | head -5)"
for rule in $(jq -r '.rules[].id' "$T/r1.json"); do
	grep -q "$rule" "$T/report.pdf.flat" ||
		fail "the printed report lacks $rule"
done
grep -q "Rules and what they looked at" "$T/report.pdf.txt" ||
	fail "--full: no rules table in the printed report"

# --- accepting: a configured exception and one with vigilctl --------
UNUSED=$(jq -r '.findings[] | select(.rule ==
	"unused-listening-tcp-ports" and .attributes.port == 8081) | .id' \
	"$T/r1.json")
DEP=$(jq -r --arg p "$B/execstack" '.findings[] | select(.rule ==
	"software-without-dep" and .attributes.path == $p) | .id' "$T/r1.json")
[ -n "$UNUSED" ] && [ -n "$DEP" ] || fail "findings to accept not found"
write_conf 'audit = { mode = "off"; };' \
	'assessment = { duration = "20s"; repeat = true; };' \
	'tags = { owner = "team-a"; env = "prod"; };' \
	"network = { netns = \"/run/netns/$NS_S\"; };" \
	'exceptions = ( { rule = "software-without-dep";' \
	'  match = { path = "*/bin/execstack"; };' \
	'  reason = "built here on purpose"; } );'
: > "$T/vigild.log"
kill -HUP "$VIGILD_PID"
wait_until 10 grep -q "event=accepted .* id=$DEP .*accepted_by=$T/vigil.conf:7" \
	"$T/vigild.log" || fail "no accepted line for the configured exception"
# the finding's own tag, given with vigilctl above, in its next line
grep -q "event=accepted .* tag.cost-center=4711 .* id=$DEP " "$T/vigild.log" ||
	fail "the accepted line lacks the finding's own tag"
# the unused port is judged again at the end of every run: it stays open
UNTIL=$(date -u -d "@$(( $(date +%s) + 45 ))" +%Y-%m-%dT%H:%M:%SZ)
ctl findings accept "$(echo "$UNUSED" | cut -c1-8)" \
	--reason "vendor fix due; <b>not html</b>" --until "$UNTIL" > "$T/acc.out" ||
	fail "findings accept: $(cat "$T/acc.out")"
grep -q "accepted by vigilctl (uid 0) until $UNTIL" "$T/acc.out" ||
	fail "findings accept said: $(cat "$T/acc.out")"
grep -q "event=accepted .* id=$UNUSED .*accepted_until=$UNTIL" "$T/vigild.log" ||
	fail "no accepted line for the vigilctl acceptance"
ctl findings accept "$UNUSED" --reason x --until 2020-01-01 > "$T/acc.out" 2>&1 &&
	fail "an acceptance that ended in 2020 was taken"
grep -q "has already passed" "$T/acc.out" || fail "past until: $(cat "$T/acc.out")"

# a restart keeps acceptances and run records, and tells nothing again
stop_vigild
start_vigild
ctl findings --json | jq -e --arg d "$DEP" --arg u "$UNUSED" '
	(.[] | select(.id == $u) | .acceptance.source == "vigilctl") and
	(.[] | select(.id == $d) | .acceptance.source == "config")' >/dev/null ||
	fail "acceptances lost in a restart: $(ctl findings --json | jq -c '[.[] | {id, acceptance}]')"
ctl findings --json | jq -e --arg t "$TAGGED" '.[] | select(.id == $t)
	| .tags == {"cost-center": "4711"} and .host.tags.owner == "team-a"' \
	>/dev/null || fail "tags lost in a restart: $(ctl findings --json | jq -c '[.[] | {id, tags}]')"
ctl findings untag "$TAGGED" cost-center > /dev/null || fail "findings untag"
ctl findings untag "$TAGGED" cost-center > /dev/null 2>&1 &&
	fail "untag of a tag not there succeeded"
ctl findings --json | jq -e --arg t "$TAGGED" '.[] | select(.id == $t)
	| .tags == null' >/dev/null || fail "untag left the tag"
ctl report "$R1" --format json > "$T/r1-again.json" || fail "report $R1"
same() {	# the run's own record, whatever happened since
	jq -S '{run, observed, rules: [.rules[] | {id, enabled, findings}],
		findings: [.findings[] | {id, rule, in_run}] | sort_by(.id)}' "$1"
}
same "$T/r1.json" > "$T/r1.same"
same "$T/r1-again.json" > "$T/r1-again.same"
cmp -s "$T/r1.same" "$T/r1-again.same" ||
	fail "the report of $R1 changed after a restart: $(diff "$T/r1.same" "$T/r1-again.same" | head)"

# a run while both are accepted: counted, shown apart, not announced
ctl run start --restart --duration 10s >/dev/null || fail "run start"
R2=$(ctl status --json | jq -r .run.id)
r2_done() {
	ctl runs --json | jq -e --arg r "$R2" \
		'.[] | select(.id == $r and .state == "completed")'
}
wait_until 30 r2_done || fail "run $R2 did not complete"
ctl report "$R2" --format json > "$T/r2.json"
jq -e --arg u "$UNUSED" '.findings[] | select(.id == $u) |
	.in_run.accepted and .acceptance.reason == "vendor fix due; <b>not html</b>"' \
	"$T/r2.json" >/dev/null || fail "run $R2: the unused port is not shown accepted: $(jq -c .findings "$T/r2.json")"
ctl report "$R2" --format html -o "$T/r2.html"
grep -qF 'vendor fix due; &lt;b&gt;not html&lt;/b&gt;' "$T/r2.html" ||
	fail "HTML: the reason is not escaped"
jq -e '.run.accepted >= 1' "$T/r2.json" >/dev/null || fail "run $R2: accepted not counted"
ctl report "$R2" > "$T/r2.txt"
grep -q "^Accepted findings (known risks, not announced): " "$T/r2.txt" ||
	fail "text report: accepted findings not apart"
grep -E "event=(new|updated|remind|reopened|resolved|unaccepted) .* id=($UNUSED|$DEP) " \
	"$T/vigild.log" && fail "an accepted finding was announced"

# until passes: announced again, on time, once
now=$(date +%s)
until_s=$(date -u -d "$UNTIL" +%s)
[ "$now" -lt "$until_s" ] || fail "the test was too slow: $UNTIL already passed"
grep -q "event=unaccepted .* id=$UNUSED " "$T/vigild.log" &&
	fail "announced again before $UNTIL"
wait_until $(( until_s - now + 10 )) grep -q "event=unaccepted .* id=$UNUSED " \
	"$T/vigild.log" || fail "not announced again after $UNTIL: $(ctl findings --json | jq -c --arg u "$UNUSED" '.[] | select(.id == $u)')"
back=$(date +%s)
[ "$back" -ge "$until_s" ] && [ "$back" -le $(( until_s + 5 )) ] ||
	fail "announced again at $back, until was $until_s"
[ "$(grep -c "event=unaccepted .* id=$UNUSED " "$T/vigild.log")" -eq 1 ] ||
	fail "announced again more than once"
ctl findings --json | jq -e --arg u "$UNUSED" '.[] | select(.id == $u) |
	.acceptance == null and .status == "open"' >/dev/null ||
	fail "acceptance still shown"
# the configured one stays quiet
grep -q "event=unaccepted .* id=$DEP " "$T/vigild.log" &&
	fail "the configured exception ended by itself"
stop_vigild
echo "report: ok (run $R1: $(jq '.findings | length' "$T/r1.json") findings of 7 rules, $rows rows rendered by $(chromium --version 2>/dev/null); accepted until $UNTIL, announced again $((back - until_s)) s after; screenshot $ART/run-report.png)"
