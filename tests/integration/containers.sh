#!/bin/sh
# One vigild, real podman containers (runc, an --internal network):
# every rule's findings from inside them, each naming its container
# (id, name, image) and namespace.  A telnet client in one container to
# busybox telnetd in another, wget to nginx in a third (and its port
# nobody uses, at the end of a run), unhardened programs (no stack
# protector, an executable stack), root preloading a library from a
# world-writable directory,
# a dpkg database in the image deciding what is packaged there (not the
# host's), a container started and one removed during the run, and a
# plain "ip netns" namespace beside them, whose http on 8888 is judged
# by its payload.  See ../shared/CONTAINERS.md
# for why runc and the --ulimit values.
. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
need_root
need podman runc gcc jq ip nft
setup_tmp
D=$abs_top_srcdir/tests/data
n=$(( $$ % 200 + 20 ))
NET=vigilt$$
SUBNET=10.209.$n
IMG=localhost/vigil-test$$:1
PODMAN="podman --runtime runc"
LIMITS="--ulimit nofile=1024:4096 --ulimit nproc=1024:4096"

# busybox-static, fetched once with apt-get into the tests' own cache
# (installing it would replace the busybox package other tests use).
cache=${VIGIL_ROOT_CACHE:-/var/cache/vigil-tests}/busybox-static
if ! ls "$cache"/busybox-static_*.deb >/dev/null 2>&1; then
	mkdir -p "$cache"
	(cd "$cache" && apt-get download -q busybox-static >/dev/null 2>&1) ||
		skip "cannot download busybox-static"
fi

# The image: busybox, the C library, nginx with its libraries, and
# programs built here.  Merged /usr, as Debian's.
R=$T/root
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib/x86_64-linux-gnu" \
	"$R/usr/lib64" "$R/etc/nginx" "$R/www" "$R/var/lib/nginx" \
	"$R/var/log/nginx" "$R/run" "$R/tmp" "$R/opt/third" "$R/opt/pkgd" \
	"$R/ww" "$R/var/lib/dpkg/info"
ln -s usr/bin "$R/bin"
ln -s usr/sbin "$R/sbin"
ln -s usr/lib "$R/lib"
ln -s usr/lib64 "$R/lib64"
dpkg -x "$(ls "$cache"/busybox-static_*.deb | head -n1)" "$T/bb"
cp "$T/bb/bin/busybox" "$R/usr/bin/busybox"
for a in sh telnetd telnet wget httpd sleep cat; do
	ln -s busybox "$R/usr/bin/$a"
