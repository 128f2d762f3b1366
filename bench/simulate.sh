#!/usr/bin/env bash
# Wall time of one `gatewayctl simulate` process (release) against the seed gateway built with
# 1,000,000 recipients in relay_recipients.db (simulate --postfix DIR reads the .db through
# MapBuilder, as smtpd would). Target: under 20 ms. The anchor, from the same run, is one
# `postmap -q` lookup of the same key in the same table (a C process doing one lookup).
# Usage: bench/simulate.sh [RECIPIENTS]   (default 1000000). Output goes to bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
out=bench/out/simulate
rm -rf "$out"; mkdir -p "$out"

# Release build with the Swift runtime linked statically: a one-shot CLI pays for dynamic
# symbol binding of libswiftCore/Foundation on every start (about 6 ms of the budget here).
swift build -c release --product gatewayctl --static-swift-stdlib --build-path .build-static >/dev/null
bin=".build-static/release/gatewayctl"

# The seed with its inline recipients replaced by a file of $n addresses, built once.
seq 1 "$n" | sed 's/.*/user&@example.com/' > "$out/recipients.txt"
sed -e '/^usuario[0-9]*@example.com$/d' -e "s|^\[recipients\]|[recipients]\nfile = $PWD/$out/recipients.txt|" \
    examples/seed-gateway.conf > "$out/big.conf"
"$bin" build "$out/big.conf" --out "$out/big" --set gateway.platform=debian --set gateway.postfix=3.7 >/dev/null
dir="$out/big/etc/postfix"
last="user${n}@example.com"

# Milliseconds of wall time of a command: best and median of 21 runs.
time_ms() {
    local samples=()
    for _ in $(seq 1 21); do
        local t0 t1
        t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
        samples+=("$(( (t1 - t0) / 1000 ))")
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %.1f ms, median %.1f ms", a[1]/1000, a[int((NR+1)/2)]/1000}'
}

listed=$(time_ms "$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net \
    --from a@example.net --to "$last" --greylist-known)
unlisted=$(time_ms "$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net \
    --from a@example.net --to nobody@example.com --greylist-known)
relay=$(time_ms "$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net \
    --from a@example.net --to x@example.org)
anchor=$(time_ms postmap -c "$dir" -q "$last" "hash:$dir/relay_recipients")
floor=$(time_ms "$bin" --version)

# CPU time per process, which load from other jobs does not inflate (perf, when installed).
cpu="(perf not installed)"
if command -v perf >/dev/null; then
    cpu=$(perf stat -x, -e task-clock -r 21 "$bin" simulate --postfix "$dir" --client-address 203.0.113.9 \
        --helo mx.example.net --from a@example.net --to "$last" --greylist-known 2>&1 >/dev/null \
        | awk -F, '/task-clock/ {printf "%.1f ms", $1}')
fi

verdict=$("$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net \
    --from a@example.net --to "$last" --to nobody@example.com --greylist-known | grep '^RCPT' || true)
keys=$(postmap -c "$dir" -s "hash:$dir/relay_recipients" | wc -l)
echo "gatewayctl simulate, release, one process per run, 21 runs ($(nproc) cores), $keys keys in relay_recipients.db:"
printf '  %-52s %s\n' "listed recipient (last of $n), all checks" "$listed"
printf '  %-52s %s\n' "unlisted recipient (550 User unknown)" "$unlisted"
printf '  %-52s %s\n' "foreign recipient (554 Relay access denied)" "$relay"
printf '  %-52s %s\n' "anchor: postmap -q of the same key" "$anchor"
printf '  %-52s %s\n' "floor: gatewayctl --version (process start)" "$floor"
printf '  %-52s %s\n' "CPU time, listed recipient (mean of 21)" "$cpu"
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$verdict" | sed 's/^/  check: /'
