#!/usr/bin/env bash
# Capture throughput against the real Debezium, on one real Kafka, in one run (issue 9):
#   1. binlog catch-up: ROWS row events written to the binlog while both connectors are stopped
#      behind them, then each resumed in turn: Sluice (capture/examples/catchup.rs, KafkaSink)
#      and Debezium 3.6.1's MySQL connector on a Kafka Connect 4.3 standalone worker
#   2. snapshot of the same ROWS rows: Sluice, then Debezium (snapshot.mode=initial)
#   3. peers on the same binlog: mariadb-binlog --read-from-remote-server --verbose (decode ceiling),
#      python-mysql-replication (decode only), and the Python pipeline (bench/pipeline_peer.py:
#      decode + fastavro + confluent-kafka) to the same Kafka; Kafka's own ingest ceiling
# Sluice and Debezium are timed the same way, from outside: bench/ack_watch.py polls the table
# topic's end offsets (records Kafka acknowledged) from the moment the connector is resumed or
# created until they reach ROWS, and samples the peak RSS (VmHWM) of the process doing the capture:
# Sluice's driver, Debezium's Connect worker JVM (a fresh one per phase). Sluice's driver also prints
# its own figure (its producer's contiguous acknowledgements).
#
# Installs what is missing (scripts/engines/lib.sh: MariaDB, Kafka 4.4.0, Connect + Debezium; a venv
# with bench/requirements.txt under ~/.cache/sluice/bench-venv), builds the release driver and `sluice`
# (SLUICE_BIN overrides the latter; SKIP_BUILD=1 uses what is built), and keeps everything else in a
# temporary directory (KEEP_WORK=1 keeps it, logs included). Knobs: ROWS (default 1000000), BATCH (rows
# per INSERT transaction, default 10000), PERF=1 (perf profile of Sluice's driver, diagnostic only),
# SLUICE_KAFKA_JVM_OPTS and CONNECT_JVM_OPTS (the broker's and the Connect worker's JVM options).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=${ROWS:-1000000}
BATCH=${BATCH:-10000}
# shellcheck source=engines/lib.sh
source scripts/engines/lib.sh

# Kafka's own defaults (kafka-server-start.sh, kafka-run-class.sh): 1 GB heap, G1, full JIT.
export SLUICE_KAFKA_JVM_OPTS=${SLUICE_KAFKA_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent}
# connect-standalone.sh's defaults: up to 2 GB heap, G1, full JIT.
CONNECT_JVM_OPTS=${CONNECT_JVM_OPTS:--Xms256m -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent}

ensure_mariadb
ensure_kafka
ensure_debezium
venv=$sluice_cache/bench-venv
want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
if [[ ! -f $venv/.requirements.sha256 || $(cat "$venv/.requirements.sha256") != "$want" ]]; then
    say "installing the Python peers into $venv (once)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r bench/requirements.txt
    echo "$want" >"$venv/.requirements.sha256"
fi
py=$venv/bin/python

target=${CARGO_TARGET_DIR:-target}
if [[ -z ${SKIP_BUILD:-} ]]; then # SKIP_BUILD=1: use the release binaries already built
    say "building the driver and sluice (release)"
    cargo build --release --quiet -p sluice-capture --example catchup
    [[ -n ${SLUICE_BIN:-} ]] || cargo build --release --quiet
fi
driver=$target/release/examples/catchup
sluice=${SLUICE_BIN:-$target/release/sluice}

work=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    if [[ -n ${KEEP_WORK:-} ]]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
db_port=$(free_port)
kafka_port=$(free_port)
registry_port=$(free_port)
bootstrap=127.0.0.1:$kafka_port

say "date $(date -u '+%F %T UTC'); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- capture core proto 2>/dev/null || echo ' (+ uncommitted changes)'); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
say "load: $(uptime)"

