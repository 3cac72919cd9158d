#!/usr/bin/env bash
# Gate speed (issue 5's target: a 500-table schema dump plus 100 migration files judged in under
# 1 second). Generates the inputs with gate/examples/bench_fixture.rs (500 tables of 13 columns,
# 100 migration files with 140 statements, the registry export of the dump's 1,000 subjects), then
# times a release `sluice gate` end to end (process start, reading every file, judging, report):
#   (a) --from-dump + --registry-file (CI with no network), text report
#   (b) the same with --format junit
#   (c) --from-dump alone (each table's current schema is its subject's first version)
# RUNS runs each (default 10); reports min / median / max wall time and peak RSS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-10}
target=${CARGO_TARGET_DIR:-target}
say() { printf '==> %s\n' "$*" >&2; }

say "building sluice and the fixture generator (release)"
cargo build --release --quiet -p sluice -p sluice-gate --example bench_fixture
sluice=$target/release/sluice
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target/release/examples/bench_fixture" "$work"
say "date $(date -u '+%F %T UTC'); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
say "load: $(uptime)"
say "inputs: $(grep -c '^CREATE TABLE' "$work/schema.sql") tables in schema.sql ($(du -h "$work/schema.sql" | cut -f1)), $(ls "$work/migrations" | wc -l) migration files, registry.json $(du -h "$work/registry.json" | cut -f1)"

measure() {
    local label=$1; shift
    local times=() rss=0 code
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s%N)
        set +e
        /usr/bin/time -f '%M' -o "$work/rss" "$sluice" "$@" >"$work/out" 2>"$work/err"
        code=$?
        set -e
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
        local r; r=$(tail -1 "$work/rss")
        (( r > rss )) && rss=$r
    done
    IFS=$'\n' sorted=($(sort -n <<<"${times[*]}")); unset IFS
    printf '%-44s exit %s  min %4d ms  median %4d ms  max %4d ms  peak RSS %d MiB\n' \
        "$label" "$code" "${sorted[0]}" "${sorted[$(( RUNS / 2 ))]}" "${sorted[$(( RUNS - 1 ))]}" $(( rss / 1024 ))
    tail -1 "$work/out" | sed 's/^/    last line: /'
}

common=(gate --from-dump "$work/schema.sql" --database bench --topic-prefix bench)
measure "(a) dump + registry file, text" "${common[@]}" --registry-file "$work/registry.json" "$work/migrations"
measure "(b) dump + registry file, junit" "${common[@]}" --registry-file "$work/registry.json" --format junit "$work/migrations"
measure "(c) dump only" "${common[@]}" "$work/migrations"
