#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer, one target after another (or N at a time), each for a
# bounded time, and fails on any finding: a trap or crash, a hang (one input over 10 s:
# -timeout=10) or memory (over 1 GiB: -rss_limit_mb=1024).
#
#   fuzz/all.sh [SECONDS] [TARGET...]     default 60 s per target, every target
#   FUZZ_JOBS=2 fuzz/all.sh 600           two targets at a time (the machine has 2 cores)
#
# Targets (fuzz/Fuzz*.swift):
#   gateway-conf   gateway.conf reader, --set overrides, gateway rules, recipients-file lines
#   postfix-conf   main.cf + master.cf + one access table, through the whole Postfix linter
#   map-source     postmap sources (folding, SMTPUTF8, duplicates) and lookups
#   regex-table    pcre: and regexp: tables, compiled and queried
#   simulate       simulate --batch lines (addresses, HELO, client) against a fixed gateway
#
# Per target: fuzz/out/TARGET/fuzz.log, and crash-*/timeout-*/oom-* artifacts; reproduce one
# with `fuzz/out/bin/fuzz-TARGET FILE`. The corpus grows in fuzz/out/TARGET/corpus (seeded
# from fuzz/corpus/TARGET/, fuzz/corpus/*.conf and the examples).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all_targets=(gateway-conf postfix-conf map-source regex-table simulate)
[ $# -gt 0 ] && targets=("$@") || targets=("${all_targets[@]}")
jobs=${FUZZ_JOBS:-1}
out=fuzz/out

# The library modules in dependency order (Package.swift), each compiled once with coverage
# instrumentation, ASan and -enable-testing (the targets use @testable import), from a
# snapshot of the sources so that editing them meanwhile cannot break the build.
modules=(MapBuilder Diagnostics PostfixConfig ConfigModel GatewayCompiler Simulate Lint)
declare -A target_file=(
    [gateway-conf]=FuzzParser.swift [postfix-conf]=FuzzPostfixConf.swift [map-source]=FuzzMapSource.swift
    [regex-table]=FuzzRegexTable.swift [simulate]=FuzzSimulate.swift
)

build() {
    rm -rf "$out/src" "$out/modules" "$out/bin"; mkdir -p "$out/src" "$out/modules" "$out/bin"
    cp -R Sources/. "$out/src/"
    local cmods=() m srcs
    for m in "$out"/src/C*/module.modulemap; do cmods+=(-I "$(dirname "$m")"); done
    for m in "${modules[@]}"; do
        mapfile -t srcs < <(find "$out/src/$m" -name '*.swift' | sort)
        swiftc -parse-as-library -O -wmo -enable-testing -sanitize=fuzzer,address -module-name "$m" \
            "${cmods[@]}" -I "$out/modules" -emit-module -emit-module-path "$out/modules/$m.swiftmodule" \
            -c "${srcs[@]}" -o "$out/modules/$m.o"
    done
    local t
    for t in "${targets[@]}"; do
        [ -n "${target_file[$t]:-}" ] || { echo "fuzz: unknown target $t (${all_targets[*]})" >&2; return 64; }
        swiftc -parse-as-library -O -sanitize=fuzzer,address -module-name "Fuzz${t//-/}" "${cmods[@]}" \
            -I "$out/modules" "fuzz/${target_file[$t]}" fuzz/FuzzInput.swift "$out"/modules/*.o \
            -lpcre2-8 -ldb -o "$out/bin/fuzz-$t"
    done
}
mkdir -p "$out"
if ! build >"$out/build.log" 2>&1; then
    grep -v 'ld.gold: warning' "$out/build.log" >&2
    exit 2
fi

run() {
    local t=$1 dir="$out/$1"
    mkdir -p "$dir/corpus"
    rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
    cp fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null || true
    if [ "$t" = gateway-conf ]; then
        cp fuzz/corpus/*.conf examples/*.conf "$dir/corpus/" 2>/dev/null || true
        find examples/broken -name '*.conf' -type f -size -8k -exec cp {} "$dir/corpus/" \;
    fi
    local status=0
    "$out/bin/fuzz-$t" "$dir/corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$dir/" >"$dir/fuzz.log" 2>&1 || status=$?
    local runs findings
    runs=$(grep -E '^stat::number_of_executed_units' "$dir/fuzz.log" | awk '{print $2}')
    findings=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    echo "fuzz $t: ${seconds}s, executions: ${runs:-unknown}, findings: $findings, libFuzzer exit: $status (log: $dir/fuzz.log)"
    [ "$findings" -eq 0 ] && [ "$status" -eq 0 ]
}

failed=0
pids=()
for t in "${targets[@]}"; do
    run "$t" >"$out/$t.result" 2>&1 &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$jobs" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
for t in "${targets[@]}"; do cat "$out/$t.result"; done
exit "$failed"
