#!/usr/bin/env bash
# Measures Sluice against the targets in BENCHMARKS.md. Not a test: it prints numbers, it does not fail on
# them (it fails only when something breaks: the build, the server, a request error count that is not 0).
#
#   scripts/bench.sh            every part, then a summary
#   scripts/bench.sh reads      (a) GET /schemas/ids/{id}, 64 connections, over 1,000 preloaded ids (wrk)
#   scripts/bench.sh writes     (b) registering distinct schemas on SQLite, 16 connections (wrk)
#   scripts/bench.sh compat     (c) criterion: BACKWARD_TRANSITIVE 200 fields x 100 versions, normalization
#   scripts/bench.sh memory     (d) resident memory with 10,000 registered schemas
#
# Several parts may be named: `scripts/bench.sh reads memory`.
# Environment: BENCH_DURATION (wrk seconds, default 20), BENCH_NO_BUILD=1 (use the existing
# target/release/sluice), BENCH_KEEP=1 (keep the temporary data directories and server logs).
#
# Needs: cargo, python3 (stdlib only), wrk (installed from Debian when missing). The server and wrk share
# the machine's cores: run it on an otherwise idle machine (it prints the load average before each part).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
duration=${BENCH_DURATION:-20}
binary=$root/target/release/sluice
work=$(mktemp -d -t sluice-bench-XXXXXX)
summary=$work/summary.txt
: >"$summary"
server_pid=

say() { printf '==> %s\n' "$*" >&2; }
note() { printf '%s\n' "$*" | tee -a "$summary" >&2; }

cleanup() {
    stop_server
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    say "installing wrk (Debian package)"
    apt-get update -qq >/dev/null
    apt-get install -y -qq wrk >/dev/null
}

build() {
    if [[ ${BENCH_NO_BUILD:-} == 1 && -x $binary ]]; then
        return 0
    fi
    say "cargo build --release --bin sluice"
    cargo build --release --bin sluice --quiet
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# start_server NAME [extra serve args]: a release server on a free port with its own data directory;
# sets server_pid, base, data_dir.
start_server() {
    local name=$1
    shift
    data_dir=${data_dir_override:-$work/$name-data}
    local log=$work/$name.log
    mkdir -p "$data_dir"
    NO_COLOR=1 "$binary" serve --listen 127.0.0.1:0 --data-dir "$data_dir" "$@" >"$log" 2>&1 &
    server_pid=$!
    local addr=
    for _ in $(seq 1 300); do
        addr=$(grep -o 'registry listening.*addr=[0-9.:]*' "$log" 2>/dev/null | grep -o 'addr=[0-9.:]*' |
            head -n 1 | cut -d= -f2 || true)
        [[ -n $addr ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; say "the server exited"; exit 1; }
        sleep 0.1
    done
    [[ -n $addr ]] || { cat "$log" >&2; say "the server did not listen within 30 s"; exit 1; }
    base=http://$addr
    say "server $name (pid $server_pid) at $base, data in $data_dir"
}

stop_server() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# CPU seconds (user+system) a process has used so far.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# wrk_summary FILE: "req/s p50 p90 p99 errors" from wrk --latency output.
wrk_field() {
    local file=$1 what=$2
    case $what in
        rps) awk '/^Requests\/sec:/ {print $2}' "$file" ;;
        p50 | p75 | p90 | p99)
            local pct=${what#p}
            awk -v p="$pct%" '$1 == p {print $2}' "$file" | head -n 1
            ;;
        requests) awk '/requests in/ {print $1}' "$file" ;;
        non2xx) awk '/Non-2xx or 3xx responses:/ {print $5}' "$file" | grep . || echo 0 ;;
        socket) grep -o 'Socket errors:.*' "$file" || echo "Socket errors: none" ;;
    esac
}

# run_wrk NAME ARGS...: runs wrk while sampling the server's CPU time; prints the output.
run_wrk() {
    local name=$1
    shift
    local out=$work/$name.wrk
    local cpu_before cpu_after
    cpu_before=$(cpu_seconds "$server_pid")
    if ! wrk "$@" >"$out" 2>&1; then
        cat "$out" >&2
        say "wrk failed"
        exit 1
    fi
    cpu_after=$(cpu_seconds "$server_pid")
    cat "$out" >&2
    server_cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v d="$duration" \
        'BEGIN {printf "%.2f", (b - a) / d}')
    wrk_out=$out
}

