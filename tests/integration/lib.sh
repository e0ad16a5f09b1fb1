# Shared helpers of the integration tests (sourced, POSIX sh + bash-isms
# avoided).  Every test makes its own temporary directory and removes it,
# and every wait is bounded.

: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
VIGILD=$abs_top_builddir/src/vigild
VIGILCTL=$abs_top_builddir/src/vigilctl
SOCKHELPER=$abs_top_builddir/tests/helpers/sockhelper

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	if [ -n "${T:-}" ] && [ -f "$T/vigild.log" ]; then
		echo "--- vigild log (last 30 lines) ---" >&2
		tail -n 30 "$T/vigild.log" >&2
	fi
	exit 1
}

skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

need_root() {
	[ "${VIGIL_NO_ROOT_TESTS:-0}" = 1 ] && skip "VIGIL_NO_ROOT_TESTS is set"
	[ "$(id -u)" -eq 0 ] || skip "needs root (CI runs as root)"
}

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# T: a private temporary directory, removed with everything started.
CLEANUP=""
setup_tmp() {
	T=$(mktemp -d /tmp/vigil-it.XXXXXX) || exit 99
	chmod 0755 "$T"
	# the kernel's audit settings as the test found them
	AUDIT_AT_START=$("$abs_top_builddir/tests/helpers/audithelper" status \
		2>/dev/null) || AUDIT_AT_START=""
	trap 'run_cleanup' EXIT
	trap 'exit 1' INT TERM
}

on_exit() {
	CLEANUP="$1; $CLEANUP"
}

run_cleanup() {
	st=$?
	eval "$CLEANUP" 2>/dev/null
	if [ -n "${VIGILD_PID:-}" ]; then
		kill -9 "$VIGILD_PID" 2>/dev/null
		wait "$VIGILD_PID" 2>/dev/null
		unstick_audit "$VIGILD_PID"
		# a vigild killed here put nothing back: do it for it
		restore_audit
	fi
	[ -n "${T:-}" ] && [ -z "${VIGIL_KEEP_TMP:-}" ] && rm -rf "$T"
	exit $st
}

# write_conf EXTRA...: a config using $T for state and socket.
# A vigild killed while it was the audit daemon stays registered until
# the kernel fails to send it a record: make it try, so the next test
# finds the audit to itself again.  Auditing is left as it was.
unstick_audit() {
	ah=$abs_top_builddir/tests/helpers/audithelper
	[ -x "$ah" ] || return 0
	ast=$("$ah" status 2>/dev/null) || return 0
	case $ast in
	"pid=$1 "*)
		en=$(echo "$ast" | sed 's/.*enabled=\([0-9]*\).*/\1/')
		"$ah" set-enabled 1
		sleep 0.3
		"$ah" set-enabled "$en"
		;;
	esac
}

# Auditing and the backlog limit back to what the test found.
restore_audit() {
	ah=$abs_top_builddir/tests/helpers/audithelper
	[ -x "$ah" ] && [ -n "${AUDIT_AT_START:-}" ] || return 0
	en=$(echo "$AUDIT_AT_START" | sed -n 's/.*enabled=\([0-9]*\).*/\1/p')
	bl=$(echo "$AUDIT_AT_START" | sed -n 's/.*backlog_limit=\([0-9]*\).*/\1/p')
	[ -n "$bl" ] && "$ah" set-backlog "$bl"
	[ -n "$en" ] && "$ah" set-enabled "$en"
}

write_conf() {
	{
		echo "state_file = \"$T/state/state.json\";"
		echo "control_socket = \"$T/run/control\";"
		for line in "$@"; do
			echo "$line"
		done
	} > "$T/vigil.conf"
	chmod 0600 "$T/vigil.conf"
}

ctl() {
	"$VIGILCTL" -s "$T/run/control" "$@"
}

