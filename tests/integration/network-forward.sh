#!/bin/sh
# Flows a namespace only forwards are neither client nor server use:
# vigild watching a router between two namespaces reports nothing for
# telnet and http passing through it, and counts them as forwarded;
# the router's own http client use is still reported.
. "$(dirname "$0")/lib.sh"
need_root
need jq socat curl ip nft
setup_tmp
n=$(( $$ % 200 + 20 ))
NS_C=vigfc$$
NS_R=vigfr$$
NS_S=vigfs$$
for ns in "$NS_C" "$NS_R" "$NS_S"; do
	ip netns add "$ns" || fail "ip netns add"
	on_exit "ip netns del $ns"
	ip -n "$ns" link set lo up
done
ip link add "fc$$" type veth peer name "fr$$" || fail "veth"
ip link add "fs$$" type veth peer name "ft$$" || fail "veth"
ip link set "fc$$" netns "$NS_C"
ip link set "fr$$" netns "$NS_R"
ip link set "ft$$" netns "$NS_R"
ip link set "fs$$" netns "$NS_S"
ip -n "$NS_C" addr add "10.232.$n.1/24" dev "fc$$"
ip -n "$NS_R" addr add "10.232.$n.2/24" dev "fr$$"
ip -n "$NS_R" addr add "10.233.$n.1/24" dev "ft$$"
ip -n "$NS_S" addr add "10.233.$n.2/24" dev "fs$$"
ip -n "$NS_C" link set "fc$$" up
ip -n "$NS_R" link set "fr$$" up
ip -n "$NS_R" link set "ft$$" up
ip -n "$NS_S" link set "fs$$" up
ip -n "$NS_C" route add default via "10.232.$n.2"
ip -n "$NS_S" route add default via "10.233.$n.1"
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS_R" nft -f "$abs_top_srcdir/rules/nft/vigil.nft" ||
	fail "nft"
# vigil.nft has no forward chain: forwarded flows are tracked anyway
# once conntrack is in use in the namespace, which is what we rely on.
S=10.233.$n.2
bg_in "$NS_S" socat TCP-LISTEN:80,fork,reuseaddr EXEC:/bin/cat
bg_in "$NS_S" socat TCP-LISTEN:23,fork,reuseaddr EXEC:/bin/cat
wait_until 5 sh -c "ip netns exec $NS_S ss -ltn | grep -q ':23 '" ||
	fail "servers did not start"

write_conf 'audit = { mode = "off"; };' \
	"network = { netns = \"/run/netns/$NS_R\"; };"
start_vigild
echo x | ip netns exec "$NS_C" socat -t1 - "TCP:$S:80" >/dev/null ||
	fail "no route through the router"
echo x | ip netns exec "$NS_C" socat -t1 - "TCP:$S:23" >/dev/null
wait_until 5 sh -c "[ \"\$($VIGILCTL -s $T/run/control status --json |
	jq -r .counters.conntrack.forwarded)\" -ge 2 ]" ||
	fail "forwarded flows not counted"
# Only findings about the test's own flows count: vigild also scans
# the host's processes, which may have findings of their own.
jqf '[.[] | select(tojson | contains("10.232.'"$n"'.") or
	contains("10.233.'"$n"'."))] | length == 0' >/dev/null ||
	fail "findings for forwarded flows: $(ctl findings --json)"
# the router itself as a client is still seen
echo x | ip netns exec "$NS_R" socat -t1 - "TCP:$S:80" >/dev/null
wait_until 5 jqf '[.[] | select(.rule ==
	"insecure-client-protocols-general" and
	.attributes.remote == "'"$S"':80")] | length == 1' ||
	fail "the router's own http use not reported"
stop_vigild
echo "network-forward: ok"