# --version: Debezium's MySQL connector reads MariaDB only if the version looks like MySQL 8.0
# (tests/support/connect.rs); Sluice sees "MariaDB" in it either way. mariadb-binlog refuses that
# version, so the peers run last, on the same data directory restarted with its own version.
db_pid=
start_mariadb() {
    mariadbd --no-defaults --user=root --datadir="$work/db" --port="$db_port" --socket="$work/db.sock" \
        --bind-address=127.0.0.1 --log-bin="$work/db/mariadb-bin" \
        --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL --server-id=1 \
        --max-binlog-size=1G --innodb-buffer-pool-size=512M --innodb-flush-log-at-trx-commit=2 \
        --log-error="$work/db.err" "$@" &
    db_pid=$!
    pids+=("$db_pid")
    for _ in $(seq 150); do sql -e 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 0.2; done
    say "MariaDB did not start:"
    tail -n 20 "$work/db.err" >&2
    return 1
}
sql() { mariadb --no-defaults -h127.0.0.1 -P"$db_port" -uroot "$@"; }
say "starting MariaDB on 127.0.0.1:$db_port"
mariadb-install-db --no-defaults --user=root --auth-root-authentication-method=normal --skip-test-db --datadir="$work/db" >/dev/null
start_mariadb --version=8.0.40-MariaDB-10.11
sql -e "CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw'; GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sluice'@'%';"

say "starting Kafka 4.4.0 on $bootstrap ($SLUICE_KAFKA_JVM_OPTS)"
start_kafka "$kafka_port" "$work/kafka"
pids+=("$(cat "$work/kafka/kafka.pid")")
say "starting the registry (sluice serve) on :$registry_port"
"$sluice" serve --listen "127.0.0.1:$registry_port" --data-dir "$work/sluice" >"$work/sluice.log" 2>&1 &
registry_pid=$!
pids+=("$registry_pid")
for _ in $(seq 100); do curl -sf "127.0.0.1:$registry_port/subjects" >/dev/null && break; sleep 0.2; done
registry="http://127.0.0.1:$registry_port"

# --- Kafka Connect + Debezium ---------------------------------------------------------------------
# A fair operator's settings, the same in both phases: Debezium's batches and queue 4x its defaults,
# the worker's producer batching like Sluice's (lz4, idempotent, acks=all) with larger batches.
connect_port=
connect_pid=
start_connect() {
    local dir=$work/connect-$1
    connect_port=$(free_port)
    mkdir -p "$dir/plugins"
    cat >"$dir/worker.properties" <<PROPS
bootstrap.servers=$bootstrap
listeners=http://127.0.0.1:$connect_port
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=$dir/offsets
offset.flush.interval.ms=10000
plugin.path=$dir/plugins
plugin.discovery=service_load
producer.acks=all
producer.enable.idempotence=true
producer.max.in.flight.requests.per.connection=5
producer.compression.type=lz4
producer.linger.ms=20
producer.batch.size=524288
producer.buffer.memory=134217728
PROPS
    local opts
    read -r -a opts <<<"$CONNECT_JVM_OPTS"
    java "${opts[@]}" -Dlog4j2.configurationFile="$SLUICE_KAFKA_LOG4J" -Dkafka.logs.dir="$dir" \
        -cp "$SLUICE_CONNECT_LIBS/*" org.apache.kafka.connect.cli.ConnectStandalone "$dir/worker.properties" \
        >"$dir/connect.log" 2>&1 &
    connect_pid=$!
    pids+=("$connect_pid")
    for _ in $(seq 600); do
        curl -sf "127.0.0.1:$connect_port/connectors" >/dev/null 2>&1 && return 0
        kill -0 "$connect_pid" 2>/dev/null || break
        sleep 0.2
    done
    say "Kafka Connect did not start; its log:"
    tail -n 40 "$dir/connect.log" >&2
    return 1
}
stop_connect() {
    kill "$connect_pid"
    wait "$connect_pid" 2>/dev/null || true
}
rest() { curl -sf -H 'Content-Type: application/json' "$@"; }
debezium_connector() { # NAME SNAPSHOT_MODE SERVER_ID
    cat <<JSON
{"name": "$1", "config": {
  "connector.class": "io.debezium.connector.mysql.MySqlConnector", "tasks.max": "1",
  "database.hostname": "127.0.0.1", "database.port": "$db_port",
  "database.user": "sluice", "database.password": "sluice-pw", "database.server.id": "$3",
  "database.jdbc.driver": "org.mariadb.jdbc.Driver", "database.protocol": "jdbc:mariadb",
  "database.ssl.mode": "disabled", "snapshot.fetch.size": "10000",
  "topic.prefix": "$1", "database.include.list": "bench", "snapshot.mode": "$2",
  "include.schema.changes": "false",
  "schema.history.internal.kafka.bootstrap.servers": "$bootstrap",
  "schema.history.internal.kafka.topic": "$1-schema-history",
  "heartbeat.interval.ms": "1000",
  "max.batch.size": "8192", "max.queue.size": "32768"}}
JSON
}
connector_state() { rest "127.0.0.1:$connect_port/connectors/$1/status" | "$py" -c 'import json,sys; s=json.load(sys.stdin); print(s["connector"]["state"], *[t["state"] for t in s["tasks"]])'; }
wait_task_running() {
    local state
    for _ in $(seq 600); do
        state=$(connector_state "$1" 2>/dev/null || true)
        [[ $state == "RUNNING RUNNING" ]] && return 0
        [[ $state == *FAILED* ]] && { rest "127.0.0.1:$connect_port/connectors/$1/status" >&2; return 1; }
        sleep 0.2
    done
    say "connector $1 not running: $state"
    return 1
}