part_reads() {
    say "(a) reads — load average before: $(load)"
    ensure_wrk
    start_server reads
    local preload
    preload=$(python3 "$root/bench/register.py" --base "$base" --count 1000 --concurrency 16 --tag reads)
    say "preload: $preload"
    local first last
    first=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["first_id"])' "$preload")
    last=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["last_id"])' "$preload")
    # Warm-up (connections, caches), not reported.
    wrk -t2 -c64 -d3s -s "$root/bench/reads.lua" "$base" -- "$first" "$last" >/dev/null
    run_wrk reads -t2 -c64 -d"${duration}s" --latency -s "$root/bench/reads.lua" "$base" -- "$first" "$last"
    note "(a) reads: GET /schemas/ids/{id} over ids $first..$last, wrk -t2 -c64 -d${duration}s"
    note "    $(wrk_field "$wrk_out" rps) req/s; latency p50 $(wrk_field "$wrk_out" p50)," \
        "p90 $(wrk_field "$wrk_out" p90), p99 $(wrk_field "$wrk_out" p99);" \
        "non-2xx $(wrk_field "$wrk_out" non2xx); $(wrk_field "$wrk_out" socket)"
    note "    server CPU: $server_cpu cores on average (of $(nproc)); load before: $(load)"
    note "    target: >= 50,000 req/s with p99 < 5 ms"
    stop_server
}

part_writes() {
    say "(b) writes — load average before: $(load)"
    ensure_wrk
    start_server writes
    curl -fsS -X PUT "$base/config" -H 'Content-Type: application/json' \
        -d '{"compatibility":"NONE"}' >/dev/null
    run_wrk writes -t2 -c16 -d"${duration}s" --latency -s "$root/bench/writes.lua" "$base" -- "w$$"
    local counted
    counted=$(python3 "$root/bench/count.py" "$base")
    note "(b) writes: distinct schemas, SQLite (WAL, group commit: answered after fsync), wrk -t2 -c16 -d${duration}s"
    note "    $(wrk_field "$wrk_out" rps) registrations/s ($(wrk_field "$wrk_out" requests) requests);" \
        "latency p50 $(wrk_field "$wrk_out" p50), p99 $(wrk_field "$wrk_out" p99);" \
        "non-2xx $(wrk_field "$wrk_out" non2xx); $(wrk_field "$wrk_out" socket)"
    note "    stored afterwards: $counted"
    note "    server CPU: $server_cpu cores on average (of $(nproc)); load before: $(load)"
    note "    target: >= 1,000 registrations/s, 0 errors"
    stop_server
}

part_compat() {
    say "(c) compatibility engine — load average before: $(load)"
    local out=$work/compat.txt
    cargo bench -p sluice-compat --bench compatibility 2>&1 | tee "$out" >&2
    note "(c) compat (criterion, cargo bench -p sluice-compat --bench compatibility):"
    # criterion prints the name alone on a line when it is long, else on the line with `time:`.
    awk '/^[a-z_0-9]+ *$/ {name=$1} /time:/ {if ($1 != "time:") name=$1; sub(/^.*time: */, "");
        print "    " name ": " $0}' "$out" |
        tee -a "$summary" >&2
    note "    targets: BACKWARD_TRANSITIVE 200 fields x 100 versions < 5 ms; normalization < 100 µs"
}

part_memory() {
    say "(d) memory — load average before: $(load)"
    start_server memory
    local empty filled read_all hwm after_restart
    empty=$(rss_kib)
    local registered
    registered=$(python3 "$root/bench/register.py" --base "$base" --count 10000 --concurrency 16 \
        --subjects 1000 --tag mem)
    say "registered: $registered"
    filled=$(rss_kib)
    # Read every schema once by id (the bodies are rendered at insert; this checks nothing grows on reads).
    local last
    last=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["last_id"])' "$registered")
    ensure_wrk
    wrk -t2 -c16 -d5s -s "$root/bench/reads.lua" "$base" -- 1 "$last" >/dev/null
    read_all=$(rss_kib)
    hwm=$(hwm_kib)
    local counted
    counted=$(python3 "$root/bench/count.py" "$base")
    stop_server
    # The same data loaded from disk at start-up.
    data_dir_override=$data_dir start_server memory-restart
    after_restart=$(rss_kib)
    stop_server
    note "(d) memory: 10,000 distinct ~10-field Avro schemas over 1,000 subjects (SQLite)"
    note "    registration: $registered"
    note "    stored: $counted"
    note "    VmRSS: empty $(mib "$empty") MiB; after 10,000 registrations $(mib "$filled") MiB;" \
        "after reads $(mib "$read_all") MiB (VmHWM $(mib "$hwm") MiB);" \
        "restarted on the same data $(mib "$after_restart") MiB"
    note "    target: < 100 MB"
}

parts=("$@")
if [[ ${#parts[@]} -eq 0 ]]; then
    parts=(compat reads writes memory)
fi
for part in "${parts[@]}"; do
    case $part in
        reads | writes | memory) ;;
        compat) ;;
        *)
            say "unknown part '$part': expected reads, writes, compat or memory"
            exit 2
            ;;
    esac
done

note "sluice bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs," \
    "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for part in "${parts[@]}"; do
    if [[ $part != compat ]]; then
        build
        break
    fi
done
for part in "${parts[@]}"; do
    "part_$part"
done

printf '\n==================== summary ====================\n' >&2
cat "$summary"
