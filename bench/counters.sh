# Sourced by bench/check.sh and bench/simulate.sh: per-process figures that load from other jobs
# on a shared machine does not inflate, beside the wall clock that it does.
#   instructions CMD...   instructions of one whole process (dynamic loader and runtime start
#                         included) under callgrind: repeatable to a few thousand instructions
#   perf_instructions CMD user-space instructions from the CPU's counter (perf stat), mean of 5;
#                         "n/a" where the machine exposes no counter (most VMs)
#   cpu_ms CMD...         CPU time (task-clock) in ms, mean of 21 runs (perf stat)
#   median_ms CMD...      wall clock in ms, median of $runs runs after one warm-up
# Exit statuses of CMD are ignored (simulate exits 1 on a rejected transaction).

instructions() {
    command -v valgrind >/dev/null || { echo "n/a (no valgrind)"; return; }
    { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } \
        | awk '/Collected :/ { printf "%.1fM", $NF / 1e6 }'
}

perf_instructions() {
    command -v perf >/dev/null || { echo "n/a (no perf)"; return; }
    { perf stat -x, -e instructions:u -r 5 "$@" 2>&1 >/dev/null || true; } \
        | awk -F, '/instructions/ { if ($1 ~ /^[0-9.]+$/) printf "%.1fM", $1 / 1e6; else printf "n/a (%s)", $1 }'
}

cpu_ms() {
    command -v perf >/dev/null || { echo "n/a"; return; }
    { perf stat -x, -e task-clock -r 21 "$@" 2>&1 >/dev/null || true; } \
        | awk -F, '/task-clock/ { printf "%.1f", $1 }'
}

median_ms() {
    "$@" >/dev/null 2>&1 || true
    local times=()
    for _ in $(seq "${runs:-21}"); do
        local t0 t1
        t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}
