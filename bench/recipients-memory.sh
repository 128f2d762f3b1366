#!/usr/bin/env bash
# Peak memory of `gatewayctl check` and `gatewayctl build` on a gateway whose `[recipients] file`
# holds N addresses (default 10,000,000), beside the anchor: postmap building the very
# relay_recipients source gatewayctl emitted, on the same machine, in the same run. Peak RSS and
# wall time come from /usr/bin/time -v. Target (issue 10): under 300 MiB for both commands.
# Usage: bench/recipients-memory.sh [N]    Output goes to bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000000}"
out=bench/out/recipients-memory
rm -rf "$out"; mkdir -p "$out"

swift build -c release --product gatewayctl >/dev/null
bin="$(swift build -c release --show-bin-path)/gatewayctl"

# `/usr/bin/time -v` figures of one run: "peak-MiB wall-s".
measure() {
    /usr/bin/time -v "$@" >"$out/stdout" 2>"$out/time" || true
    awk '/Maximum resident set size/ { rss = $6 } /Elapsed \(wall clock\)/ { split($8, t, ":"); w = t[1] * 60 + t[2]; if (length(t) == 3) w = t[1] * 3600 + t[2] * 60 + t[3] }
         END { printf "%.0f MiB, %.1f s", rss / 1024, w }' "$out/time"
}

seq 1 "$n" | sed 's/.*/user&@example.com/' > "$out/recipients.txt"
sed -e '/^usuario[0-9]*@example.com$/d' -e "s|^\[recipients\]|[recipients]\nfile = $PWD/$out/recipients.txt|" \
    examples/seed-gateway.conf > "$out/big.conf"
set_args=(--set gateway.platform=debian --set gateway.postfix=3.7)

check=$(measure "$bin" check "$out/big.conf" "${set_args[@]}")
build=$(measure "$bin" build "$out/big.conf" --out "$out/tree" "${set_args[@]}")
grep -q '^built ' "$out/stdout" "$out/time" 2>/dev/null || { echo "build failed:"; cat "$out/stdout" "$out/time"; exit 1; }

# Anchor: postmap on the source gatewayctl emitted (SMTPUTF8 on, as the built main.cf says).
mkdir -p "$out/postmap"
cp "$out/tree/etc/postfix/relay_recipients" "$out/tree/etc/postfix/main.cf" "$out/postmap/"
anchor=$(measure postmap -c "$out/postmap" "hash:$out/postmap/relay_recipients")

printf '%-44s %s\n' "recipients" "$n" \
    "gatewayctl check (peak RSS, wall)" "$check" \
    "gatewayctl build, fresh dir (peak RSS, wall)" "$build" \
    "anchor: postmap hash: same source" "$anchor"
