#!/usr/bin/env bash
# Capture throughput, end to end, on one machine (issue 4's targets):
#   1. streaming catch-up: ROWS row events written to the binlog before the connector starts
#      (snapshot.mode=no_data), to (a) DiscardSink and (b) tansu; plus tansu's own ingest ceiling
#   2. snapshot of the same ROWS rows (snapshot.mode=initial) to DiscardSink
#   3. peak VmRSS of the driver during each
#   4. peers on the same binlog: mariadb-binlog --read-from-remote-server --verbose, and
#      python-mysql-replication when BENCH_PYTHON points at a Python that has it, and (if that
#      Python also has confluent-kafka and fastavro) a Python pipeline that decodes, Avro-encodes
#      and produces the rows to the same tansu (bench/pipeline_peer.py)
# Uses the installed mariadbd, ~/.cargo/bin/tansu and a release `sluice` (SLUICE_BIN, default
# target/release/sluice, else /work/main/target/release/sluice). Installs nothing.
# Driver: capture/examples/catchup.rs. Everything lives in a temporary directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=${ROWS:-1000000}
BATCH=${BATCH:-10000}
say() { printf '==> %s\n' "$*" >&2; }
target=${CARGO_TARGET_DIR:-target}
sluice=${SLUICE_BIN:-$target/release/sluice}
[[ -x $sluice ]] || sluice=/work/main/target/release/sluice
tansu=${CARGO_HOME:-$HOME/.cargo}/bin/tansu
py=${BENCH_PYTHON:-}

say "building the driver (release)"
cargo build --release --quiet -p sluice-capture --example catchup
driver=$target/release/examples/catchup

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
db_port=$(free_port); kafka_port=$(free_port); registry_port=$(free_port)

say "date $(date -u '+%F %T UTC'); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
say "load: $(uptime)"

say "starting MariaDB on 127.0.0.1:$db_port"
mariadb-install-db --no-defaults --user=root --auth-root-authentication-method=normal --skip-test-db --datadir="$work/db" >/dev/null
mariadbd --no-defaults --user=root --datadir="$work/db" --port="$db_port" --socket="$work/db.sock" \
    --bind-address=127.0.0.1 --log-bin="$work/db/mariadb-bin" --binlog-format=ROW --binlog-row-image=FULL \
    --binlog-row-metadata=FULL --server-id=1 --max-binlog-size=1G --innodb-buffer-pool-size=512M \
    --innodb-flush-log-at-trx-commit=2 --log-error="$work/db.err" &
pids+=($!)
sql() { mariadb --no-defaults -h127.0.0.1 -P"$db_port" -uroot "$@"; }
for _ in $(seq 100); do sql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
sql -e "CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw'; GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sluice'@'%';"

say "starting tansu on :$kafka_port and the registry (sluice serve) on :$registry_port"
"$tansu" broker --listener-url "tcp://127.0.0.1:$kafka_port" --advertised-listener-url "tcp://127.0.0.1:$kafka_port" \
    --storage-engine memory://tansu/ >"$work/tansu.log" 2>&1 &
pids+=($!)
"$sluice" serve --listen "127.0.0.1:$registry_port" --data-dir "$work/sluice" >"$work/sluice.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "127.0.0.1:$registry_port/subjects" >/dev/null && break; sleep 0.2; done


# snapshot.mode=no_data starts streaming at the binlog's end, so for catch-up the driver first
# lets its connector reach streaming on the empty table, pauses it, runs BENCH_WRITE_CMD (this
# writer), and times from the resume: streaming then has all ROWS events to catch up on.
sql -e "CREATE DATABASE bench; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(32), c DOUBLE, d DATETIME(3), e DECIMAL(10,2));"
write_rows() {
    local t0 t1
    t0=$(date +%s.%N)
    for ((start = 0; start < ROWS; start += BATCH)); do
        echo "INSERT INTO bench.t SELECT seq, seq % 100000, CONCAT('row-', seq), seq * 1.25, TIMESTAMP'2026-01-01 00:00:00.000' + INTERVAL seq * 7 SECOND, (seq % 10000000) / 100 FROM seq_$((start + 1))_to_$((start + BATCH));"
    done | sql bench
    t1=$(date +%s.%N)
    say "  $ROWS rows in transactions of $BATCH written in $(echo "$t1 - $t0" | bc) s; binlog: $(sql -N -e 'SHOW MASTER STATUS' | cut -f1,2)"
}
rewrite_rows() {
    sql -e "DROP TABLE bench.t; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(32), c DOUBLE, d DATETIME(3), e DECIMAL(10,2));"
    write_rows
}
export -f say sql write_rows rewrite_rows
export ROWS BATCH db_port
registry="http://127.0.0.1:$registry_port"

say "load: $(uptime)"
say "1a. streaming catch-up to DiscardSink"
echo "RESULT sink=discard $(BENCH_WRITE_CMD=write_rows "$driver" run discard "$db_port" "$registry" no_data "$ROWS" "$work/run1")"
binlog=$(sql -N -e 'SHOW MASTER STATUS' | cut -f1)

say "load: $(uptime)"
say "peer: mariadb-binlog --read-from-remote-server --verbose (decode of the same binlog, $binlog)"
t0=$(date +%s.%N)
mariadb-binlog --no-defaults --read-from-remote-server -h127.0.0.1 -P"$db_port" -uroot --verbose "$binlog" >/dev/null
t1=$(date +%s.%N)
echo "RESULT peer=mariadb-binlog rows=$ROWS total_s=$(echo "$t1 - $t0" | bc) rows_per_s=$(echo "$ROWS / ($t1 - $t0)" | bc)"

if [[ -n $py ]]; then
    say "peer: python-mysql-replication"
    "$py" bench/binlog_peer.py "$db_port" "$ROWS" | sed 's/^/RESULT peer=python-mysql-replication /'
    if "$py" -c 'import confluent_kafka, fastavro' 2>/dev/null; then
        say "peer: Python pipeline (python-mysql-replication + fastavro + confluent-kafka) to tansu"
        "$py" bench/pipeline_peer.py "$db_port" "127.0.0.1:$kafka_port" "$ROWS" \
            | sed 's/^/RESULT peer=python-pipeline-to-tansu /'
    fi
fi

say "load: $(uptime)"
say "1b. streaming catch-up to tansu (table re-created, the same rows written again)"
echo "RESULT sink=tansu $(BENCH_WRITE_CMD=rewrite_rows "$driver" run "127.0.0.1:$kafka_port" "$db_port" "$registry" no_data "$ROWS" "$work/run2")"
say "load: $(uptime)"
say "1c. tansu's own ingest ceiling: $ROWS records of 150 bytes, same producer settings"
echo "RESULT tansu-ceiling $("$driver" produce "127.0.0.1:$kafka_port" "$ROWS" 150)"
say "load: $(uptime)"
say "2. snapshot to DiscardSink"
echo "RESULT sink=discard $("$driver" run discard "$db_port" "$registry" initial "$ROWS" "$work/run3")"
say "load: $(uptime)"