# --- measurement helpers ----------------------------------------------------------------------------
# PERF=1: also samples Sluice's driver with `perf record -g` during 1a and 2a and prints its hottest
# symbols (a diagnostic run: perf's sampling costs the driver a little; not for the figures of record).
profile() { # PID NAME
    [[ -n ${PERF:-} ]] || return 0
    perf record -q -F 999 -g -p "$1" -o "$work/perf-$2.data" >/dev/null 2>&1 &
    pids+=($!)
}
profile_report() { # NAME
    [[ -n ${PERF:-} ]] || return 0
    sleep 1
    say "perf: Sluice's hottest symbols in $1 (self time)"
    perf report -q -i "$work/perf-$1.data" --no-children -g none --percent-limit 0.8 --sort dso,sym \
        --stdio 2>/dev/null | awk -v n="$1" '/^ +[0-9]/ { print "PERF " n " " $0 }' || true
}
watch_acks() { # TOPIC START_FILE PID: runs bench/ack_watch.py in the background, output in $work/watch.out
    "$py" bench/ack_watch.py "$bootstrap" "$1" "$ROWS" "$2" "$3" "kafka=$(cat "$work/kafka/kafka.pid")" \
        "mariadb=$db_pid" >"$work/watch.out" &
    watch_pid=$!
    pids+=("$watch_pid")
}
wait_debezium() { # NAME: waits for the watcher, failing early (with the worker's log) if the task fails
    local state
    while kill -0 "$watch_pid" 2>/dev/null; do
        state=$(connector_state "$1" 2>/dev/null || true)
        if [[ $state == *FAILED* ]]; then
            rest "127.0.0.1:$connect_port/connectors/$1/status" >&2 || true
            tail -n 40 "$work"/connect-*/connect.log >&2
            return 1
        fi
        sleep 1
    done
    wait "$watch_pid"
}
field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }
ratio() { "$py" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'inf')" "$1" "$2"; }
hwm_mib() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

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
export -f say sql write_rows
export ROWS BATCH db_port