done
for f in $(ldd /usr/sbin/nginx | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do
	cp -L "$f" "$R$(readlink -f "$f" | sed 's|^/lib|/usr/lib|')"
	cp -L "$f" "$R/usr/lib/x86_64-linux-gnu/" 2>/dev/null
done
cp -L /lib64/ld-linux-x86-64.so.2 "$R/usr/lib64/"
cp /usr/sbin/nginx "$R/usr/sbin/nginx"
cp /etc/nginx/mime.types "$R/etc/nginx/"
cat >"$R/etc/nginx/nginx.conf" <<'CONF'
daemon off;
master_process off;
error_log /dev/stderr;
pid /run/nginx.pid;
events { }
http {
	access_log off;
	server { listen 80; root /www; }
	server { listen 8081; root /www; }
}
CONF
echo hello >"$R/www/index.html"
echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
cc() { gcc -O1 -o "$@" 2>"$T/cc.log" || fail "gcc $*: $(cat "$T/cc.log")"; }
cc "$R/opt/third/noprot" -fno-stack-protector "$D/fixture.c"
cc "$R/opt/pkgd/noprot" -fno-stack-protector "$D/fixture.c"
# at a path the host's dpkg lists, but the image's does not
cc "$R/usr/bin/true" -fno-stack-protector "$D/fixture.c"
cc "$R/opt/third/prot" -fstack-protector-strong "$D/fixture.c"
cc "$R/opt/third/execstack" -fstack-protector-strong -z execstack \
	"$D/fixture.c"
cc "$R/ww/libprot.so" -shared -fPIC -fstack-protector-strong \
	"$D/fixture-lib.c"
chmod 0777 "$R/ww"
# the image's dpkg database owns /opt/pkgd/noprot, and nothing else
printf '/.\n/opt\n/opt/pkgd\n/opt/pkgd/noprot\n' \
	>"$R/var/lib/dpkg/info/vigil-fake.list"
# (dpkg lists it as /bin/true; merged /usr makes that /usr/bin/true)
dpkg -S /bin/true >/dev/null 2>&1 ||
	fail "the host's dpkg should own /bin/true"

tar -C "$R" -c . | podman import -q - "$IMG" >/dev/null ||
	fail "podman import"
on_exit "podman rmi -f $IMG >/dev/null"
# An Alpine-like image: no dpkg; apk's database (lib/apk/db, where lib
# is a link to usr/lib, as in this image) owns /opt/pkgd/noprot only.
RA=$T/root-apk
cp -a "$R" "$RA"
rm -rf "$RA/var/lib/dpkg"
mkdir -p "$RA/usr/lib/apk/db"
printf 'C:Q1x=\nP:vigil-fake\nV:1.0-r0\nA:x86_64\nF:opt/pkgd\nR:noprot\n\n' \
	>"$RA/usr/lib/apk/db/installed"
IMG_APK=localhost/vigil-test-apk$$:1
tar -C "$RA" -c . | podman import -q - "$IMG_APK" >/dev/null ||
	fail "podman import (apk)"
on_exit "podman rmi -f $IMG_APK >/dev/null"
podman network create --internal --subnet "$SUBNET.0/24" "$NET" \
	>/dev/null || fail "podman network create"
on_exit "podman network rm -f $NET >/dev/null"
run_ctr() {	# run_ctr NAME CMD...: a container on the test's network
	name=$1
	shift
	$PODMAN run -d -i --name "$name$$" --network "$NET" $LIMITS \
		$CTR_OPTS "${CTR_IMG:-$IMG}" "$@" >/dev/null 2>"$T/podman.log" ||
		fail "podman run $name: $(cat "$T/podman.log")"
	on_exit "podman rm -f -t 0 $name$$ >/dev/null"
}
ip_of() {
	podman inspect "$1$$" --format \
		"{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}"
}
id_of() { podman inspect "$1$$" --format '{{.Id}}'; }

run_ctr telnetd /bin/busybox telnetd -F -l /bin/sh -p 23
run_ctr web /usr/sbin/nginx
# each blocks reading the stdin podman keeps open (-i)
# (a background job's stdin is /dev/null: it gets a copy made first)
run_ctr hard /bin/sh -c 'exec 3<&0; /opt/pkgd/noprot <&3 &
	/usr/bin/true <&3 & LD_PRELOAD=/ww/libprot.so /opt/third/prot <&3 &
	/opt/third/execstack <&3 & exec /opt/third/noprot'
run_ctr cli /bin/busybox sleep 600
CTR_IMG=$IMG_APK run_ctr alp /bin/sh -c 'exec 3<&0; /opt/pkgd/noprot <&3 &
	exec /opt/third/noprot'
# Root of a user namespace (host uid 200000): its image is its root's,
# and only the world-writable /ww is a finding, told apart from host root.
CTR_OPTS="--uidmap 0:200000:65536 --gidmap 0:200000:65536" run_ctr uns \
	/bin/sh -c 'LD_PRELOAD=/ww/libprot.so exec /opt/third/prot'
# A container in a podman pod: its finding names the pod (the bundle's
# io.kubernetes.cri-o.SandboxID; podman keeps the pod's name elsewhere).
podman pod create --infra=false --name "pod$$" >/dev/null ||
	fail "podman pod create"
on_exit "podman pod rm -f pod$$ >/dev/null"
CTR_OPTS="--pod pod$$" run_ctr inpod /opt/third/noprot
POD_ID=$(podman pod inspect "pod$$" --format '{{.Id}}')
TELNETD=$(ip_of telnetd)
WEB=$(ip_of web)
[ -n "$TELNETD" ] && [ -n "$WEB" ] || fail "no container addresses"

# A plain namespace too, made with ip netns (no container).
NS=vigp$$
ip netns add "$NS" || fail "ip netns add"
on_exit "ip netns del $NS"
ip -n "$NS" link set lo up

write_conf
start_vigild
wait_until 20 sh -c "[ \$($VIGILCTL -s $T/run/control status --json |
	jq '.counters.netns.watched') -ge 5 ]" ||
	fail "vigild does not watch the containers' namespaces: $(ctl status --json | jq -c .counters.netns)"

