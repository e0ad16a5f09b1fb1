#!/bin/sh
# The network rules with audit on, as in production: the exec of a
# known client program is seen at once, so telnet to a port the catalog
# does not list is reported without waiting for a /proc rescan; and a
# server's listen() makes vigild read the socket table at once, so
# vsftpd on port 2121 is reported long before the 30 s refresh.
. "$(dirname "$0")/lib.sh"
need_root
need jq socat telnet vsftpd
setup_tmp
need_audit_alone
setup_netns

bg_in "$NS_C" socat TCP-LISTEN:2323,fork,reuseaddr EXEC:/bin/cat
wait_until 5 sh -c "ip netns exec $NS_C ss -ltn | grep -q ':2323 '" ||
	fail "listener did not start"
# vigild watches the server side; rescans hourly, tables every 10 min
write_conf 'audit = { mode = "unicast"; };' 'proc = { rescan = "1h"; };' \
	"network = { netns = \"/run/netns/$NS_S\"; listen_refresh = \"10m\"; };"
start_vigild

# a client program on an unlisted port, from the watched namespace
(sleep 1; echo quit) | ip netns exec "$NS_S" timeout 10 telnet "$C_ADDR" \
	2323 >/dev/null 2>&1
wait_until 5 jqf '[.[] | select(.rule == "insecure-client-protocols-login"
	and .attributes.remote == "'"$C_ADDR"':2323" and
	.attributes.matched_by == "program")] | length == 1' ||
	fail "telnet to 2323 not reported from its exec: $(ctl findings --json)"

# a known server program on an unlisted port
mkdir -p "$T/ftp" "$T/empty"
cat > "$T/vsftpd.conf" <<EOC
listen=YES
listen_ipv6=NO
listen_port=2121
anonymous_enable=YES
anon_root=$T/ftp
secure_chroot_dir=$T/empty
seccomp_sandbox=NO
background=NO
EOC
refreshes=$(counter listen refreshes)
bg_in "$NS_S" vsftpd "$T/vsftpd.conf"
wait_until 5 jqf '[.[] | select(.rule == "insecure-server-protocols" and
	.attributes.port == 2121 and .attributes.protocol == "ftp" and
	(.attributes.evidence | index("program vsftpd is a known server")
	!= null))] | length == 1' ||
	fail "vsftpd on 2121 not reported after its listen(): $(ctl findings --json)"
[ "$(counter listen refreshes)" -gt "$refreshes" ] ||
	fail "no table read after listen()"

stop_vigild
[ "$("$AH" count vigil)" -eq 0 ] || fail "audit rules left after exit"
[ "$("$AH" status)" = "$BEFORE" ] ||
	fail "audit status not restored: $("$AH" status), was $BEFORE"
echo "network-audit: ok"