# --- 1. catch-up --------------------------------------------------------------------------------------
say "1. catch-up: Debezium reaches streaming on the empty table, then is stopped (PUT /stop)"
start_connect cu
rest -X POST -d "$(debezium_connector dbzcu no_data 184101)" "127.0.0.1:$connect_port/connectors" >/dev/null
wait_task_running dbzcu
for _ in $(seq 600); do
    rest "127.0.0.1:$connect_port/connectors/dbzcu/offsets" | grep -q '"pos"' && break
    sleep 0.2
done
rest "127.0.0.1:$connect_port/connectors/dbzcu/offsets" | grep -q '"pos"' || { say "Debezium committed no offset"; exit 1; }
rest -X PUT "127.0.0.1:$connect_port/connectors/dbzcu/stop" >/dev/null
for _ in $(seq 300); do [[ $(connector_state dbzcu) == STOPPED* ]] && break; sleep 0.2; done
say "  Debezium stopped at $(rest "127.0.0.1:$connect_port/connectors/dbzcu/offsets")"

say "load: $(uptime)"
say "1a. Sluice: its connector reaches streaming, pauses, the rows are written, it resumes (timed)"
BENCH_PREFIX=slcu BENCH_START_FILE=$work/slcu.start BENCH_WRITE_CMD=write_rows \
    "$driver" run "$bootstrap" "$db_port" "$registry" no_data "$ROWS" "$work/run-cu" >"$work/slcu.self" &
driver_pid=$!
profile "$driver_pid" catchup
watch_acks slcu.bench.t "$work/slcu.start" "$driver_pid"
wait "$driver_pid"
wait "$watch_pid"
sluice_cu=$(cat "$work/watch.out")
echo "RESULT catchup system=sluice $sluice_cu"
echo "RESULT catchup system=sluice self-measured $(cat "$work/slcu.self")"
profile_report catchup

say "load: $(uptime)"
say "1b. Debezium: resumed (PUT /resume) behind the same $ROWS row events (timed)"
watch_acks dbzcu.bench.t "$work/dbzcu.start" "$connect_pid"
date +%s.%N >"$work/dbzcu.start"
rest -X PUT "127.0.0.1:$connect_port/connectors/dbzcu/resume" >/dev/null
wait_debezium dbzcu
debezium_cu=$(cat "$work/watch.out")
echo "RESULT catchup system=debezium $debezium_cu"
stop_connect
echo "RESULT catchup sluice/debezium rows_per_s_ratio=$(ratio "$(field "$sluice_cu" rows_per_s)" "$(field "$debezium_cu" rows_per_s)") rss_ratio=$(ratio "$(field "$sluice_cu" peak_rss_mib)" "$(field "$debezium_cu" peak_rss_mib)") (targets: rows/s >= 10, rss <= 0.10)"

# --- 2. snapshot ----------------------------------------------------------------------------------------
# Debezium's MySQL connector reads DATETIME snapshot values with ResultSet.getBlob, which MariaDB's JDBC
# driver refuses ("Data type DATETIME cannot be decoded as Blob"; tests/tests/debezium_differential.rs),
# so the snapshot table is the same but for d, a BIGINT of the same instant in epoch milliseconds.
# FLUSH BINARY LOGS first: the binlog file of the catch-up keeps exactly its ROWS row events (peers).
binlog=$(sql -N -e 'SHOW MASTER STATUS' | cut -f1)
sql -e "FLUSH BINARY LOGS; DROP TABLE bench.t; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(32), c DOUBLE, d BIGINT, e DECIMAL(10,2));"
t0=$(date +%s.%N)
for ((start = 0; start < ROWS; start += BATCH)); do
    echo "INSERT INTO bench.t SELECT seq, seq % 100000, CONCAT('row-', seq), seq * 1.25, 1767225600000 + seq * 7000, (seq % 10000000) / 100 FROM seq_$((start + 1))_to_$((start + BATCH));"
