#!/bin/sh
# The four network rules against real servers and clients from Debian,
# in two namespaces joined by veth.  One vigild watches the client side
# (insecure-client-protocols-*), one the server side (insecure-server-
# protocols, unused-listening-tcp-ports).
. "$(dirname "$0")/lib.sh"
need_root
need jq socat busybox curl telnet ftp snmpwalk snmpd vsftpd
[ -x /usr/sbin/telnetd ] || skip "needs /usr/sbin/telnetd (inetutils-telnetd)"
setup_tmp
setup_netns

# --- servers, all in NS_S -------------------------------------------
mkdir -p "$T/www" "$T/ftp" "$T/empty"
# A CGI that answers after a second: each curl lives that long, so the
# process behind a flow is still there to be named even when a loaded
# machine delays vigild (a client gone before the lookup is "unknown",
# by design).
mkdir -p "$T/www/cgi-bin"
printf '#!/bin/sh\nsleep 1\nprintf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n' \
	> "$T/www/cgi-bin/slow"
chmod 0755 "$T/www/cgi-bin/slow"
bg_in "$NS_S" busybox httpd -f -p 80 -h "$T/www"
bg_in "$NS_S" socat TCP-LISTEN:23,fork,reuseaddr EXEC:/usr/sbin/telnetd
cat > "$T/vsftpd.conf" <<EOC
listen=YES
listen_ipv6=NO
anonymous_enable=YES
anon_root=$T/ftp
no_anon_password=YES
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
background=NO
EOC
bg_in "$NS_S" vsftpd "$T/vsftpd.conf"
cat > "$T/snmpd.conf" <<EOC
agentaddress udp:161
rocommunity vigil-test-secret default
EOC
bg_in "$NS_S" snmpd -f -Lo -C -c "$T/snmpd.conf" -p "$T/snmpd.pid" \
	-M /nonexistent -m ""
# ssh and https stand-ins: encrypted protocols make no finding
bg_in "$NS_S" socat TCP-LISTEN:22,fork,reuseaddr EXEC:/bin/cat
bg_in "$NS_S" socat TCP-LISTEN:443,fork,reuseaddr EXEC:/bin/cat
# an idle listener nobody connects to, and an idle one on loopback only
bg_in "$NS_S" socat TCP-LISTEN:8081,fork,reuseaddr EXEC:/bin/cat
bg_in "$NS_S" socat TCP-LISTEN:8082,bind=127.0.0.1,fork,reuseaddr \
	EXEC:/bin/cat
# on the client side: an idle loopback listener, reported there because
# that vigild has include_loopback
bg_in "$NS_C" socat TCP-LISTEN:8083,bind=127.0.0.1,fork,reuseaddr \
	EXEC:/bin/cat
listening() {
	ss=$(ip netns exec "$NS_S" ss -ltnu)
	for p in 21 22 23 80 161 443 8081 8082; do
		echo "$ss" | grep -q ":$p " || return 1
	done
}
wait_until 10 listening || fail "the servers did not start"

# --- the two vigilds ------------------------------------------------
TS=$T/srv
mkdir -p "$TS"
write_conf 'audit = { mode = "off"; };' \
	'assessment = { duration = "10s"; repeat = false; };' \
	'rules = { unused-listening-tcp-ports = { include_loopback = true; }; };' \
	"network = { netns = \"/run/netns/$NS_C\"; };"
{
	echo "state_file = \"$TS/state.json\";"
	echo "control_socket = \"$TS/control\";"
	echo 'audit = { mode = "off"; };'
	# Long enough to hold all the client traffic below (about 10 s on
	# a quiet machine, more on a loaded CI one), so a port used by it
	# is used within the run.
	echo 'assessment = { duration = "25s"; repeat = false; };'
	echo "network = { netns = \"/run/netns/$NS_S\"; };"
} > "$TS/vigil.conf"
chmod 0600 "$TS/vigil.conf"
"$VIGILD" -f -c "$TS/vigil.conf" >>"$TS/vigild.log" 2>&1 &
SRV_PID=$!
on_exit "kill $SRV_PID"
sctl() { "$VIGILCTL" -s "$TS/control" "$@"; }
wait_until 10 sctl status || fail "server-side vigild did not start"
start_vigild

