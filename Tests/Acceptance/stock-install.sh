#!/usr/bin/env bash
# Acceptance test of issue 11: the seed gateway built for Debian, installed the way an admin
# would on a stock Debian 12 jail, every daemon real and as its package user, answers every case
# of the table below. Usage: stock-install.sh GATEWAYCTL (run as root; StockInstallTests does).
#
#   LAN namespace (192.168.40.0/24): the inside server 192.168.40.2 (smtp-sink), a LAN host
#       192.168.40.50, dnsmasq 192.168.40.53 (the Spamhaus test records), and "Internet"
#       clients 198.51.100.x / 203.0.113.66 reached through the router address 192.168.40.1.
#   jail namespace: the gateway 192.168.40.3, loopback up but without 127.0.0.1 or ::1, in a
#       private mount namespace (jail.sh) where the emitted tree sits at its real paths.
#
# Exit 0 when every case passes; 1 when one fails; 2 when the test cannot run at all (no root,
# no namespaces, a missing tool): it never passes by skipping. Prints the table.
set -euo pipefail
GATEWAYCTL=${1:?usage: stock-install.sh GATEWAYCTL}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cannot() { echo "stock-install: CANNOT RUN: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || cannot "needs root (network and mount namespaces, daemons as their users)"
for t in ip unshare nsenter nft swaks dnsmasq smtp-sink postfix postqueue postgrey policyd-weight amavisd clamd sigtool rsyslogd; do
    command -v "$t" >/dev/null 2>&1 || cannot "\`$t\` is missing (scripts/setup.sh installs it)"
done

W=$(mktemp -d /tmp/gatewayctl-stock-XXXXXX)
chmod 0755 "$W"
ID=$$
J=gwjail-$ID L=gwlan-$ID VJ=gwj$ID VL=gwl$ID
INNER="" SINK="" START=$(date +%s)
cleanup() {
    touch "$W/stop"
    [ -n "$INNER" ] && { wait "$INNER" 2>/dev/null || true; }
    # Whatever still runs in the two namespaces is this test's (daemons that outlived jail.sh).
    for ns in "$J" "$L"; do for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done; done
    [ -n "$SINK" ] && kill "$SINK" 2>/dev/null || true
    [ -f "$W/dnsmasq.pid" ] && kill "$(cat "$W/dnsmasq.pid" 2>/dev/null)" 2>/dev/null || true
    ip netns delete "$J" 2>/dev/null || true
    ip netns delete "$L" 2>/dev/null || true
    if [ -z "${GATEWAYCTL_KEEP_TEST_DIRS:-}" ]; then
        umount -R "$W/hostdev" 2>/dev/null || true
        rm -rf "$W"
    else
        echo "stock-install: kept $W"
    fi
}
trap cleanup EXIT
trap 'exit 1' TERM INT

# --- The build: the seed example for Debian, as the README says, with a short greylist delay.
DELAY=5
"$GATEWAYCTL" build "$ROOT/examples/seed-gateway.conf" --out "$W/out" \
    --set gateway.platform=debian --set gateway.postfix=3.7 --set greylisting.delay=$DELAY >"$W/build.log" 2>&1 ||
    { cat "$W/build.log"; echo "stock-install: FAIL: gatewayctl build"; exit 1; }
"$GATEWAYCTL" lint "$W/out" >"$W/lint.log" 2>&1 || { cat "$W/lint.log"; echo "stock-install: FAIL: the built tree does not lint clean"; exit 1; }

# --- Networks.
ip netns add "$J" 2>"$W/netns.err" || cannot "ip netns add: $(cat "$W/netns.err")"
ip netns add "$L"
ip link add "$VJ" type veth peer name "$VL" || cannot "cannot create a veth pair"
ip link set "$VJ" netns "$J"; ip link set "$VL" netns "$L"
ip -n "$J" link set lo up
ip -n "$J" addr flush dev lo          # no 127.0.0.1, no ::1: the jail has no usable loopback address
ip -n "$J" addr add 192.168.40.3/24 dev "$VJ"; ip -n "$J" link set "$VJ" up
ip -n "$J" route add default via 192.168.40.1
ip -n "$L" link set lo up
for a in 192.168.40.50 192.168.40.1 192.168.40.2 192.168.40.53; do ip -n "$L" addr add $a/24 dev "$VL"; done
for a in 198.51.100.7 198.51.100.8 198.51.100.44 198.51.100.99 203.0.113.66; do ip -n "$L" addr add $a/32 dev "$VL"; done
ip -n "$L" link set "$VL" up
ip netns exec "$J" ip addr show lo | grep -q "inet " && cannot "the jail still has a loopback address"

# DNS for the jail: clients with forward-confirmed reverse names and MX records for their own
# sender domains (policyd-weight scores them as real MTAs), Spamhaus listing 203.0.113.66
# (127.0.0.2) and answering 127.255.255.254 ("public resolver" error) for 198.51.100.99 in zen,
# pbl and sbl-xbl.
dns=(example.net:198.51.100.7 other.example:198.51.100.8 hotmail.com:198.51.100.44 err.example:198.51.100.99
     listed.example:203.0.113.66 example.com:192.168.40.2)
args=(--listen-address=192.168.40.53 --bind-interfaces --port=53 --no-resolv --no-hosts --local=/#/ --user=root
      --pid-file="$W/dnsmasq.pid" --host-record=spam.example.com,192.168.40.3)
for d in "${dns[@]}"; do
    dom=${d%%:*} ip=${d#*:} host=mx.${d%%:*}
    [ "$dom" = example.com ] && host=mail.example.com
    args+=(--host-record="$host,$ip" --mx-host="$dom,$host,10")
done
for z in zen pbl sbl-xbl; do args+=(--address="/99.100.51.198.$z.spamhaus.org/127.255.255.254"); done
args+=(--address=/66.113.0.203.zen.spamhaus.org/127.0.0.2)
ip netns exec "$L" dnsmasq "${args[@]}" || cannot "dnsmasq did not start"

# The inside server.
mkdir -p "$W/sink"; chmod 0777 "$W/sink"
ip netns exec "$L" smtp-sink -u nobody -d "$W/sink/%H%M%S." 192.168.40.2:25 64 &
SINK=$!

# --- The jail's files: the host's /etc with the emitted tree installed over it; fresh state
# directories with the packages' owners; an EICAR-only signature database.
cp -a /etc "$W/etc"
cp -a "$W/out/etc/." "$W/etc/"
rm -f "$W/etc/resolv.conf"; echo "nameserver 192.168.40.53" >"$W/etc/resolv.conf"
echo "spam.example.com" >"$W/etc/mailname"
R=$W/root
install -d -m 0755 "$R/var/spool/postfix" "$R/var/log" "$R/run"
install -d -m 1777 "$R/run/lock"
install -d -o postfix -g postfix -m 0755 "$R/var/lib/postfix"
install -d -o postgrey -g postgrey -m 0755 "$R/var/lib/postgrey"
install -d -o amavis -g amavis -m 0750 "$R/var/lib/amavis" "$R/var/lib/amavis/tmp" "$R/var/lib/amavis/db"
install -d -o clamav -g clamav -m 0755 "$R/var/lib/clamav"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s' "$EICAR" >"$W/eicar.com"
sigtool --md5 "$W/eicar.com" >"$R/var/lib/clamav/eicar.hdb"
chown clamav:clamav "$R/var/lib/clamav/eicar.hdb"

ip netns exec "$J" unshare -m --propagation private bash "$HERE/jail.sh" "$W" >"$W/jail.log" 2>&1 &
INNER=$!
while [ ! -e "$W/ready" ]; do
    if [ -e "$W/failed" ] || ! kill -0 "$INNER" 2>/dev/null; then
        cat "$W/jail.log"
        grep -q "refused" "$W/jail.log" && cannot "mounts unavailable: $(grep FAIL "$W/jail.log")"
        echo "stock-install: FAIL: the gateway did not come up"; exit 1
    fi
    sleep 0.2
done
JAILPID=$INNER   # ip netns exec and unshare exec in place: this is jail.sh's bash
injail() { nsenter --target "$JAILPID" --mount --net "$@"; }

# --- Cases.
rows=() failures=0
row() {  # row NAME EXPECTED GOT PASS|FAIL
    rows+=("$(printf '%-46s | %-40s | %-60s | %s' "$1" "$2" "${3:0:60}" "$4")")
    [ "$4" = PASS ] || failures=$((failures + 1))
}
swaks_() { ip netns exec "$L" swaks --server 192.168.40.3 --port 25 --timeout 60 "$@" 2>&1 || true; }
# The reply to the last command the transaction got to (swaks marks errors `<**`).
last_reply() { grep -E '^ *<(\*\*|-) +[0-9]{3}' | grep -vE '^ *<(\*\*|-) +221 ' | tail -1 | sed -E 's/^ *<(\*\*|-) +//'; }
expect_rcpt() {  # expect_rcpt NAME REGEX swaks-args: the RCPT (or earlier) reply matches REGEX
    local name=$1 regex=$2; shift 2
    local out reply
    out=$(swaks_ --quit-after RCPT "$@")
    reply=$(printf '%s\n' "$out" | last_reply)
    if [[ $reply =~ $regex ]]; then row "$name" "$regex" "$reply" PASS; else row "$name" "$regex" "$reply" FAIL; echo "$out" >>"$W/cases.log"; fi
}
send() {  # send SUBJECT swaks-args: a whole message; prints the final reply
    local subject=$1; shift
    swaks_ --header "Subject: $subject" "$@" | last_reply
}
# Messages the inside server got for usuario1 that carry the unique subject text (amavis may
# prefix it; the virus notices to postmaster quote it, hence the recipient filter).
delivered() { grep -l -F "$1" "$W"/sink/* 2>/dev/null | xargs -r grep -l -F "X-Rcpt-Args: <usuario1@example.com>" 2>/dev/null || true; }
wait_for() {  # wait_for SECONDS COMMAND...: until COMMAND prints something
    local end=$(( $(date +%s) + $1 )); shift
    while [ "$(date +%s)" -lt "$end" ]; do [ -n "$("$@")" ] && return 0; sleep 0.5; done
    return 1
}
good=(--li 198.51.100.7 --helo mx.example.net --from friend@example.net --to usuario1@example.com)
other=(--li 198.51.100.8 --helo mx.other.example --from someone@other.example)
zen=(--li 203.0.113.66 --helo mx.listed.example --from someone@listed.example --to usuario1@example.com)
err=(--li 198.51.100.99 --helo mx.err.example --from someone@err.example --to usuario1@example.com)

# First attempts: greylisted, except what the checks before greylisting refuse.
expect_rcpt "good mail, first attempt" '^450 4\.2\.0 .*[Gg]reylisted' "${good[@]}"
# Greylisting answers DEFER_IF_PERMIT: a later REJECT (the zen listing) wins at once.
expect_rcpt "zen-listed client (first attempt)" '^554 5\.7\.1 .*blocked using zen\.spamhaus\.org' "${zen[@]}"
expect_rcpt "Spamhaus error answer, first attempt" '^450 4\.2\.0' "${err[@]}"
expect_rcpt "relay to a foreign domain" '^554 5\.7\.1 .*Relay access denied' "${other[@]}" --to victim@example.org
expect_rcpt "unknown recipient (first attempt)" '^550 5\.1\.1 .*User unknown in relay recipient table' "${other[@]}" --to nobody@example.com
expect_rcpt "blocked client (hotmail.com)" '^554 5\.7\.1 .*Client host rejected' --li 198.51.100.44 --helo mx.hotmail.com --from a@hotmail.com --to usuario1@example.com
expect_rcpt "own-domain sender" '^554 5\.7\.1 .*No usar mi dominio en tu remitente' --li 198.51.100.8 --helo mx.other.example --from usuario2@example.com --to usuario1@example.com
expect_rcpt "HELO with our name" '^554 5\.7\.1 .*You are not in the server room' --li 198.51.100.8 --helo spam.example.com --from someone@other.example --to usuario1@example.com
expect_rcpt "HELO with our IP, bare" '^554 5\.7\.1 ' --li 198.51.100.8 --helo 203.0.113.25 --from someone@other.example --to usuario1@example.com
expect_rcpt "HELO with our IP as a literal" '^554 5\.7\.1 .*You are not my IP' --li 198.51.100.8 --helo '[203.0.113.25]' --from someone@other.example --to usuario1@example.com
nohelo=$(ip netns exec "$L" timeout 30 bash -c 'exec 3<>/dev/tcp/192.168.40.3/25; read -r b <&3; printf "MAIL FROM:<friend@example.net>\r\n" >&3; read -r r <&3; printf "QUIT\r\n" >&3; echo "$r"' 2>&1 | tr -d '\r' || true)
if [[ $nohelo =~ ^503\ 5\.5\.1 ]]; then row "no HELO" "^503 5.5.1" "$nohelo" PASS; else row "no HELO" "^503 5.5.1" "$nohelo" FAIL; fi

# Retries after the delay: the clean client and the one with error answers pass.
sleep $((DELAY + 2))
reply=$(send "gw-good-$ID" "${good[@]}" --body "hello from a clean client")
if [[ $reply =~ ^250 ]]; then row "good mail, retry after ${DELAY}s" "250 queued" "$reply" PASS; else row "good mail, retry after ${DELAY}s" "250 queued" "$reply" FAIL; fi
reply=$(send "gw-err-$ID" "${err[@]}" --body "client whose DNSBL answers are Spamhaus error codes")
if [[ $reply =~ ^250 ]]; then row "Spamhaus error answer ignored by Postfix" "250 queued" "$reply" PASS; else row "Spamhaus error answer ignored by Postfix" "250 queued" "$reply" FAIL; fi
pw=$(grep -F "client=mx.err.example[198.51.100.99]" "$W/syslog" | grep -o "decided action=[A-Z0-9]*" | tail -1)
if [ "$pw" = "decided action=PREPEND" ] && ! grep -F "198.51.100.99" "$W/syslog" | grep -q "IN_.*SPAMHAUS"; then
    row "Spamhaus error answer ignored by policyd-weight" "no DNSBL hit, PREPEND (accept)" "$pw" PASS
else row "Spamhaus error answer ignored by policyd-weight" "no DNSBL hit, PREPEND (accept)" "${pw:-no decision logged}" FAIL; fi
send "gw-eicar-com-$ID" "${good[@]}" --attach-name eicar.com --attach @"$W/eicar.com" >/dev/null
send "gw-eicar-txt-$ID" "${good[@]}" --attach-type text/plain --attach-name readme.txt --attach @"$W/eicar.com" >/dev/null
send "gw-gtube-$ID" "${good[@]}" --body 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X' >/dev/null

# What reached the inside server, and what the quarantine holds.
wait_for 120 delivered "gw-good-$ID" || true
f=$(delivered "gw-good-$ID" | head -1)
if [ -n "$f" ] && grep -q '^X-Virus-Scanned: ' "$f" && grep -q '^X-Spam-Status: ' "$f"; then
    row "good mail delivered" "X-Virus-Scanned, X-Spam-Status" "delivered with both headers" PASS
else row "good mail delivered" "X-Virus-Scanned, X-Spam-Status" "${f:-not delivered}" FAIL; fi
wait_for 60 delivered "gw-err-$ID" || true
if [ -n "$(delivered "gw-err-$ID")" ]; then row "Spamhaus error answer: delivered" "delivered" "delivered" PASS
else row "Spamhaus error answer: delivered" "delivered" "not delivered" FAIL; fi
quarantined() { grep -rl -F "Subject: $1" "$R/var/lib/amavis/virusmails" 2>/dev/null || true; }
for v in eicar-com:eicar.com eicar-txt:readme.txt; do
    s="gw-${v%%:*}-$ID" name="EICAR as ${v#*:}"
    wait_for 120 quarantined "$s" || true
    q=$(quarantined "$s") d=$(delivered "$s")
    if [ -n "$q" ] && [ -z "$d" ]; then row "$name" "quarantined, never delivered" "quarantined, not delivered" PASS
    else row "$name" "quarantined, never delivered" "quarantine: ${q:-none}; delivered: ${d:-no}" FAIL; fi
done
wait_for 60 delivered "gw-gtube-$ID" || true
g=$(delivered "gw-gtube-$ID" | head -1)
if [ -n "$g" ] && grep -q '^X-Spam-Flag: YES' "$g" && grep -qF 'Subject: ***SPAM*** ' "$g"; then row "GTUBE" "delivered tagged X-Spam-Flag: YES (D_PASS)" "delivered, X-Spam-Flag: YES, ***SPAM***" PASS
else row "GTUBE" "delivered tagged X-Spam-Flag: YES (D_PASS)" "${g:-not delivered}" FAIL; fi

# The packet filter, loaded by host-setup.sh: a LAN host reaches SMTP but no internal service.
for p in 25 3310 10023 12525 10024 10025; do
    r=$(ip netns exec "$L" timeout 10 bash -c "exec 3<>/dev/tcp/192.168.40.3/$p && echo open" 2>&1 | tail -1 || true)
    if [ "$p" = 25 ]; then
        [ "$r" = open ] && row "LAN host -> port 25" "open" "$r" PASS || row "LAN host -> port 25" "open" "$r" FAIL
    else
        [ "$r" != open ] && row "LAN host -> port $p" "refused" "refused" PASS || row "LAN host -> port $p" "refused" "$r" FAIL
    fi
done

# clamd stopped: the next message is tempfailed by amavis (4xx) and stays queued, never delivered.
cp=$(cat "$R/run/clamav/clamd.pid")
kill "$cp"
while kill -0 "$cp" 2>/dev/null; do sleep 0.2; done
send "gw-noclamd-$ID" "${good[@]}" --body "sent while clamd is down" >/dev/null
deferred() { injail postqueue -p 2>/dev/null | grep -E "said: 4[0-9][0-9] " || true; }
wait_for 120 deferred || true
dq=$(deferred | head -1 | sed 's/^ *//')
sleep 1
if [ -n "$dq" ] && [ -z "$(delivered "gw-noclamd-$ID")" ]; then row "clamd stopped" "tempfailed (4xx), queued, not delivered" "$dq" PASS
else row "clamd stopped" "tempfailed (4xx), queued, not delivered" "${dq:-no deferral}; delivered: $(delivered "gw-noclamd-$ID")" FAIL; fi

# host-setup.sh is idempotent: the second run changed nothing.
if grep -qE "adduser|install -d" "$W/host-setup-2.log"; then row "host-setup.sh, second run" "no change" "$(grep -E 'adduser|install -d' "$W/host-setup-2.log" | head -1)" FAIL
else row "host-setup.sh, second run" "no change" "no change" PASS; fi
injail id -Gn clamav | grep -qw amavis && row "clamav in amavis's group" "after host-setup.sh" "yes" PASS || row "clamav in amavis's group" "after host-setup.sh" "no" FAIL

echo
printf '%-46s | %-40s | %-60s | %s\n' "case" "expected" "got" "result"
printf '%s\n' "${rows[@]}"
echo "stock-install: $(( ${#rows[@]} - failures ))/${#rows[@]} passed in $(( $(date +%s) - START ))s"
if [ "$failures" -gt 0 ]; then
    echo "--- jail.log"; cat "$W/jail.log"; echo "--- cases.log"; cat "$W/cases.log" 2>/dev/null || true
    echo "--- syslog (last 80 lines)"; tail -80 "$W/syslog" 2>/dev/null || true
    exit 1
fi