done | sql bench
say "  $ROWS rows for the snapshot written in $(echo "$(date +%s.%N) - $t0" | bc) s"
say "load: $(uptime)"
say "2a. Sluice snapshot (snapshot.mode=initial) of the $ROWS rows (timed from the connector's creation)"
BENCH_PREFIX=slsn BENCH_START_FILE=$work/slsn.start \
    "$driver" run "$bootstrap" "$db_port" "$registry" initial "$ROWS" "$work/run-sn" >"$work/slsn.self" &
driver_pid=$!
profile "$driver_pid" snapshot
watch_acks slsn.bench.t "$work/slsn.start" "$driver_pid"
wait "$driver_pid"
wait "$watch_pid"
sluice_sn=$(cat "$work/watch.out")
echo "RESULT snapshot system=sluice $sluice_sn"
echo "RESULT snapshot system=sluice self-measured $(cat "$work/slsn.self")"
profile_report snapshot

say "load: $(uptime)"
say "2b. Debezium snapshot (snapshot.mode=initial) on a fresh worker (timed from POST /connectors)"
start_connect sn
watch_acks dbzsn.bench.t "$work/dbzsn.start" "$connect_pid"
date +%s.%N >"$work/dbzsn.start"
rest -X POST -d "$(debezium_connector dbzsn initial 184102)" "127.0.0.1:$connect_port/connectors" >/dev/null
wait_debezium dbzsn
debezium_sn=$(cat "$work/watch.out")
echo "RESULT snapshot system=debezium $debezium_sn"
stop_connect
echo "RESULT snapshot sluice/debezium rows_per_s_ratio=$(ratio "$(field "$sluice_sn" rows_per_s)" "$(field "$debezium_sn" rows_per_s)") rss_ratio=$(ratio "$(field "$sluice_sn" peak_rss_mib)" "$(field "$debezium_sn" peak_rss_mib)") (targets: rows/s >= 10, rss <= 0.10)"

# --- 3. peers -------------------------------------------------------------------------------------------
say "restarting MariaDB on the same data directory without --version, for mariadb-binlog"
kill "$db_pid"
wait "$db_pid" 2>/dev/null || true
start_mariadb
say "load: $(uptime)"
say "3. peer: mariadb-binlog --read-from-remote-server --verbose (decode of the same binlog, $binlog)"
t0=$(date +%s.%N)
mariadb-binlog --no-defaults --read-from-remote-server -h127.0.0.1 -P"$db_port" -uroot --verbose "$binlog" >/dev/null
t1=$(date +%s.%N)
echo "RESULT peer=mariadb-binlog rows=$ROWS total_s=$(echo "$t1 - $t0" | bc) rows_per_s=$(echo "$ROWS / ($t1 - $t0)" | bc)"
say "peer: python-mysql-replication (decode only)"
"$py" bench/binlog_peer.py "$db_port" "$ROWS" "$binlog" | sed 's/^/RESULT peer=python-mysql-replication /'
say "peer: Python pipeline (python-mysql-replication + fastavro + confluent-kafka) to the same Kafka"
"$py" bench/pipeline_peer.py "$db_port" "$bootstrap" "$ROWS" "$binlog" | sed 's/^/RESULT peer=python-pipeline-to-kafka /'
say "Kafka's own ingest ceiling: $ROWS records of 190 bytes from one producer with Sluice's settings"
echo "RESULT kafka-ceiling $("$driver" produce "$bootstrap" "$ROWS" 190)"

for topic in slcu.bench.t dbzcu.bench.t slsn.bench.t dbzsn.bench.t peer.bench.t; do
    echo "RESULT topic=$topic bytes_on_disk=$(du -sb "$work/kafka/data/$topic-0" | cut -f1) (lz4 batches, log + indexes)"
done
echo "RESULT registry (sluice serve, shared by both Sluice runs) peak_rss_mib=$(hwm_mib "$registry_pid")"
echo "RESULT kafka broker peak_rss_mib=$(hwm_mib "$(cat "$work/kafka/kafka.pid")")"
say "load: $(uptime)"
