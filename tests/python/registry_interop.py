#!/usr/bin/env python3
"""Drive a running Sluice registry with Confluent's own Python client (confluent-kafka).

Usage: registry_interop.py BASE_URL   (e.g. http://127.0.0.1:41234, on an empty registry)

Covers: register, get by id, latest version, lookup, subjects, compatibility config, compatibility
tests (compatible and incompatible), the 409 / 40901 an incompatible registration gets, 404s, and an
Avro round trip through AvroSerializer / AvroDeserializer, including the Confluent wire framing
(magic byte 0, then the schema id as a big-endian int32).

Prints one `ok:` line per check and exits 1 with a `FAILED:` line on the first failure.
"""

import json
import sys
import traceback

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

TOPIC = "payments"
SUBJECT = f"{TOPIC}-value"  # TopicNameStrategy, what the serializer derives

PAYMENT_V1 = {
    "type": "record",
    "name": "Payment",
    "namespace": "io.sluice.interop",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
    ],
}
# BACKWARD-compatible: the new field has a default, so V2 readers can read V1 data.
PAYMENT_V2 = {
    **PAYMENT_V1,
    "fields": PAYMENT_V1["fields"] + [{"name": "currency", "type": "string", "default": "EUR"}],
}
# BACKWARD-incompatible against V2: a new field without a default cannot be filled from V2 data.
PAYMENT_V3 = {
    **PAYMENT_V2,
    "fields": PAYMENT_V2["fields"] + [{"name": "customer", "type": "string"}],
}


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)
    print(f"ok: {what}", flush=True)


def check_equal(actual, expected, what):
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")
    print(f"ok: {what}", flush=True)


def avro(schema):
    return Schema(json.dumps(schema), "AVRO")


def expect_registry_error(call, status, error_code, what):
    try:
        result = call()
    except SchemaRegistryError as err:
        check_equal(
            (err.http_status_code, err.error_code),
            (status, error_code),
            f"{what} -> HTTP {status}, error_code {error_code} ({err.error_message!r})",
        )
        return
    raise CheckFailed(f"{what}: expected SchemaRegistryError {status}/{error_code}, got {result!r}")


def run(url):
    # confluent-kafka caches what it registered and looked up; reads go through a fresh client so that each
    # answer comes from the server, not from the cache.
    def fresh():
        return SchemaRegistryClient({"url": url, "timeout": 10})

    writer = fresh()

    id1 = writer.register_schema(SUBJECT, avro(PAYMENT_V1))
    check(isinstance(id1, int) and id1 > 0, f"register_schema returns a positive id ({id1})")
    check_equal(fresh().register_schema(SUBJECT, avro(PAYMENT_V1)), id1, "registering the same schema again returns the same id")

    fetched = fresh().get_schema(id1)
    check_equal(fetched.schema_type, "AVRO", "get_schema(id).schema_type")
    check_equal(json.loads(fetched.schema_str), PAYMENT_V1, "get_schema(id) returns the registered schema")

    latest = fresh().get_latest_version(SUBJECT)
    check_equal((latest.subject, latest.version, latest.schema_id), (SUBJECT, 1, id1), "get_latest_version")
    check_equal(json.loads(latest.schema.schema_str), PAYMENT_V1, "get_latest_version schema")

    found = fresh().lookup_schema(SUBJECT, avro(PAYMENT_V1))
    check_equal((found.subject, found.version, found.schema_id), (SUBJECT, 1, id1), "lookup_schema")
    expect_registry_error(
        lambda: fresh().lookup_schema(SUBJECT, avro(PAYMENT_V2)), 404, 40403, "lookup_schema of an unregistered schema"
    )
    expect_registry_error(lambda: fresh().get_schema(id1 + 1000), 404, 40403, "get_schema of an unknown id")
    expect_registry_error(
        lambda: fresh().get_latest_version("no-such-subject"), 404, 40401, "get_latest_version of an unknown subject"
    )

    check_equal(fresh().get_subjects(), [SUBJECT], "get_subjects")

    writer.set_compatibility(subject_name=SUBJECT, level="BACKWARD")
    check_equal(fresh().get_compatibility(subject_name=SUBJECT), "BACKWARD", "set/get subject compatibility")

    check_equal(fresh().test_compatibility(SUBJECT, avro(PAYMENT_V2)), True, "test_compatibility of a compatible change")
    id2 = writer.register_schema(SUBJECT, avro(PAYMENT_V2))
    check(id2 != id1, f"a new schema gets a new id ({id1} -> {id2})")
    check_equal(fresh().get_latest_version(SUBJECT).version, 2, "the compatible change is version 2")

    check_equal(
        fresh().test_compatibility(SUBJECT, avro(PAYMENT_V3)), False, "test_compatibility of an incompatible change"
    )
    expect_registry_error(
        lambda: fresh().register_schema(SUBJECT, avro(PAYMENT_V3)), 409, 40901, "registering an incompatible schema"
    )
    check_equal(fresh().get_versions(SUBJECT), [1, 2], "the incompatible schema was not registered")

    # The serializer registers (auto.register.schemas defaults to true) under the topic's subject: V2 is
    # already there, so it must come back with V2's id.
    serializer = AvroSerializer(fresh(), json.dumps(PAYMENT_V2))
    ctx = SerializationContext(TOPIC, MessageField.VALUE)
    payment = {"id": "p-1", "amount": 12.5, "currency": "USD"}
    framed = serializer(payment, ctx)
    check_equal(framed[0], 0, "serialized bytes start with the magic byte 0")
    check_equal(int.from_bytes(framed[1:5], "big"), id2, "serialized bytes carry the registered id")

    # Without a reader schema the deserializer fetches the writer's schema from the registry by id.
    check_equal(AvroDeserializer(fresh())(framed, ctx), payment, "AvroDeserializer returns what was serialized")
    # With V1 as the reader schema, Avro schema resolution drops the new field.
    check_equal(
        AvroDeserializer(fresh(), json.dumps(PAYMENT_V1))(framed, ctx),
        {"id": "p-1", "amount": 12.5},
        "AvroDeserializer with an older reader schema",
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL")
    try:
        run(sys.argv[1].rstrip("/"))
    except CheckFailed as err:
        print(f"FAILED: {err}", flush=True)
        sys.exit(1)
    except Exception:  # noqa: BLE001 - any other error is a failure too, with its traceback
        print("FAILED with an unexpected error:", flush=True)
        traceback.print_exc(file=sys.stdout)
        sys.exit(1)
    print("all registry interop checks passed", flush=True)


if __name__ == "__main__":
    main()