# Traffic: telnet from cli to telnetd, http from cli to nginx, and a
# telnet client inside the plain namespace to its own loopback (no
# server: the SYN alone is the flow).
$PODMAN exec "cli$$" sh -c "echo | timeout 3 telnet $TELNETD 23" \
	>/dev/null 2>&1
$PODMAN exec "cli$$" wget -q -O /dev/null "http://$WEB/" ||
	fail "wget to nginx in the container failed"
echo | ip netns exec "$NS" timeout 3 telnet 127.0.0.1 23 >/dev/null 2>&1

find_rule() {	# find_rule RULE CONTAINER-NAME: the findings of it there
	ctl findings --json | jq -e --arg r "$1" --arg c "$2" \
		'[.[] | select(.rule == $r and .attributes.container_name == $c)]
		 | if length > 0 then . else null end'
}
for want in "insecure-client-protocols-login cli$$" \
	    "insecure-client-protocols-general cli$$" \
	    "insecure-server-protocols telnetd$$" \
	    "insecure-server-protocols web$$" \
	    "software-without-stack-cookies hard$$" \
	    "software-without-dep hard$$" \
	    "root-process-insecure-permissions hard$$"; do
	set -- $want
	wait_until 20 find_rule "$1" "$2" ||
		fail "no $1 finding naming container $2: $(ctl findings)"
done

CLI_ID=$(id_of cli)
ctl findings --json | jq -e --arg id "$CLI_ID" --arg img "$IMG" \
	--arg dst "$TELNETD:23" '.[] | select(.rule ==
	"insecure-client-protocols-login" and .attributes.container_id == $id)
	| select(.attributes.container_runtime == "podman"
		 and .attributes.container_image == $img
		 and .attributes.program == "/usr/bin/busybox"
		 and (.attributes.remote_endpoints | index($dst)) != null
		 and (.attributes.netns | test("^[0-9]+$"))
		 and (.asset_key | endswith("|ctr=podman:" + $id[0:12])))' \
	>/dev/null || fail "client finding fields: $(ctl findings --json |
		jq -c '.[] | select(.rule == "insecure-client-protocols-login")')
counters: $(ctl status --json | jq -c '.counters | {owner, payload,
		sockconn, conntrack}')"
ctl findings --json | jq -e --arg n "web$$" '.[] | select(.rule ==
	"insecure-server-protocols" and .attributes.container_name == $n)
	| select(.attributes.program == "/usr/sbin/nginx"
		 and .attributes.port == 80)' >/dev/null ||
	fail "nginx's server finding: $(ctl findings --json | jq -c \
		'.[] | select(.rule == "insecure-server-protocols")')"

# Host rules decide "packaged" by the image's own dpkg database.
hard() {	# hard PATH [CONTAINER]: its stack cookie finding of PATH
	ctl findings --json | jq -e --arg p "$1" --arg n "${2:-hard$$}" \
		'.[] | select(.rule == "software-without-stack-cookies"
		 and .attributes.path == $p and .attributes.container_name == $n)'
}
wait_until 10 hard /opt/third/noprot >/dev/null ||
	fail "the container's third-party program is not reported"
wait_until 10 hard /usr/bin/true >/dev/null ||
	fail "a path the host's dpkg owns hid the container's program"
hard /opt/pkgd/noprot >/dev/null &&
	fail "the image's packaged program was reported"
# ...and an Alpine image's by apk's
wait_until 10 hard /opt/third/noprot "alp$$" >/dev/null ||
	fail "the Alpine container's third-party program is not reported"
hard /opt/pkgd/noprot "alp$$" >/dev/null &&
	fail "the program apk's database owns was reported: $(hard /opt/pkgd/noprot "alp$$")"
ctl findings --json | jq -e --arg n "hard$$" '.[] | select(.rule ==
	"root-process-insecure-permissions" and .attributes.container_name == $n)
	| select(.attributes.module == "/ww/libprot.so"
		 and .attributes.directory == "/ww")' >/dev/null ||
	fail "root-perms finding fields: $(ctl findings --json | jq -c \
		'.[] | select(.rule == "root-process-insecure-permissions")')"
