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

# The language module (ConfigModel: model, gateway.conf reader) is built with the fuzzer from a
# snapshot (editing the sources meanwhile cannot break the build). The modules below it
# (MapBuilder, Diagnostics, PostfixConfig) are built first as plain optimised modules; nothing
# above it (compiler, lint, simulate) is linked.
rm -rf "$out/src" "$out/modules"; mkdir -p "$out/src" "$out/modules"
cp -R Sources/ConfigModel Sources/Diagnostics Sources/PostfixConfig Sources/MapBuilder Sources/CPCRE2 \
    Sources/CBerkeleyDB "$out/src/"
cmods=(-I "$out/src/CPCRE2" -I "$out/src/CBerkeleyDB" -I "$out/modules")
objects=()
lower() {   # lower MODULE: an optimised module and its object file
    local files; mapfile -t files < <(find "$out/src/$1" -name '*.swift' | sort)
    swiftc -parse-as-library -O -wmo -module-name "$1" "${cmods[@]}" -emit-module \
        -emit-module-path "$out/modules/$1.swiftmodule" -c "${files[@]}" -o "$out/modules/$1.o" &&
    objects+=("$out/modules/$1.o")
}
mapfile -t sources < <(find "$out/src/ConfigModel" -name '*.swift' | sort)
if ! { lower MapBuilder && lower Diagnostics && lower PostfixConfig &&
       swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ConfigModel "${cmods[@]}" \
           fuzz/FuzzParser.swift "${sources[@]}" "${objects[@]}" -lpcre2-8 -ldb -o "$out/fuzz-parser"
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
