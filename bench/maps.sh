#!/usr/bin/env bash
# Builds a 1,000,000-entry recipient table (`user@domain OK`, random order) with postmap and with
# gatewayctl (release build) in the same run, for hash, btree, lmdb and cdb, and prints wall
# time, CPU time, the ratio and peak memory of each (/usr/bin/time -v). Both tables must dump
# the same (cdb, which postmap cannot dump: both files must be equal byte for byte).
# Usage: bench/maps.sh [ENTRIES [TYPE...]]   (output and scratch files in bench/out/, gitignored)
# MAPS_FLAGS="-w" (or -r, ...) passes postmap flags to both tools.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-1000000}
shift || true
types=("$@")
read -r -a flags <<< "${MAPS_FLAGS:-}"
[ ${#types[@]} -gt 0 ] || types=(hash btree lmdb cdb)
out=bench/out/maps
mkdir -p "$out/postfix"
printf 'compatibility_level = 3.6\nsmtputf8_enable = no\n' > "$out/postfix/main.cf"

command -v postmap >/dev/null || { echo "maps.sh: postmap not found (apt-get install postfix)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "maps.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

echo "building gatewayctl (release)..." >&2
swift build -c release --product gatewayctl >/dev/null
gw=$(swift build -c release --show-bin-path)/gatewayctl

# Deterministic random order: k -> k * 611953 mod N is a permutation (611953 is coprime to 10^n).
src="$out/recipients-$entries"
if [ ! -s "$src" ]; then
  awk -v n="$entries" 'BEGIN {
    for (k = 0; k < n; k++) {
      i = (k * 611953) % n
      printf "usuario%07d.%c%c@ejemplo%d.example.com OK\n", i, 97 + i % 26, 97 + int(i / 26) % 26, i % 97
    }
  }' > "$src"
fi
cat "$src" > /dev/null   # both tools start with the source in the page cache

# measure LABEL CMD...: prints "wall cpu peakKiB" from /usr/bin/time -v.
measure() {
  local log="$out/time.log"
  /usr/bin/time -v "$@" > /dev/null 2> "$log" || { cat "$log" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time/ { cpu += $2 } /System time/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.2f %.2f %d\n", wall, cpu, rss }' "$log"
}

printf '%-6s %-10s %9s %9s %10s\n' type tool wall_s cpu_s peak_MiB
for type in "${types[@]}"; do
  suffix=.$type; case $type in hash|btree) suffix=.db ;; esac
  cp "$src" "$out/pm.src"; cp "$src" "$out/gw.src"
  rm -f "$out"/pm.src.* "$out"/gw.src.*
  read -r pw pc pr < <(measure postmap -c "$out/postfix" ${flags[@]+"${flags[@]}"} "$type:$out/pm.src")
  read -r gw_w gc gr < <(measure "$gw" map build --force ${flags[@]+"${flags[@]}"} "$type:$out/gw.src")
  awk -v t="$type" -v pw="$pw" -v pc="$pc" -v pr="$pr" -v gw="$gw_w" -v gc="$gc" -v gr="$gr" 'BEGIN {
    printf "%-6s %-10s %9.2f %9.2f %10.1f\n", t, "postmap", pw, pc, pr / 1024
    printf "%-6s %-10s %9.2f %9.2f %10.1f\n", t, "gatewayctl", gw, gc, gr / 1024
    printf "%-6s %-10s %8.2fx %8.2fx   (postmap / gatewayctl)\n", t, "ratio", pw / gw, pc / gc
  }'
  if [ "$type" = cdb ]; then
    cmp -s "$out/pm.src$suffix" "$out/gw.src$suffix" && echo "$type    files equal (cmp)" || { echo "$type    FILES DIFFER" >&2; exit 1; }
  else
    a=$(postmap -c "$out/postfix" -s "$type:$out/pm.src" | sort | md5sum)
    b=$(postmap -c "$out/postfix" -s "$type:$out/gw.src" | sort | md5sum)
    [ "$a" = "$b" ] && echo "$type   dumps equal (postmap -s)" || { echo "$type   DUMPS DIFFER" >&2; exit 1; }
  fi
  rm -f "$out"/pm.src.* "$out"/gw.src.*
done
