#!/usr/bin/env bash
# Build time of `gatewayctl build` (release): the seed example, and a gateway with 1,000,000
# recipients (relay_recipients source + .db written by MapBuilder). The anchor is postmap
# building the same 1,000,000-line source on the same machine, in the same run.
# Usage: bench/build.sh [RECIPIENTS]   (default 1000000). Output goes to bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
out=bench/out/build
rm -rf "$out"; mkdir -p "$out"

swift build -c release --product gatewayctl >/dev/null
bin="$(swift build -c release --show-bin-path)/gatewayctl"

# Wall-clock seconds of a command, best of 3 (first run warms the page cache).
best_of_3() {
    local best=""
    for _ in 1 2 3; do
        local t0=$EPOCHREALTIME
        "$@" >/dev/null
        local t1=$EPOCHREALTIME
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN { s = b - a; if (best == "" || s < best) best = s; printf "%.3f", best }')
    done
    echo "$best"
}

seed_run() { rm -rf "$out/seed"; "$bin" build examples/seed-gateway.conf --out "$out/seed" \
    --set gateway.platform=debian --set gateway.postfix=3.7; }
seed_t=$(best_of_3 seed_run)

# The seed with its inline recipients replaced by a file of $n addresses.
seq 1 "$n" | sed 's/.*/user&@example.com/' > "$out/recipients.txt"
sed -e '/^usuario[0-9]*@example.com$/d' -e "s|^\[recipients\]|[recipients]\nfile = $PWD/$out/recipients.txt|" \
    examples/seed-gateway.conf > "$out/big.conf"

# Fresh output dir every run: a full build, not the "unchanged" fast path.
big_run() { rm -rf "$out/big"; "$bin" build "$out/big.conf" --out "$out/big" \
    --set gateway.platform=debian --set gateway.postfix=3.7; }
big_t=$(best_of_3 big_run)
noop_t=$(best_of_3 "$bin" build "$out/big.conf" --out "$out/big" --set gateway.platform=debian --set gateway.postfix=3.7)

# Anchor: postmap on the source gatewayctl emitted.
mkdir -p "$out/pm"; : > "$out/pm/main.cf"
cp "$out/big/etc/postfix/relay_recipients" "$out/pm/relay_recipients"
pm_run() { rm -f "$out/pm/relay_recipients.db"; postmap -c "$out/pm" "hash:$out/pm/relay_recipients"; }
pm_t=$(best_of_3 pm_run)

keys=$(postmap -c "$out/pm" -s "hash:$out/big/etc/postfix/relay_recipients" | wc -l)
echo "gatewayctl build, release, best of 3 ($(nproc) cores):"
printf '  %-58s %8ss\n' "seed example, full build (14 files, 5 .db)" "$seed_t"
printf '  %-58s %8ss\n' "$n recipients, full build (14 files, 5 .db)" "$big_t"
printf '  %-58s %8ss\n' "$n recipients, nothing changed (same --out)" "$noop_t"
printf '  %-58s %8ss\n' "anchor: postmap hash: on the same $n-line source" "$pm_t"
echo "  check: gatewayctl's relay_recipients.db holds $keys keys (postmap -s)"