# wait_until SECONDS CMD...: poll CMD every 0.2s.
wait_until() {
	limit=$1
	shift
	end=$(( $(date +%s) + limit ))
	while [ "$(date +%s)" -le "$end" ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# VIGILD_WRAP: a command that execs vigild (setpriv ..., env ...).
start_vigild() {
	# shellcheck disable=SC2086
	${VIGILD_WRAP:-} "$VIGILD" -f -c "$T/vigil.conf" >>"$T/vigild.log" 2>&1 &
	VIGILD_PID=$!
	wait_until 10 ctl status || fail "vigild did not answer on its control socket"
}

# stop_vigild: SIGTERM, wait, and check the exit status is 0.
stop_vigild() {
	kill -TERM "$VIGILD_PID"
	wait "$VIGILD_PID"
	st=$?
	VIGILD_PID=""
	[ "$st" -eq 0 ] || fail "vigild exited with $st after SIGTERM"
}

# A root process running from a directory anyone can write: the
# textbook root-process-insecure-permissions case.  $1 is the name; the
# pid is left in SPAWNED.  (Not for $(...): a subshell's exit would
# take the cleanup with it.)
spawn_insecure_root() {
	mkdir -p "$T/ww"
	chmod 0777 "$T/ww"
	cp /bin/sleep "$T/ww/$1"
	"$T/ww/$1" 300 >/dev/null 2>&1 &
	SPAWNED=$!
	on_exit "kill $SPAWNED"
}

jqf() {
	ctl findings --json | jq -e "$@"
}

# need_audit_alone: kernel audit with no audit daemon registered (the
# test wants the kernel to itself).  Sets AH (audithelper) and BEFORE
# (the audit status to find again at the end); the enabled flag is put
# back at exit whatever happens.  After setup_tmp.
need_audit_alone() {
	AH=$abs_top_builddir/tests/helpers/audithelper
	"$AH" status > /dev/null 2>&1 || skip "kernel audit not available here"
	"$AH" status | grep -q '^pid=0 ' ||
		skip "an audit daemon is registered; this test wants the kernel to itself"
	BEFORE=$("$AH" status)
	ENABLED=$(echo "$BEFORE" | sed 's/.*enabled=\([0-9]*\).*/\1/')
	BACKLOG=$(echo "$BEFORE" | sed 's/.*backlog_limit=\([0-9]*\).*/\1/')
	on_exit "\"$AH\" set-enabled $ENABLED; \"$AH\" set-backlog $BACKLOG"
}

# setup_netns: two namespaces joined by a veth pair, both tracking
# connections (table inet vigil): NS_C at C_ADDR/C_ADDR6 and NS_S at
# S_ADDR/S_ADDR6, removed at exit.  The addresses exist only inside
# these namespaces.  NFT=0 leaves the table out of NS_C.
setup_netns() {
	need ip nft
	n=$(( $$ % 200 + 20 ))
	NS_C=vigc$$
	NS_S=vigs$$
	C_ADDR=10.231.$n.1
	S_ADDR=10.231.$n.2
	C_ADDR6=fd00:231:$n::1
	S_ADDR6=fd00:231:$n::2
	ip netns add "$NS_C" || fail "ip netns add"
	on_exit "ip netns del $NS_C"
	ip netns add "$NS_S" || fail "ip netns add"
	on_exit "ip netns del $NS_S"
	ip link add "vc$$" type veth peer name "vs$$" || fail "veth"
	ip link set "vc$$" netns "$NS_C"
	ip link set "vs$$" netns "$NS_S"
	ip -n "$NS_C" addr add "$C_ADDR/24" dev "vc$$"
	ip -n "$NS_S" addr add "$S_ADDR/24" dev "vs$$"
	ip -n "$NS_C" addr add "$C_ADDR6/64" dev "vc$$" nodad
	ip -n "$NS_S" addr add "$S_ADDR6/64" dev "vs$$" nodad
	for ns in "$NS_C" "$NS_S"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_C" link set "vc$$" up
	ip -n "$NS_S" link set "vs$$" up
	nft_file=$abs_top_srcdir/rules/nft/vigil.nft
	ip netns exec "$NS_S" nft -f "$nft_file" || fail "nft -f $nft_file"
	if [ "${NFT:-1}" = 1 ]; then
		ip netns exec "$NS_C" nft -f "$nft_file" || fail "nft -f"
	fi
}

# phantom_connects NS ADDR PORT SECONDS: nobody, in namespace NS, makes
# a UDP connect() to ADDR:PORT every 2 ms and closes it: nothing is
# sent, no flow is made, but each leaves an audit record naming the
# destination.  Its pid in PHANTOM (killed at exit); it stops by itself
# after SECONDS, which on a loaded machine can come before the test is
# done: phantoms_ran tells whether it did its connects.  The program is
# given inline: nobody may not reach a file under $T (its output goes
# to a file the shell opens).
phantom_connects() {
	ip netns exec "$1" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups --inh-caps=-all /usr/bin/python3 -c "
import socket, sys, time
end = time.time() + float(sys.argv[3])
n = 0
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((sys.argv[1], int(sys.argv[2])))
    s.close()
    n += 1
    if n == 100:
        print('100 connects', flush=True)
    time.sleep(0.002)
" "$2" "$3" "$4" >"$T/phantom.out" 2>&1 &
	PHANTOM=$!
	on_exit "kill $PHANTOM"
}

# phantoms_ran: the phantom connects made their first hundred.
phantoms_ran() {
	kill "$PHANTOM" 2>/dev/null
	grep -q '^100 connects' "$T/phantom.out"
}

# exec_storm SECONDS: 200 distinct programs run one after another, over
# and over, to keep the audit stream late.  Its pid in STORM (killed at
# exit).
exec_storm() {
	mkdir -p "$T/storm"
	i=0
	while [ $i -lt 200 ]; do
		cp /bin/true "$T/storm/t$i"
		i=$((i + 1))
	done
	sh -c "end=\$((\$(date +%s) + $1)); while [ \$(date +%s) -lt \$end ]; do for f in $T/storm/t*; do \$f; done; done" &
	STORM=$!
	on_exit "kill $STORM"
}

# bg_in NS CMD...: run CMD in namespace NS in the background, killed at
# exit.
bg_in() {
	ns=$1
	shift
	ip netns exec "$ns" "$@" >>"$T/servers.log" 2>&1 &
	on_exit "kill $!"
}

counter() {
	ctl status --json | jq -r ".counters.\"$1\".\"$2\""
}

# counter_is SOURCE NAME VALUE: for wait_until.
counter_is() {
	[ "$(counter "$1" "$2")" = "$3" ]
}

# write_auditd_conf DIR: DIR/auditd/auditd.conf for Debian's auditd run
# by a test (auditd -n -c DIR/auditd), logging to DIR/audit.log and never
# stopping the machine for lack of space.
write_auditd_conf() {
	mkdir -p "$1/auditd"
	cat > "$1/auditd/auditd.conf" <<CONF
log_file = $1/audit.log
log_format = ENRICHED
flush = none
num_logs = 2
max_log_file = 100
max_log_file_action = ROTATE
space_left = 10
space_left_action = IGNORE
admin_space_left = 5
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
CONF
	chmod 600 "$1/auditd/auditd.conf"
}

# dovecot_in NS NAME SETTINGS...: dovecot in namespace NS, its files
# under $T/NAME, imap and pop3 (STARTTLS, STLS with $T/tls.crt; no 993
# and 995), a static password "test", and SETTINGS (listen, ssl...).
dovecot_in() {
	ns=$1
	d=$T/$2
	shift 2
	mkdir -p "$d/run" "$d/mail"
	{
		echo "protocols = imap pop3"
		echo "base_dir = $d/run"
		echo "log_path = $d/dovecot.log"
		echo "ssl_cert = <$T/tls.crt"
		echo "ssl_key = <$T/tls.key"
		for s in "$@"; do
			echo "$s"
		done
		cat <<EOC
passdb {
  driver = static
  args = password=test
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
mail_location = maildir:$d/mail/%u
service imap-login {
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3s {
    port = 0
  }
}
EOC
	} > "$d/dovecot.conf"
	bg_in "$ns" dovecot -F -c "$d/dovecot.conf"
}

# slapd_in NS NAME URLS GLOBAL-LINES...: slapd in namespace NS on URLS
# (its -h), its files under $T/NAME, $T/tls.crt for StartTLS, and
# GLOBAL-LINES before its database.
slapd_in() {
	ns=$1
	d=$T/$2
	urls=$3
	shift 3
	mkdir -p "$d/db"
	{
		echo "modulepath /usr/lib/ldap"
		echo "moduleload back_mdb"
		echo "include /etc/ldap/schema/core.schema"
		echo "pidfile $d/slapd.pid"
		echo "TLSCertificateFile $T/tls.crt"
		echo "TLSCertificateKeyFile $T/tls.key"
		for s in "$@"; do
			echo "$s"
		done
		echo "database mdb"
		echo 'suffix "dc=example,dc=org"'
		echo "directory $d/db"
	} > "$d/slapd.conf"
	bg_in "$ns" slapd -d 0 -h "$urls" -f "$d/slapd.conf"
}
