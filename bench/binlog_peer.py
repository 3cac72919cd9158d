"""Peer for scripts/bench-capture.sh: python-mysql-replication decoding the same binlog.

Usage: binlog_peer.py DB_PORT ROWS [LOG_FILE] — reads the binlog (LOG_FILE, default the current
one) from its start as a replica, decodes
every row of every WRITE_ROWS event (values included), stops after ROWS rows, prints the rate.
"""

import sys
import time

from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import WriteRowsEvent

port, rows = int(sys.argv[1]), int(sys.argv[2])
log_file = sys.argv[3] if len(sys.argv) > 3 else None
stream = BinLogStreamReader(
    connection_settings={"host": "127.0.0.1", "port": port, "user": "root", "passwd": ""},
    server_id=4242,
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
        _ = row["values"]
        count += 1
    if count >= rows:
        break
elapsed = time.monotonic() - start
stream.close()
print(f"rows={count} total_s={elapsed:.3f} rows_per_s={count / elapsed:.0f}")
