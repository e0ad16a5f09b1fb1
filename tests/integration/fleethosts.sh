# Fleet hosts for forward.sh and fleet.sh (sourced after lib.sh, with T
# set): each host a network, mount and UTS namespace with its own
# hostname (vigil-test-hI), machine-id, /dev/log, rsyslog forwarding
# with a shipped example, vigild, and servers its clients reach; a
# collector namespace the hosts reach over veths; the fleet's
# certificates from the shipped vigil-fleet-certs.

EX=$abs_top_srcdir/examples/rsyslog
NFT_FILE=$abs_top_srcdir/rules/nft/vigil.nft

# fleet_col: the collector's namespace, $COL.
fleet_col() {
	COL=vigcol$$
	ip netns add "$COL" || fail "ip netns add"
	on_exit "ip netns del $COL"
	ip -n "$COL" link set lo up
}

# fleet_certs: the CA, collector.fleet.test and vigil-test-h1..3, in
# $T/tls, by the shipped script.
fleet_certs() {
	sh "$abs_top_srcdir/examples/tls/vigil-fleet-certs" "$T/tls" \
		collector.fleet.test vigil-test-h1.fleet.test \
		vigil-test-h2.fleet.test vigil-test-h3.fleet.test > /dev/null ||
		fail "vigil-fleet-certs"
}

# fleet_tls_paths FILE CERTNAME: a shipped file's TLS paths and names
# made the test's.
fleet_tls_paths() {
	sed -i -e "s|/etc/vigil/fleet/ca.pem|$T/tls/ca.pem|g" \
	    -e "s|/etc/vigil/fleet/host.pem|$T/tls/$2.pem|g" \
	    -e "s|/etc/vigil/fleet/host.key|$T/tls/$2.key|g" \
	    -e "s|/etc/vigil/fleet/collector.pem|$T/tls/collector.fleet.test.pem|g" \
	    -e "s|/etc/vigil/fleet/collector.key|$T/tls/collector.fleet.test.key|g" \
	    -e "s|\\*\\.fleet\\.example\\.org|*.fleet.test|g" \
	    -e "s|collector.example.org|collector.fleet.test|g" "$1"
}

# fleet_host I FORMAT EXAMPLE: host hI, vigild writing FORMAT, rsyslog
# forwarding with the shipped EXAMPLE to the collector at 10.232.I.1.
fleet_host() {
	i=$1
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
	sed "s|target=\"collector.example.org\"|target=\"10.232.$i.1\"|" \
		"$EX/$3" > "$d/forward.conf"
	fleet_tls_paths "$d/forward.conf" "vigil-test-$h.fleet.test"
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
syslog = { format = "$2"; };
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
}

# fleet_hosts_ready: every host's vigild answers.
fleet_hosts_ready() {
	for i in 1 2 3; do
		wait_until 15 "$VIGILCTL" -s "$T/h$i/control" status ||
			fail "vigild on h$i did not start: $(cat "$T/h$i/vigild.log" "$T/h$i/rsyslogd.log")"
	done
}

hctl() { "$VIGILCTL" -s "$T/h$1/control" "$2" --json; }
# fleet_new_since TIME WHEN: each host made two findings or more since
# TIME (seconds), or the test fails saying WHEN.
fleet_new_since() {
	for i in 1 2 3; do
		hctl $i findings | jq -e --argjson t "$1" \
			'[.[] | select((.first_seen | fromdateiso8601) >= $t)] | length >= 2' \
			> /dev/null || fail "no new finding on h$i $2"
	done
}
# client ARGS...: one client run on each host (a new flow each)
client() {
	for i in 1 2 3; do
		ip netns exec "vigh$i$$" "$@" > /dev/null 2>&1
	done
}
