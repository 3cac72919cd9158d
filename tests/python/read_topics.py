"""Reads every topic of topic prefix PREFIX (PREFIX, PREFIX.*, __debezium-heartbeat.PREFIX) to its end, for the Debezium differential test.

Usage: read_topics.py BOOTSTRAP (json | avro REGISTRY_URL) PREFIX

Prints one JSON line per record, in offset order per partition:
{"topic", "partition", "offset", "key", "value", "key_schema_id", "value_schema_id"}.

* json: Kafka Connect's JsonConverter with schemas.enable=true; key and value are the parsed
  {"schema", "payload"} envelopes (a tombstone's value is null).
* avro: Confluent wire format (magic 0, 4-byte schema id, Avro binary). Values are decoded with the
  writer schema fetched from the registry by id, *without* logical types, so they come out in
  Connect's own representation as JsonConverter prints it: decimals and bytes as base64 of the
  bytes, dates as days, timestamps as epoch numbers. Only fastavro is used, no value conversions.

Reads each partition up to the high watermark taken when the script starts; exits 1 on anything it
cannot decode.
"""

import base64
import io
import json
import struct
import sys
import time
import urllib.request

import fastavro
from confluent_kafka import Consumer, TopicPartition


def strip_logical(schema):
    if isinstance(schema, dict):
        return {k: strip_logical(v) for k, v in schema.items() if k != "logicalType"}
    if isinstance(schema, list):
        return [strip_logical(s) for s in schema]
    return schema


def jsonable(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


class AvroReader:
    def __init__(self, registry_url):
        self.registry_url = registry_url.rstrip("/")
        self.schemas = {}

    def schema(self, schema_id):
        if schema_id not in self.schemas:
            with urllib.request.urlopen(f"{self.registry_url}/schemas/ids/{schema_id}") as resp:
                text = json.load(resp)["schema"]
            self.schemas[schema_id] = fastavro.parse_schema(strip_logical(json.loads(text)))
        return self.schemas[schema_id]

    def decode(self, data):
        if data is None:
            return None, None
        if len(data) < 5 or data[0] != 0:
            raise ValueError(f"not Confluent-framed Avro: {data[:8]!r}")
        schema_id = struct.unpack(">I", data[1:5])[0]
        value = fastavro.schemaless_reader(io.BytesIO(data[5:]), self.schema(schema_id))
        return jsonable(value), schema_id


def decode_json(data):
    if data is None:
        return None, None
    return json.loads(data), None


def main():
    bootstrap, mode = sys.argv[1], sys.argv[2]
    if mode == "avro":
        reader = AvroReader(sys.argv[3])
        decode = reader.decode
        prefix = sys.argv[4]
    else:
        decode = decode_json
        prefix = sys.argv[3]
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"sluice-differential-{time.time_ns()}",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 10,
        }
    )
    metadata = consumer.list_topics(timeout=10)
    ends = {}
    for name, topic in sorted(metadata.topics.items()):
        # Data and transaction topics, the schema-change topic (the prefix itself), heartbeats.
        if not (name == prefix or name.startswith(prefix + ".") or name == f"__debezium-heartbeat.{prefix}"):
            continue
        for partition in topic.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(name, partition), timeout=10)
            if high > low:
                ends[(name, partition)] = high
    consumer.assign([TopicPartition(t, p, 0) for (t, p) in ends])
    deadline = time.time() + 60
    left = dict(ends)
    while left and time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            # Control records (transaction markers) take offsets but are never delivered.
            for tp in consumer.position([TopicPartition(t, p) for (t, p) in left]):
                if tp.offset >= left[(tp.topic, tp.partition)]:
                    del left[(tp.topic, tp.partition)]
            continue
        tp = (msg.topic(), msg.partition())
        if tp not in left or msg.offset() >= left[tp]:
            continue
        key, key_id = decode(msg.key())
        value, value_id = decode(msg.value())
        print(
            json.dumps(
                {
                    "topic": msg.topic(),
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                    "key": key,
                    "value": value,
                    "key_schema_id": key_id,
                    "value_schema_id": value_id,
                }
            ),
            flush=True,
        )
        if msg.offset() + 1 >= left[tp]:
            del left[tp]
    consumer.close()
    if left:
        print(f"did not reach the end of {sorted(left)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
