#!/bin/sh
# Servers judged by their own files, with real Debian daemons in two
# namespaces the test makes, and no client at all:
#   A: dovecot with "ssl = required", slapd with "security tls=1":
#      nothing crosses in clear, so no finding;
#   B: dovecot with "ssl = yes" and plaintext logins allowed, slapd
#      with a certificate only (StartTLS optional): findings whose
#      evidence names the file, the line and what it means; inetd
#      running telnetd on 2323 (a telnet service found by inetd.conf
#      alone) and cat on 2424 (no clear-text server: no finding).
# One vigild watches every namespace; only the test's own are judged.
. "$(dirname "$0")/lib.sh"
need_root
need jq openssl dovecot slapd inetutils-inetd
[ -x /usr/sbin/telnetd ] || skip "needs /usr/sbin/telnetd"
setup_tmp
NA=vigca$$
NB=vigcb$$
for ns in "$NA" "$NB"; do
	ip netns add "$ns" || fail "ip netns add"
	on_exit "ip netns del $ns"
	ip -n "$ns" link set lo up
done
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=vigil-test \
	-keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1 ||
	fail "openssl: no test certificate"

dovecot_in "$NA" dova "listen = 127.0.0.1" "ssl = required"
dovecot_in "$NB" dovb "listen = 127.0.0.1" "ssl = yes" \
	"disable_plaintext_auth = no"
slapd_in "$NA" slapa ldap://127.0.0.1/ "security tls=1"
slapd_in "$NB" slapb ldap://127.0.0.1/
cat > "$T/inetd.conf" <<EOC
2323 stream tcp nowait root /usr/sbin/telnetd telnetd
2424 stream tcp nowait root /bin/cat cat
EOC
bg_in "$NB" inetutils-inetd -d -p "$T/inetd.pid" "$T/inetd.conf"
up() {
	for p in 143 110 389; do
		for ns in "$NA" "$NB"; do
			ip netns exec "$ns" ss -Hltn "sport = :$p" | grep -q . ||
				return 1
		done
	done
	ip netns exec "$NB" ss -Hltn "sport = :2424" | grep -q .
}
wait_until 20 up || fail "the servers did not start: $(tail -5 "$T/servers.log")"

write_conf 'audit = { mode = "off"; };'
start_vigild

# the server findings of namespace $1, as "key program|evidence..."
server_findings() {
	ctl findings --json | jq -r --arg n "$1" '.[] | select(.rule ==
		"insecure-server-protocols" and .attributes.netns_name == $n)
		| "\(.attributes.protocol)|\(.attributes.port) \(.attributes.evidence | join(" / "))"' |
		LC_ALL=C sort
}
four_in_b() { [ "$(server_findings "$NB" | wc -l)" -ge 4 ]; }
wait_until 20 four_in_b ||
	fail "namespace B's servers not reported: $(server_findings "$NB")"
server_findings "$NB" > "$T/b"
want() {	# want LINE-PATTERN: a line of B's findings matches
	grep -q -- "$1" "$T/b" || fail "no finding like '$1' in: $(cat "$T/b")"
}
want '^imap|143 .*config: dovecot.conf:[0-9]*: ssl = yes, disable_plaintext_auth = no: STARTTLS offered, logins in clear allowed'
want '^pop3|110 .*config: dovecot.conf:[0-9]*: ssl = yes'
want '^ldap|389 .*config: slapd.conf:5: a TLS certificate and no security tls=: StartTLS offered, not required'
want '^telnet|2323 config: inetd.conf:1: port 2323/tcp runs telnetd$'
[ "$(wc -l < "$T/b")" -eq 4 ] ||
	fail "namespace B: four findings expected: $(cat "$T/b")"
# A says no clear text in its files: nothing of it, and why is counted
[ -z "$(server_findings "$NA")" ] ||
	fail "namespace A requires TLS, yet: $(server_findings "$NA")"
[ "$(counter server-protocols secure_by_config)" -ge 3 ] ||
	fail "secure_by_config: $(ctl status --json | jq -c '.counters."server-protocols"')"
[ "$(counter listen server_conf_unread)" = 0 ] ||
	fail "a server's files were not read: $(counter listen server_conf_unread)"
echo "B: $(tr '\n' ';' < "$T/b")"
stop_vigild
