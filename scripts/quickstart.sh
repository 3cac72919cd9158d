#!/usr/bin/env bash
# The whole capture flow on one machine, with one command:
#   a private MariaDB with ROW binlog, an Apache Kafka 4.4 broker (KRaft, from Maven Central), `sluice serve`
#   (registry + Kafka Connect API), the example inventory database, a Debezium MySQL connector
#   registered through the Connect REST API, and the decoded change events printed.
# Installs what is missing (MariaDB binaries, Kafka's jars, the Python client) like scripts/test.sh.
# Everything lives under a temporary directory and is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
# shellcheck source=engines/lib.sh
source "$root/scripts/engines/lib.sh"

ensure_mariadb
ensure_kafka
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import confluent_kafka.schema_registry.avro' 2>/dev/null; then
    say "installing the Python Kafka client into .venv/"
    python3 -m venv .venv && .venv/bin/pip install -q -r tests/python/requirements.txt
fi
say "building sluice (release)"
cargo build --release --quiet

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT

db_port=$(free_port); kafka_port=$(free_port); registry_port=$(free_port); connect_port=$(free_port)
say "starting MariaDB on 127.0.0.1:$db_port"
mariadb-install-db --no-defaults --user=root --auth-root-authentication-method=normal --skip-test-db --datadir="$work/db" >/dev/null
mariadbd --no-defaults --user=root --datadir="$work/db" --port="$db_port" --socket="$work/db.sock" \
    --bind-address=127.0.0.1 --log-bin="$work/db/binlog" --binlog-format=ROW --binlog-row-image=FULL \
    --binlog-row-metadata=FULL --server-id=1 --log-error="$work/db.err" &
pids+=($!)
sql() { mariadb --no-defaults -h127.0.0.1 -P"$db_port" -uroot "$@"; }
for _ in $(seq 100); do sql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
sql < examples/inventory.sql
sql -e "CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice-pw'; GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sluice'@'%';"

say "starting Apache Kafka 4.4 (KRaft) on 127.0.0.1:$kafka_port"
start_kafka "$kafka_port" "$work/kafka"
pids+=("$(cat "$work/kafka/kafka.pid")")

say "starting sluice: registry on :$registry_port, Kafka Connect API on :$connect_port"
target/release/sluice serve --listen "127.0.0.1:$registry_port" --data-dir "$work/sluice" \
    --kafka "127.0.0.1:$kafka_port" --connect-listen "127.0.0.1:$connect_port" >"$work/sluice.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "127.0.0.1:$connect_port/" >/dev/null && break; sleep 0.2; done

say "registering the connector"
curl -sf -X POST "127.0.0.1:$connect_port/connectors" -H 'Content-Type: application/json' -d @- <<JSON
{"name": "inventory-connector", "config": {
  "connector.class": "io.debezium.connector.mysql.MySqlConnector",
  "database.hostname": "127.0.0.1", "database.port": "$db_port",
  "database.user": "sluice", "database.password": "sluice-pw", "database.server.id": "184054",
  "topic.prefix": "shop", "database.include.list": "inventory",
  "key.converter": "io.confluent.connect.avro.AvroConverter",
  "value.converter": "io.confluent.connect.avro.AvroConverter"}}
JSON
echo
sql -e "INSERT INTO inventory.customers (first_name, last_name, email) VALUES ('Ada', 'Lovelace', 'ada@example.com');
        UPDATE inventory.products SET price = 27.50 WHERE id = 101;"

say "decoded change events (registry-aware Avro consumer):"
.venv/bin/python tests/python/consume_avro.py "127.0.0.1:$kafka_port" "http://127.0.0.1:$registry_port" 9 30 \
    shop.inventory.customers shop.inventory.products shop.inventory.orders
say "subjects in the registry:"
curl -s "127.0.0.1:$registry_port/subjects"; echo
