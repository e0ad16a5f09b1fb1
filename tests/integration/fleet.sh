#!/bin/sh
# The fleet's store, for real: three hosts (namespaces, each with its
# own vigild and rsyslog forwarding over RELP with TLS, the shipped
# example) -> vigil-collect -> a real PostgreSQL with the shipped schema.
#   - senders with no certificate, a certificate of another CA, or no
#     TLS at all are refused; a fleet host writing in another host's
#     name (host= or machine-id) is kept apart, untrusted, never in
#     findings;
#   - the collector, and then PostgreSQL, are stopped for 60 s each
#     while the hosts make findings, and the collector is killed while
#     the store is down: every finding of every host ends in the store,
#     its "new" event exactly once;
#   - vigilctl report --from postgresql:// agrees with the hosts.
. "$(dirname "$0")/lib.sh"
need_root
need ip nft jq python3 curl wget busybox unshare rsyslogd openssl psql
ls /usr/lib/*/rsyslog/imrelp.so >/dev/null 2>&1 || skip "needs rsyslog-relp"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || skip "needs postgresql"
id postgres > /dev/null 2>&1 || skip "needs the postgres user"
setup_tmp
. "$(dirname "$0")/fleethosts.sh"
COLLECT=$abs_top_builddir/src/vigil-collect
RELPSEND="python3 $abs_top_srcdir/tests/helpers/relpsend.py"
fleet_col
fleet_certs

# --- PostgreSQL, its own cluster, a Unix socket only ----------------
mkdir -p "$T/pg/run"
chown -R postgres "$T/pg"
as_pg() { su postgres -s /bin/sh -c "$*"; }
as_pg "'$PGBIN/initdb' -D '$T/pg/data' -A trust -U postgres -E UTF8" \
	> "$T/pg/initdb.log" 2>&1 || fail "initdb: $(tail -5 "$T/pg/initdb.log")"
pg_start() {
	as_pg "'$PGBIN/pg_ctl' -D '$T/pg/data' -l '$T/pg/log' -w -t 60 \
		-o \"-c listen_addresses= -c unix_socket_directories=$T/pg/run\" \
		start" > /dev/null || fail "postgres did not start: $(tail -5 "$T/pg/log")"
}
pg_stop() {
	as_pg "'$PGBIN/pg_ctl' -D '$T/pg/data' -m fast -w stop" > /dev/null
}
pg_start
on_exit pg_stop
export PGOPTIONS="-c client_min_messages=warning"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1 -h $T/pg/run -U postgres"
$PSQL -d postgres -c "CREATE DATABASE vigil" || fail "createdb"
$PSQL -d vigil -f "$abs_top_srcdir/examples/postgresql/vigil-fleet.sql" ||
	fail "the shipped schema does not apply"
# and a second time: it keeps what is there
$PSQL -d vigil -f "$abs_top_srcdir/examples/postgresql/vigil-fleet.sql" ||
	fail "the shipped schema does not apply again"
q() { $PSQL -d vigil -c "$1"; }

# --- the collector ---------------------------------------------------
cat > "$T/collect.conf" <<EOC
listen = "0.0.0.0:2514";
ca = "$T/tls/ca.pem";
certificate = "$T/tls/collector.fleet.test.pem";
key = "$T/tls/collector.fleet.test.key";
permitted_peers = [ "*.fleet.test" ];
database = "host=$T/pg/run user=postgres dbname=vigil";
EOC
"$COLLECT" -t -c "$T/collect.conf" > /dev/null ||
	fail "vigil-collect -t: $("$COLLECT" -t -c "$T/collect.conf" 2>&1)"
start_collect() {
	ip netns exec "$COL" "$COLLECT" -c "$T/collect.conf" \
		>> "$T/collect.log" 2>&1 &
	COLLECT_PID=$!
	wait_until 10 sh -c "ip netns exec $COL ss -Htln | grep -q ':2514 '" ||
		fail "vigil-collect did not listen: $(cat "$T/collect.log")"
}
start_collect
on_exit 'kill $COLLECT_PID'

# --- three hosts, RELP with TLS --------------------------------------
fleet_host 1 kv vigil-forward-relp.conf
fleet_host 2 json vigil-forward-relp.conf
fleet_host 3 ocsf vigil-forward-relp.conf
fleet_hosts_ready
mid() { printf '%032x' "$((0xabc000 + $1))"; }
# in_store I: the host's trusted findings in the store
in_store() {
	q "SELECT count(*) FROM vigil.findings WHERE machine_id = '$(mid $1)'"
}

client curl -s -m 3 http://127.0.0.1/
client curl -s -m 3 ftp://127.0.0.1/
for i in 1 2 3; do
	wait_until 30 sh -c "[ \$($PSQL -d vigil -c \"SELECT count(*) FROM vigil.findings WHERE machine_id = '$(mid $i)' AND rule LIKE 'insecure-client%'\") -ge 2 ]" ||
		fail "h$i's findings did not reach the store: $(cat "$T/collect.log" "$T/h$i/rsyslogd.log")"
done
q "SELECT DISTINCT peer FROM vigil.hosts ORDER BY 1" > "$T/peers"
[ "$(cat "$T/peers")" = "vigil-test-h1.fleet.test
vigil-test-h2.fleet.test
vigil-test-h3.fleet.test" ] || fail "hosts by certificate: $(cat "$T/peers")"

# --- forged lines ----------------------------------------------------
# a finding line in h1's name, as a forger would send it
FORGED='event=new host=vigil-test-h1 machine_id='$(mid 1)' id=00000000f0f0f0f1 fingerprint=00000000f0f0f0f1 rule=insecure-client-protocols-login severity=Medium last_seen=2026-12-06T00:00:00Z attr.program=/usr/bin/forged'
send_as() {
	ip netns exec "vigh2$$" $RELPSEND 10.232.2.1 2514 --ca "$T/tls/ca.pem" "$@"
}
r=$(send_as "$FORGED")
case $r in refused*) ;; *) fail "no certificate: $r" ;; esac
sh "$abs_top_srcdir/examples/tls/vigil-fleet-certs" "$T/rogue" \
	vigil-test-h1.fleet.test > /dev/null
r=$(send_as --cert "$T/rogue/vigil-test-h1.fleet.test.pem" \
	--key "$T/rogue/vigil-test-h1.fleet.test.key" "$FORGED")
case $r in refused*) ;; *) fail "another CA's certificate: $r" ;; esac
r=$(ip netns exec "vigh2$$" $RELPSEND 10.232.2.1 2514 --plain "$FORGED")
case $r in refused*) ;; *) fail "no TLS: $r" ;; esac
# h2's own certificate: admitted, but it may not write as h1, by name
# or by machine-id
H2="--cert $T/tls/vigil-test-h2.fleet.test.pem --key $T/tls/vigil-test-h2.fleet.test.key"
FORGED2=$(echo "$FORGED" | sed 's/f0f0f0f1/f0f0f0f2/g; s/host=vigil-test-h1/host=vigil-test-h2/')
r=$(send_as $H2 "$FORGED" "$FORGED2")
[ "$r" = "acked 2" ] || fail "h2's own certificate: $r"
[ "$(q "SELECT count(*) FROM vigil.findings WHERE id LIKE '00000000f0f0f0f%'")" = 0 ] ||
	fail "a forged line reached findings"
[ "$(q "SELECT count(*) FROM vigil.events WHERE id LIKE '00000000f0f0f0f%' AND NOT trusted AND peer = 'vigil-test-h2.fleet.test'")" = 2 ] ||
	fail "the forged lines are not kept as untrusted: $(q "SELECT id, peer, trusted FROM vigil.events WHERE id LIKE '00000000f0f0f0f%'")"
[ "$(grep -c 'refused$' "$T/collect.log")" -ge 3 ] ||
	fail "the collector did not say it refused: $(cat "$T/collect.log")"
# syslog over TLS (what omfwd sends) on the same port: h2 in its own
# name is stored, in h1's name kept untrusted
OWN=$(echo "$FORGED2" | sed "s/f0f0f0f2/f0f0f0f3/g; s/machine_id=$(mid 1)/machine_id=$(mid 2)/")
FORGED4=$(echo "$FORGED" | sed 's/f0f0f0f1/f0f0f0f4/g')
r=$(send_as $H2 --syslog --host-name vigil-test-h2 "$OWN" "$FORGED4")
[ "$r" = "sent 2" ] || fail "syslog over TLS: $r"
wait_until 10 sh -c "[ \$($PSQL -d vigil -c \"SELECT count(*) FROM vigil.findings WHERE id = '00000000f0f0f0f3' AND machine_id = '$(mid 2)' AND peer = 'vigil-test-h2.fleet.test'\") = 1 ]" ||
	fail "h2's own line over syslog/TLS not stored: $(q "SELECT id, machine_id, trusted FROM vigil.events WHERE id LIKE '00000000f0f0f0f%'")"
[ "$(q "SELECT count(*) FROM vigil.events WHERE id = '00000000f0f0f0f4' AND NOT trusted")" = 1 ] ||
	fail "h2's line in h1's name over syslog/TLS not kept untrusted"
q "DELETE FROM vigil.findings WHERE id = '00000000f0f0f0f3'"

# --- the collector down for 60 s, findings go on ---------------------
kill -TERM "$COLLECT_PID"
wait "$COLLECT_PID"
DOWN=$(date +%s)
client curl -s -m 3 pop3://127.0.0.1/
client curl -s -m 3 imap://127.0.0.1/
sleep $(( 60 - ($(date +%s) - DOWN) ))
fleet_new_since "$DOWN" "while the collector was down"
start_collect

# --- then PostgreSQL down for 60 s -----------------------------------
for i in 1 2 3; do
	wait_until 60 sh -c "[ \$($PSQL -d vigil -c \"SELECT count(*) FROM vigil.findings WHERE machine_id = '$(mid $i)' AND asset_key <> '' AND rule LIKE 'insecure-client%'\") -ge 4 ]" ||
		fail "h$i's findings made while the collector was down did not arrive: $(tail "$T/collect.log")"
done
pg_stop
DOWN=$(date +%s)
client wget -q -T 3 -O /dev/null http://127.0.0.1/
client curl -s -m 3 telnet://127.0.0.1:119/ </dev/null
wait_until 30 grep -q "holding" "$T/collect.log" ||
	fail "the collector did not notice the store was down: $(tail "$T/collect.log")"
# and it dies meanwhile, with what it holds: nothing it held was
# acknowledged, so the senders send it again to the next one
kill -KILL "$COLLECT_PID"
wait "$COLLECT_PID" 2>/dev/null
start_collect
sleep $(( 60 - ($(date +%s) - DOWN) ))
pg_start

# --- every finding of every host in the store, "new" once ------------
check() {
	ok=0
	for i in 1 2 3; do
		hctl $i findings | jq -r '.[].id' | sort > "$T/h$i/ids"
		q "SELECT id FROM vigil.findings WHERE machine_id = '$(mid $i)' ORDER BY 1" \
			> "$T/h$i/stored"
		cmp -s "$T/h$i/ids" "$T/h$i/stored" || ok=1
	done
	return $ok
}
wait_until 120 check || {
	for i in 1 2 3; do
		echo "h$i: only on the host: $(comm -23 "$T/h$i/ids" "$T/h$i/stored" | tr '\n' ' ')"
		echo "h$i: only in the store: $(comm -13 "$T/h$i/ids" "$T/h$i/stored" | tr '\n' ' ')"
	done
	tail -n 20 "$T/collect.log"
	fail "the store does not hold every finding of every host"
}
twice=$(q "SELECT count(*) FROM (SELECT machine_id, id FROM vigil.events
	WHERE trusted AND event = 'new' GROUP BY 1, 2 HAVING count(*) > 1) d")
[ "$twice" = 0 ] || fail "$twice findings have their \"new\" event twice"
q "SELECT count(*), count(DISTINCT (machine_id, line_sha)) FROM vigil.events" \
	> "$T/ev"
[ "$(cut -d'|' -f1 "$T/ev")" = "$(cut -d'|' -f2 "$T/ev")" ] ||
	fail "a line stored twice: $(cat "$T/ev")"
total=$(q "SELECT count(*) FROM vigil.findings")

# --- the fleet report from PostgreSQL --------------------------------
URI="postgresql://postgres@/vigil?host=$T/pg/run"
"$VIGILCTL" report --from "$URI" --format json > "$T/fleet.json" ||
	fail "vigilctl report --from postgresql://"
jq -e '.skipped == 0 and (.hosts | length == 3)' "$T/fleet.json" > /dev/null ||
	fail "fleet report: $(jq -c '{skipped, hosts: [.hosts[].hostname]}' "$T/fleet.json")"
for i in 1 2 3; do
	want=$(wc -l < "$T/h$i/stored")
	got=$(jq --arg h "vigil-test-h$i" '.hosts[] | select(.hostname == $h) |
		(.open | add) + .accepted + .resolved' "$T/fleet.json")
	[ "$got" = "$want" ] || fail "fleet report: h$i has $want findings in the store, the report $got"
done
"$VIGILCTL" report --from "$URI" | grep -q "^Hosts: 3" || fail "fleet text report"
"$VIGILCTL" report --from "postgresql://postgres@/nosuchdb?host=$T/pg/run" \
	> /dev/null 2> "$T/err" && fail "a missing database reported"
grep -q "nosuchdb" "$T/err" || fail "no word of the missing database: $(cat "$T/err")"
kill -TERM "$COLLECT_PID"
wait "$COLLECT_PID"
echo "$(tail -n 1 "$T/collect.log")"
echo "PASS: three hosts over RELP/TLS, $total findings in PostgreSQL, collector and store each down 60 s, collector killed, nothing lost or doubled, forgeries refused or kept untrusted"