# --- client traffic -------------------------------------------------
cin() { ip netns exec "$NS_C" "$@"; }
CURL="curl -s -o /dev/null --max-time 10"
cin $CURL "http://$S_ADDR/cgi-bin/slow" ||
	fail "curl http"
(sleep 1; echo quit) | cin timeout 10 telnet "$S_ADDR" 23 \
	>"$T/telnet.out" 2>&1
grep -q "Connected to" "$T/telnet.out" || fail "telnet did not connect"
(sleep 0.5; printf 'user anonymous\nquit\n') |
	cin timeout 10 ftp -n "$S_ADDR" >"$T/ftp.out" 2>&1
# a walk: thousands of requests on one socket, so it lives a while
cin timeout 30 snmpwalk -v2c -c vigil-test-secret -t 2 -r 1 \
	-M /nonexistent -m "" "$S_ADDR" 1.3.6.1.2.1 >"$T/snmp.out" 2>&1 ||
	fail "snmpwalk: $(tail -3 "$T/snmp.out")"
# IPv6: the same server, the same rule
cin $CURL -g "http://[$S_ADDR6]:80/cgi-bin/slow" ||
	fail "curl http over IPv6"
# loopback counts as client and server use: on the server side
ip netns exec "$NS_S" $CURL "http://127.0.0.1:80/cgi-bin/slow" ||
	fail "curl http on loopback"
# ssh and https: connect and send a line, no finding may follow
echo hello | cin socat -t1 - "TCP:$S_ADDR:22" >/dev/null
echo hello | cin socat -t1 - "TCP:$S_ADDR:443" >/dev/null

# A listener that appears between two reads of the socket table and is
# used at once: the connection is held until the table shows whose it
# was, so the port is not called unused.
cin "$abs_top_builddir/tests/helpers/connhelper" connect "$S_ADDR" 9 1 1 5 \
	>/dev/null 2>&1	# refused: makes the server-side vigild read now
bg_in "$NS_S" socat TCP-LISTEN:8090,reuseaddr EXEC:/bin/cat
wait_until 5 sh -c "ip netns exec $NS_S ss -ltn | grep -q ':8090 '" ||
	fail "listener 8090 did not start"
echo x | cin socat -t0.2 - "TCP:$S_ADDR:8090" >/dev/null

# --- client side: the right rule, severity, protocol, endpoint, program
client_has() {
	# rule severity protocol remote program-basename
	ctl findings --json | jq -e --arg r "$1" --arg s "$2" --arg p "$3" \
		--arg e "$4" --arg g "$5" '[.[] | select(.rule == $r and
		.severity == $s and .attributes.protocol == $p and
		(.attributes.remote_endpoints | index($e) != null) and
		(.attributes.program | split("/") | last) == $g)] | length == 1' >/dev/null
}
wait_until 10 client_has insecure-client-protocols-login Medium telnet \
	"$S_ADDR:23" inetutils-telnet ||
	fail "no telnet client finding: $(ctl findings --json)"
client_has insecure-client-protocols-general Low http "$S_ADDR:80" curl ||
	fail "no http client finding by curl: $(ctl findings --json)"
client_has insecure-client-protocols-general Low ftp "$S_ADDR:21" tnftp ||
	fail "no ftp client finding by ftp: $(ctl findings --json)"
client_has insecure-client-protocols-general Low snmp "$S_ADDR:161" \
	snmpwalk || fail "no snmp client finding: $(ctl findings --json)"
ctl findings --json | jq -e --arg e "[$S_ADDR6]:80" '[.[] |
	select(.rule == "insecure-client-protocols-general" and
	(.attributes.remote_endpoints | index($e) != null))] | length == 1' \
	>/dev/null || fail "no http finding for the IPv6 flow: $(ctl findings --json)"
jqf '[.[] | .attributes.remote_port | select(. == 22 or . == 443)] |
	length == 0' >/dev/null || fail "a finding for ssh or https traffic"
