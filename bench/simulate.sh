#!/usr/bin/env bash
# Cost of one `gatewayctl simulate` process (release, Swift runtime linked statically as
# installed) against the seed gateway built with 1,000,000 recipients in relay_recipients.db
# (simulate --postfix DIR reads the .db through MapBuilder, as smtpd would). The anchor, from the
# same run, is one `postmap -q` lookup of the same key in the same table (a C process doing one
# lookup). Each row: instructions (callgrind, whole process, repeatable under load), CPU time
# (perf stat task-clock, mean of 21), wall clock (best and median of 21).
# Usage: bench/simulate.sh [RECIPIENTS]   (default 1000000). Output goes to bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
out=bench/out/simulate
rm -rf "$out"; mkdir -p "$out"

# The installed build (scripts/release-build.sh): the Swift runtime and libstdc++ linked
# statically, so a one-shot CLI does not load and bind them on every start.
bash scripts/release-build.sh .build-static >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 2; }
# Installed as the README says (`install -s`: no debug info, which valgrind 3.19 cannot read).
bin="$out/gatewayctl"
install -s -m 755 .build-static/release/gatewayctl "$bin"

# The seed with its inline recipients replaced by a file of $n addresses, built once.
seq 1 "$n" | sed 's/.*/user&@example.com/' > "$out/recipients.txt"
sed -e '/^usuario[0-9]*@example.com$/d' -e "s|^\[recipients\]|[recipients]\nfile = $PWD/$out/recipients.txt|" \
    examples/seed-gateway.conf > "$out/big.conf"
"$bin" build "$out/big.conf" --out "$out/big" --set gateway.platform=debian --set gateway.postfix=3.7 >/dev/null
dir="$out/big/etc/postfix"
last="user${n}@example.com"

. bench/counters.sh

# Wall clock in ms, best and median of 21 runs.
best_median_ms() {
    local samples=()
    for _ in $(seq 1 21); do
        local t0 t1
        t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
        samples+=("$(( (t1 - t0) / 1000 ))")
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f / %.1f", a[1]/1000, a[int((NR+1)/2)]/1000}'
}
row() {
    local label=$1; shift
    printf '  %-46s %12s %8s %14s\n' "$label" "$(instructions "$@")" "$(cpu_ms "$@")" "$(best_median_ms "$@")"
}
sim=("$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net --from a@example.net)
rows=$(
    row "listed recipient (last of $n), all checks" "${sim[@]}" --to "$last" --greylist-known
    row "unlisted recipient (550 User unknown)" "${sim[@]}" --to nobody@example.com --greylist-known
    row "foreign recipient (554 Relay access denied)" "${sim[@]}" --to x@example.org
    row "anchor: postmap -q of the same key" postmap -c "$dir" -q "$last" "hash:$dir/relay_recipients"
    row "floor: gatewayctl --version (process start)" "$bin" --version
)
# The listed recipient over its anchor, per figure (the house target: 1.5x or less); wall
# compares the medians.
ratios=$(echo "$rows" | awk '
    /^  listed recipient/ { ours[0] = $(NF - 4); ours[1] = $(NF - 3); ours[2] = $NF }
    /anchor:/          { anchor[0] = $(NF - 4); anchor[1] = $(NF - 3); anchor[2] = $NF }
    END { for (i = 0; i < 3; i++) { a = ours[i]; b = anchor[i]; sub(/M$/, "", a); sub(/M$/, "", b)
          r[i] = (b + 0 > 0) ? sprintf("%.2fx", a / b) : "n/a" }
          printf "  simulate (listed) / postmap -q: %s instructions, %s cpu, %s wall\n", r[0], r[1], r[2] }')

verdict=$("$bin" simulate --postfix "$dir" --client-address 203.0.113.9 --helo mx.example.net \
    --from a@example.net --to "$last" --to nobody@example.com --greylist-known | grep '^RCPT' || true)
keys=$(postmap -c "$dir" -s "hash:$dir/relay_recipients" | wc -l)
echo "gatewayctl simulate, release, static runtime, one process per run ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)), $keys keys in relay_recipients.db:"
printf '  %-46s %12s %8s %14s\n' "" "instructions" "cpu ms" "wall best/med"
echo "$rows"
echo "$ratios"
echo "  (instructions: callgrind, one run; cpu: perf stat task-clock, mean of 21; wall: 21 runs)"
echo "  perf's hardware counter, listed / postmap -q: $(perf_instructions "${sim[@]}" --to "$last" --greylist-known)" \
     "/ $(perf_instructions postmap -c "$dir" -q "$last" "hash:$dir/relay_recipients")"
echo "$verdict" | sed 's/^/  check: /'
