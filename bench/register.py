#!/usr/bin/env python3
"""Registers COUNT distinct Avro schemas with CONCURRENCY keep-alive connections (stdlib only).

Used by scripts/bench.sh to preload the read benchmark and to fill the server for the memory
measurement. Sets the global compatibility to NONE first. Prints one JSON line:
{"registered": n, "errors": n, "seconds": s, "per_second": r, "first_id": i, "last_id": j}
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlparse

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def schema(tag: str, i: int) -> str:
    """A realistic ~10-field record, distinct for every (tag, i)."""
    fields = [
        {"name": "id", "type": "long"},
        {"name": "tenant", "type": "string"},
        {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "status", "type": {"type": "enum", "name": f"Status{i}", "symbols": ["NEW", "PAID", "VOID"]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "attributes", "type": {"type": "map", "values": "string"}, "default": {}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "version", "type": "int", "default": 1},
        {"name": f"extra_{i}", "type": "string", "default": ""},
    ]
    return json.dumps({
        "type": "record",
        "name": f"Rec_{tag}_{i}",
        "namespace": "bench.memory",
        "doc": "benchmark record",
        "fields": fields,
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--subjects", type=int, default=100, help="spread over this many subjects")
    parser.add_argument("--tag", default="t")
    args = parser.parse_args()
    url = urlparse(args.base)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    conn = connect()
    conn.request("PUT", "/config", body=json.dumps({"compatibility": "NONE"}),
                 headers={"Content-Type": CONTENT_TYPE})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"PUT /config answered {response.status}")

    lock = threading.Lock()
    next_index = [0]
    ids: list[int] = []
    errors: list[str] = []

    def worker() -> None:
        conn = connect()
        while True:
            with lock:
                i = next_index[0]
                if i >= args.count:
                    return
                next_index[0] += 1
            subject = f"bench-{args.tag}-{i % args.subjects}-value"
            body = json.dumps({"schema": schema(args.tag, i)})
            try:
                conn.request("POST", f"/subjects/{subject}/versions", body=body,
                             headers={"Content-Type": CONTENT_TYPE})
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException) as err:
                with lock:
                    errors.append(f"{subject}: {err}")
                conn.close()
                conn = connect()
                continue
            with lock:
                if response.status == 200:
                    ids.append(json.loads(text)["id"])
                else:
                    errors.append(f"{subject}: {response.status} {text[:200]!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    print(json.dumps({
        "registered": len(ids),
        "distinct_ids": len(set(ids)),
        "errors": len(errors),
        "first_errors": errors[:3],
        "seconds": round(seconds, 3),
        "per_second": round(len(ids) / seconds, 1) if seconds else None,
        "first_id": min(ids) if ids else None,
        "last_id": max(ids) if ids else None,
    }))


if __name__ == "__main__":
    main()