perms_of() {	# perms_of CONTAINER: its root-perms findings, compact
	ctl findings --json | jq -c --arg n "$1" '[.[] | select(.rule ==
		"root-process-insecure-permissions" and
		.attributes.container_name == $n) | .attributes]'
}
wait_until 10 sh -c "$VIGILCTL -s $T/run/control findings --json | jq -e \
	--arg n uns$$ '.[] | select(.attributes.container_name == \$n and
	.rule == \"root-process-insecure-permissions\")'" >/dev/null ||
	fail "root of a user namespace not judged: $(perms_of "uns$$")"
perms_of "uns$$" | jq -e 'length == 1 and (.[0] | .module == "/ww/libprot.so"
	and .directory == "/ww" and .root == "user-namespace"
	and .root_uid == 200000 and .euid == 200000)' >/dev/null ||
	fail "user-namespace root findings: $(perms_of "uns$$")"
wait_until 10 hard /opt/third/noprot "inpod$$" >/dev/null ||
	fail "no finding in the pod's container"
hard /opt/third/noprot "inpod$$" | jq -e --arg pod "$POD_ID" \
	'.attributes.pod_id == $pod' >/dev/null ||
	fail "the pod is not named: $(hard /opt/third/noprot "inpod$$")"
hard /opt/third/noprot | jq -e '.attributes.pod_id == null' >/dev/null ||
	fail "a container in no pod named one"
perms_of "hard$$" | jq -e 'all(.[]; .root == "host")' >/dev/null ||
	fail "host root not told as host: $(perms_of "hard$$")"

# The plain namespace: named by its /run/netns name, no container.
wait_until 10 sh -c "$VIGILCTL -s $T/run/control findings --json | jq -e \
	--arg ns $NS '.[] | select(.rule == \"insecure-client-protocols-login\"
	and .attributes.netns_name == \$ns and .attributes.container_id == null)'" ||
	fail "no telnet finding naming namespace $NS: $(ctl findings)"
# ...and its flows judged by what they say, as in vigild's own: http
# on 8888 is no catalog port, its request names it (vigild_ns logs the
# first packets there, read over that namespace's NFLOG).
bg_in "$NS" python3 -m http.server 8888 --bind 127.0.0.1 --directory "$T"
wait_until 10 sh -c "ip netns exec $NS ss -ltn | grep -q ':8888 '" ||
	fail "http.server in $NS did not start"
ip netns exec "$NS" curl -s -o /dev/null --max-time 5 http://127.0.0.1:8888/ ||
	fail "curl in $NS"
wait_until 10 sh -c "$VIGILCTL -s $T/run/control findings --json | jq -e \
	--arg ns $NS '.[] | select(.attributes.netns_name == \$ns and
	.attributes.protocol == \"http\" and .attributes.remote_port == 8888
	and .attributes.matched_by == \"payload\")'" >/dev/null ||
	fail "http on 8888 in $NS not judged by its payload: $(ctl findings --json | jq -c '[.[] | .attributes | {protocol, remote_endpoints, matched_by, netns_name}]') $(ctl status --json | jq -c .counters.payload)"

# An admin asks for one container's findings, by name or by id prefix,
# and gets them in a spreadsheet with the container named.
ctl findings --json --container "cli$$" | jq -e --arg n "cli$$" \
	'length == 2 and all(.[]; .attributes.container_name == $n)' \
	>/dev/null || fail "findings --container cli$$: $(ctl findings --container "cli$$")"
ctl findings --json --container "$(echo "$CLI_ID" | cut -c1-12)" | jq -e \
	'length == 2' >/dev/null || fail "findings --container ID-PREFIX"
ctl findings --json --container nosuchcontainer | jq -e 'length == 0' \
	>/dev/null || fail "findings --container of none"
ctl findings --csv --container "web$$" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert len(rows) == 1, rows
r = rows[0]
assert r["container"] == sys.argv[1] and r["program"] == "/usr/sbin/nginx", r
assert len(r["container_id"]) == 64 and r["image"] == sys.argv[2], r
' "web$$" "$IMG" || fail "CSV of a container: $(ctl findings --csv)"

