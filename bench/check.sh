#!/usr/bin/env bash
# Cost of one `gatewayctl check` process (release build) on the seed example, beside the anchor
# `postconf -n` on an equivalent main.cf (same run, same machine): instructions (callgrind, whole
# process, repeatable under load), CPU time (perf stat task-clock, mean of 21), wall clock (median
# of N runs); for the installed build (Swift runtime linked statically) and the default dynamic
# one. Then a gateway whose recipients file holds 1,000,000 addresses, with wall time and peak
# RSS from /usr/bin/time -v. Usage: bench/check.sh [RUNS] [RECIPIENTS]   (defaults 21, 1000000).
# Output goes to bench/out/check/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-21}"
n="${2:-1000000}"
out=bench/out/check
rm -rf "$out"; mkdir -p "$out/postfix"

build() { swift build "$@" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 2; }; }
build -c release --product gatewayctl
bin="$(swift build -c release --show-bin-path)/gatewayctl"
# The installed build links the Swift runtime, FoundationEssentials and libstdc++ statically
# (scripts/release-build.sh, README): dynamically, loading them costs every start 3-5 ms more.
bash scripts/release-build.sh .build-static >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 2; }
# Installed as the README says (`install -s`: no debug info, which valgrind 3.19 cannot read
# since the binary holds C code of its own); the dynamic build stripped the same way.
static_bin=$out/gatewayctl
install -s -m 755 .build-static/release/gatewayctl "$static_bin"
strip -o "$out/gatewayctl-dynamic" "$bin"
bin=$out/gatewayctl-dynamic

. bench/counters.sh

# The seed's Postfix side as main.cf: the anchor reads and prints it like check reads ours.
cat > "$out/postfix/main.cf" <<'MAINCF'
myhostname = spam.example.com
mydomain = example.com
myorigin = $mydomain
inet_interfaces = all
mydestination =
local_recipient_maps =
local_transport = error:No molestar envio local esta deshabilitado
mynetworks = 192.168.40.2/32
relay_domains = example.com
relay_recipient_maps = hash:/usr/local/etc/postfix/relay_recipients
transport_maps = hash:/usr/local/etc/postfix/transport
virtual_alias_maps = hash:/usr/local/etc/postfix/virtual
smtpd_banner = $myhostname ESMTP $mail_name
smtpd_helo_required = yes
message_size_limit = 10240000
unknown_local_recipient_reject_code = 550
smtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_non_fqdn_sender,
    reject_unknown_sender_domain, reject_unknown_recipient_domain, permit_mynetworks,
    check_sender_access hash:/usr/local/etc/postfix/no_usar_mi_dominio, reject_unauth_destination,
    check_helo_access pcre:/usr/local/etc/postfix/helo_checks, reject_multi_recipient_bounce,
    reject_non_fqdn_hostname, reject_invalid_hostname, check_policy_service inet:192.168.40.3:10023,
    reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], permit
content_filter = smtp-amavis:[192.168.40.3]:10024
MAINCF
cp /etc/postfix/master.cf "$out/postfix/master.cf"
postconf_bin=$(command -v postconf || echo /usr/sbin/postconf)

# One row per command: instructions, CPU ms, wall ms.
row() {
    local label=$1; shift
    printf '  %-50s %12s %9s %9s\n' "$label" "$(instructions "$@")" "$(cpu_ms "$@")" "$(median_ms "$@")"
}
seed=examples/seed-gateway.conf
rows=$(
    row "check, static Swift runtime (installed build)" "$static_bin" check "$seed"
    row "check, dynamic (plain swift build)" "$bin" check "$seed"
    row "anchor: postconf -n on the equivalent main.cf" "$postconf_bin" -c "$out/postfix" -n
    row "start-up alone: gatewayctl --version, static" "$static_bin" --version
    row "start-up alone: gatewayctl --version, dynamic" "$bin" --version
)
# Installed check over its anchor, per figure (the house target: 1.0x or less).
ratios=$(echo "$rows" | awk '
    /check, static/ { for (i = 0; i < 3; i++) ours[i] = $(NF - 2 + i) }
    /anchor:/       { for (i = 0; i < 3; i++) anchor[i] = $(NF - 2 + i) }
    END { for (i = 0; i < 3; i++) { a = ours[i]; b = anchor[i]; sub(/M$/, "", a); sub(/M$/, "", b)
          r[i] = (b + 0 > 0) ? sprintf("%.2fx", a / b) : "n/a" }
          printf "  check / postconf -n: %s instructions, %s cpu, %s wall\n", r[0], r[1], r[2] }')

# The seed with its inline recipients replaced by a file of $n addresses.
seq 1 "$n" | sed 's/.*/usuario&@example.com/' > "$out/recipients.txt"
sed -e '/^usuario[0-9]*@example.com$/d' -e 's|^\[recipients\]|[recipients]\nfile = recipients.txt|' \
    examples/seed-gateway.conf > "$out/big.conf"
"$bin" check "$out/big.conf" >/dev/null   # warm the page cache; must exit 0
timed() {
    /usr/bin/time -v "$1" check "$out/big.conf" >/dev/null 2>"$out/time.txt"
    awk -F': ' '/Elapsed \(wall clock\)/ {w=$2} /Maximum resident set size/ {r=$2/1024}
                END {printf "%s wall, %.1f MiB peak RSS", w, r}' "$out/time.txt"
}
big=$(timed "$bin")
big_static=$(timed "$static_bin")

echo "gatewayctl check of the seed example, release ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)):"
printf '  %-50s %12s %9s %9s\n' "" "instructions" "cpu ms" "wall ms"
echo "$rows"
echo "$ratios"
echo "  (instructions: callgrind, one run; cpu: perf stat task-clock, mean of 21; wall: median of $runs)"
echo "  perf's hardware counter, check static / postconf -n: $(perf_instructions "$static_bin" check "$seed")" \
     "/ $(perf_instructions "$postconf_bin" -c "$out/postfix" -n)"
echo "gatewayctl check with $n recipients in a file (/usr/bin/time -v):"
printf '  %-14s %s\n' "dynamic" "$big"
printf '  %-14s %s\n' "static" "$big_static"
