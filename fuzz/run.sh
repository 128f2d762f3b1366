#!/usr/bin/env bash
# Fuzzes the gateway.conf reader with libFuzzer for a bounded time (default 60 s), then prints
# the number of executions and of crashes. Usage: fuzz/run.sh [SECONDS]
# Crash inputs land in fuzz/out/crash-*; reproduce one with `fuzz/out/fuzz-parser FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=fuzz/out
corpus=fuzz/corpus-run
mkdir -p "$out" "$corpus"
rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*

# The whole ConfigModel module, built with the fuzzer from a snapshot (editing the sources
# meanwhile cannot break the build). MapBuilder, which it imports, is built first as a plain
# optimised module against the libdb and libpcre2 system modules.
rm -rf "$out/src" "$out/modules"; mkdir -p "$out/src" "$out/modules"
cp -R Sources/ConfigModel Sources/MapBuilder Sources/CPCRE2 Sources/CBerkeleyDB "$out/src/"
mapfile -t mapbuilder < <(find "$out/src/MapBuilder" -name '*.swift' | sort)
mapfile -t sources < <(find "$out/src/ConfigModel" -name '*.swift' | sort)
cmods=(-I "$out/src/CPCRE2" -I "$out/src/CBerkeleyDB")
if ! { swiftc -parse-as-library -O -wmo -module-name MapBuilder "${cmods[@]}" -emit-module \
           -emit-module-path "$out/modules/MapBuilder.swiftmodule" -c "${mapbuilder[@]}" -o "$out/modules/MapBuilder.o" &&
       swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ConfigModel "${cmods[@]}" -I "$out/modules" \
           fuzz/FuzzParser.swift "${sources[@]}" "$out/modules/MapBuilder.o" -lpcre2-8 -ldb -o "$out/fuzz-parser"
     } >"$out/build.log" 2>&1; then
    grep -v 'ld.gold: warning' "$out/build.log" >&2
    exit 2
fi

# Seeds: the examples and the broken files (the generated long line is too big to help).
cp fuzz/corpus/* examples/*.conf "$corpus"/ 2>/dev/null || true
find examples/broken -name '*.conf' -type f -size -8k -exec cp {} "$corpus"/ \;

set +e
"$out/fuzz-parser" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/" >"$out/fuzz.log" 2>&1
status=$?
set -e
runs=$(grep -E '^stat::number_of_executed_units' "$out/fuzz.log" | awk '{print $2}')
crashes=$(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
echo "fuzz: ${seconds}s, executions: ${runs:-unknown}, crashes: $crashes, libFuzzer exit: $status (log: $out/fuzz.log)"
[ "$crashes" -eq 0 ] && [ "$status" -eq 0 ]