# The same problem in two containers is two findings.
run_ctr cli2 /bin/busybox sleep 600
wait_until 10 sh -c "[ \$($VIGILCTL -s $T/run/control status --json |
	jq '.counters.netns.watched') -ge 6 ]" || fail "cli2 not watched"
# podman names the namespace before its process starts: vigild, finding
# it by that name, learns the container from the first process in it.
CLI2_ID=$($PODMAN inspect -f '{{.Id}}' "cli2$$")
wait_until 10 grep -q "podman container $CLI2_ID" "$T/vigild.log" ||
	fail "cli2's namespace not known as its container"
# ...and its client is gone before vigild reads a sample of it (vigild
# stopped meanwhile, as a loaded machine can hold it): the programs its
# shell and busybox's applets (exec'd by /proc/self/exe) ran are named
# in the container's root, not the host's (where /bin/sh is dash).
kill -STOP "$VIGILD_PID"
$PODMAN exec "cli2$$" sh -c "echo | timeout 3 telnet $TELNETD 23" \
	>/dev/null 2>&1
kill -CONT "$VIGILD_PID"
wait_until 10 find_rule insecure-client-protocols-login "cli2$$" \
	>/dev/null || fail "no finding for the container started later"
find_rule insecure-client-protocols-login "cli2$$" | jq -e '.[0]
	| .attributes.program == "/usr/bin/busybox"' >/dev/null ||
	fail "a gone client named outside its container's root: $(find_rule \
		insecure-client-protocols-login "cli2$$" | jq -c \
		'.[0].attributes.program')"
[ "$(ctl findings --json | jq '[.[] | select(.rule ==
	"insecure-client-protocols-login" and .attributes.container_name != null)]
	| length')" -eq 2 ] || fail "two containers, not two findings"

# The fleet report, read from vigild's own finding lines, groups the
# containers by image.
"$VIGILCTL" report --from "$T/vigild.log" --format json > "$T/fleet.json" ||
	fail "vigilctl report --from vigild.log"
jq -e --arg img "$IMG" --arg apk "$IMG_APK" '(.images | map(.image)) as $i
	| ($i | index($img)) != null and ($i | index($apk)) != null
	and (.images[] | select(.image == $img) | .containers >= 5)' \
	"$T/fleet.json" >/dev/null ||
	fail "fleet report by image: $(jq -c .images "$T/fleet.json")"

# A container removed: its namespace is let go.
gone=$(counter netns gone)
podman rm -f -t 0 "cli2$$" >/dev/null
wait_until 15 sh -c "[ \$($VIGILCTL -s $T/run/control status --json |
	jq '.counters.netns.gone') -gt $gone ]" ||
	fail "the removed container's namespace is still watched"

# A run that ends: nginx's 8081 in the container was never used.
ctl run stop >/dev/null 2>&1
ctl run start --duration 10s >/dev/null || fail "run start"
unused() {
	ctl findings --json | jq -e --arg n "web$$" '.[] | select(.rule ==
		"unused-listening-tcp-ports" and .attributes.port == 8081
		and .attributes.container_name == $n
		and .attributes.program == "/usr/sbin/nginx")'
}
wait_until 30 unused >/dev/null ||
	fail "no unused-port finding naming container web$$: $(ctl findings)"

# The run's report says which container has what.
ctl report > "$T/report.txt" || fail "vigilctl report"
grep -q "^ *[0-9]* *[0-9]* *[0-9]* *[0-9]*  container web$$ (podman [0-9a-f]*), image $IMG$" \
	"$T/report.txt" || fail "run report by place: $(cat "$T/report.txt")"
# vigild's table went into the namespaces, and goes when it stops.
pid=$(podman inspect "cli$$" --format '{{.State.Pid}}')
nsenter -t "$pid" -n nft list table inet vigild_ns >/dev/null 2>&1 ||
	fail "no vigild_ns table in the container's namespace"
stop_vigild
nsenter -t "$pid" -n nft list table inet vigild_ns >/dev/null 2>&1 &&
	fail "vigild_ns left in the container's namespace after stop"
exit 0