jqf '[.[] | select(.attributes.protocol == "telnet")][0] |
	.attributes.connections >= 1 and
	(.attributes.remote_endpoints | index("'"$S_ADDR"':23") != null)' \
	>/dev/null || fail "telnet finding lacks connections/endpoints"

# --- server side ----------------------------------------------------
server_has() {
	# protocol port transport
	sctl findings --json | jq -e --arg p "$1" --argjson n "$2" \
		--arg t "$3" '[.[] | select(.rule == "insecure-server-protocols"
		and .severity == "Informational" and
		.attributes.protocol == $p and .attributes.port == $n and
		.attributes.transport == $t)] | length == 1' >/dev/null
}
server_has telnet 23 tcp || fail "no telnet server finding"
server_has ftp 21 tcp || fail "no ftp server finding"
server_has http 80 tcp || fail "no http server finding"
server_has snmp 161 udp || fail "no snmp server finding"
sctl findings --json | jq -e '[.[] | select(.attributes.protocol ==
	"ftp" and .rule == "insecure-server-protocols")][0].attributes |
	(.program | endswith("vsftpd")) and
	(.evidence | index("program vsftpd is a known server") != null)' \
	>/dev/null || fail "ftp server finding does not name vsftpd"
sctl findings --json | jq -e '[.[] | select(.attributes.protocol ==
	"snmp")][0].attributes.evidence | (map(select(test("rocommunity")))
	| length == 1) and (index("snmpd enables v1/v2c communities") !=
	null)' >/dev/null ||
	fail "snmp finding lacks the community evidence: $(sctl findings --json)"
sctl findings --json | grep -q vigil-test-secret &&
	fail "the snmp community (a password) leaked into a finding"
sctl findings --json | jq -e '[.[] | select(.rule ==
	"insecure-server-protocols" and (.attributes.port == 22 or
	.attributes.port == 443))] | length == 0' >/dev/null ||
	fail "a server finding for ssh or https"

# the loopback flow on the server side is client use there
sctl findings --json | jq -e '[.[] | select(.rule ==
	"insecure-client-protocols-general" and .attributes.remote ==
	"127.0.0.1:80" and (.attributes.program | endswith("curl")))] |
	length == 1' >/dev/null ||
	fail "loopback http not reported as client use: $(sctl findings --json)"

# unused-listening-tcp-ports: decided when the 25 s run ends
run_done() {
	sctl runs --json | jq -e '.[-1].state == "completed"'
}
wait_until 45 run_done || fail "the server-side run did not complete"
unused() {
	sctl findings --json | jq -e --argjson n "$1" '[.[] | select(.rule ==
		"unused-listening-tcp-ports" and .attributes.port == $n)] |
		length'
}
[ "$(unused 8081)" = 1 ] || fail "idle port 8081 not reported unused"
for p in 21 22 23 80 443 8090; do
	[ "$(unused "$p")" = 0 ] || fail "port $p was used but is reported"
done
sctl findings --json | jq -e '[.[] | select(.rule ==
	"unused-listening-tcp-ports" and .attributes.port == 8081)][0] |
	.attributes.bind_addresses == ["0.0.0.0"] and
	(.attributes.program | endswith("socat"))' >/dev/null ||
	fail "unused finding lacks bind address or program"
# the UDP listener is never an unused TCP port
[ "$(unused 161)" = 0 ] || fail "udp 161 reported as unused tcp"
# loopback-only: left out by default...
[ "$(unused 8082)" = 0 ] || fail "loopback-only 8082 reported by default"
# ...and reported with include_loopback (the client side's setting)
cdone() { ctl runs --json | jq -e '.[-1].state == "completed"'; }
wait_until 30 cdone || fail "the client-side run did not complete"
ctl findings --json | jq -e '[.[] | select(.rule ==
	"unused-listening-tcp-ports" and .attributes.port == 8083 and
	.attributes.bind_addresses == ["127.0.0.1"])] | length == 1' >/dev/null ||
	fail "include_loopback: 8083 not reported: $(ctl findings --json)"

stop_vigild
echo "network: ok"
