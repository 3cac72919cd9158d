"""Peer for scripts/bench-capture.sh: a Python CDC pipeline on the same binlog.

Usage: pipeline_peer.py DB_PORT BOOTSTRAP ROWS [LOG_FILE] — python-mysql-replication decodes, from
the start of LOG_FILE (default the current binlog file), every row of
every WRITE_ROWS event of `bench.t`, fastavro encodes its key and value (the six columns, the
DECIMAL as Avro decimal bytes) with Confluent framing, and confluent-kafka's producer (idempotent,
acks=all, lz4, as Sluice's KafkaSink) sends them to BOOTSTRAP; stops after ROWS rows and counts
until every record is acknowledged, then prints the rate.
"""

import decimal
import io
import struct
import sys
import time

import fastavro
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import WriteRowsEvent

port, bootstrap, rows = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
log_file = sys.argv[4] if len(sys.argv) > 4 else None
KEY = fastavro.parse_schema(
    {"type": "record", "name": "Key", "namespace": "peer.bench.t", "fields": [{"name": "id", "type": "long"}]}
)
VALUE = fastavro.parse_schema(
    {
        "type": "record",
        "name": "Value",
        "namespace": "peer.bench.t",
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "a", "type": ["null", "int"], "default": None},
            {"name": "b", "type": ["null", "string"], "default": None},
            {"name": "c", "type": ["null", "double"], "default": None},
            {"name": "d", "type": ["null", "long"], "default": None},
            {
                "name": "e",
                "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}],
                "default": None,
            },
        ],
    }
)
EPOCH = __import__("datetime").datetime(1970, 1, 1)


def framed(schema_id, schema, record):
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, schema_id))
    fastavro.schemaless_writer(out, schema, record)
    return out.getvalue()


acked = 0


def delivered(err, _msg):
    global acked
    if err is None:
        acked += 1
    else:
        raise SystemExit(f"delivery failed: {err}")


# Like Connect's topic creation (the broker may not auto-create topics).
admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic("peer.bench.t", 1, 1)]).values():
    try:
        future.result(30)
    except Exception as e:  # noqa: BLE001 - an existing topic is fine
        if "TOPIC_ALREADY_EXISTS" not in str(e):
            raise

producer = Producer(
    {
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": "lz4",
        "linger.ms": 5,
    }
)
stream = BinLogStreamReader(
    connection_settings={"host": "127.0.0.1", "port": port, "user": "root", "passwd": ""},
    server_id=4243,
    blocking=False,
    only_events=[WriteRowsEvent],
    only_schemas=["bench"],
    # python-mysql-replication starts at position 4 of the current file unless told a file.
    **({"log_file": log_file, "log_pos": 4, "resume_stream": True} if log_file else {}),
)
start = time.monotonic()
count = 0
for event in stream:
    for row in event.rows:
        v = row["values"]
        d = v["d"]
        value = {
            "id": v["id"],
            "a": v["a"],
            "b": v["b"],
            "c": v["c"],
            "d": None if d is None else int((d - EPOCH).total_seconds() * 1000),
            "e": None if v["e"] is None else decimal.Decimal(v["e"]),
        }
        while True:
            try:
                producer.produce(
                    "peer.bench.t",
                    key=framed(1, KEY, {"id": v["id"]}),
                    value=framed(2, VALUE, value),
                    on_delivery=delivered,
                )
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
        count += 1
    if count >= rows:
        break
stream.close()
producer.flush(120)
elapsed = time.monotonic() - start
print(f"rows={count} acked={acked} total_s={elapsed:.3f} rows_per_s={acked / elapsed:.0f}")
