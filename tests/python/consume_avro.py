"""Reads Sluice's Avro topics with confluent-kafka's registry-aware AvroDeserializer.

Usage: consume_avro.py BOOTSTRAP REGISTRY_URL COUNT TIMEOUT_S TOPIC...

Prints one JSON line per record ({"topic", "key", "value"}; tombstones have "value": null),
from the beginning of every topic, until COUNT records were read or TIMEOUT_S passed. Exits 0
either way; the caller checks what arrived. Anything that cannot be decoded is an error (exit 1).
"""

import json
import sys
import time

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def jsonable(value):
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__name__ == "Decimal":
        return str(value)
    return value


def main():
    bootstrap, registry_url, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    topics = sys.argv[5:]
    registry = SchemaRegistryClient({"url": registry_url})
    deserializer = AvroDeserializer(registry)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"sluice-test-{time.time_ns()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 10,
            "topic.metadata.refresh.interval.ms": 500,
        }
    )
    consumer.subscribe(topics)
    seen = 0
    deadline = time.time() + timeout
    try:
        while seen < count and time.time() < deadline:
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() in (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART):
                    continue
                print(f"consumer error: {msg.error()}", file=sys.stderr)
                continue
            key = deserializer(msg.key(), SerializationContext(msg.topic(), MessageField.KEY)) if msg.key() else None
            value = (
                deserializer(msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
                if msg.value() is not None
                else None
            )
            print(json.dumps({"topic": msg.topic(), "key": jsonable(key), "value": jsonable(value)}), flush=True)
            seen += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
