"""Outside observer for scripts/bench-capture.sh: times a capture run by what Kafka acknowledged.

Usage: ack_watch.py BOOTSTRAP TOPIC ROWS START_FILE PID [PID...]

Waits until START_FILE exists (it holds the wall-clock start in seconds since the epoch, written by
whoever starts the timed part: the bench script just before it resumes or creates a Debezium
connector, Sluice's driver just before it does the same), then polls TOPIC's end offsets (the high
watermark, summed over its partitions: records the broker acknowledged; with acks=all on a single
broker, what producers were told) every 20 ms until they reach ROWS. Meanwhile it samples the peak
resident memory of every PID (VmHWM, the kernel's own high-water mark, and the largest VmRSS seen).
The same method times Sluice and Debezium.

Prints one line: acked= total_s= rows_per_s= first_s= rows_per_s_from_first= peak_rss_mib=...
(first_s: when the first record was acknowledged, i.e. startup left out).
"""

import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

bootstrap, topic, rows, start_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pids = [int(p) for p in sys.argv[5:]]
TIMEOUT_S = 3600

peak = {pid: 0 for pid in pids}


def sample():
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(("VmHWM:", "VmRSS:")):
                        peak[pid] = max(peak[pid], int(line.split()[1]))
        except OSError:
            pass  # exited: keep the last sample


consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "ack-watch", "enable.auto.commit": False})


def end_offset():
    try:
        meta = consumer.list_topics(topic, timeout=5)
        t = meta.topics.get(topic)
        if t is None or t.error is not None or not t.partitions:
            return 0
        return sum(
            consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=5, cached=False)[1]
            for p in t.partitions
        )
    except KafkaException:
        return 0


deadline = time.time() + TIMEOUT_S
start = None
while start is None:
    sample()
    try:
        with open(start_file) as f:
            text = f.read().strip()
        start = float(text) if text else None
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit(f"ack_watch: {start_file} never appeared")
    time.sleep(0.02)

first = None
done = 0
last_report = time.time()
while True:
    sample()
    done = end_offset()
    now = time.time()
    if first is None and done > 0:
        first = now
    if done >= rows:
        break
    if now - last_report > 10:
        print(f"  … {topic}: {done} acknowledged after {now - start:.1f} s", file=sys.stderr, flush=True)
        last_report = now
    if now > deadline:
        sys.exit(f"ack_watch: timed out with {done} of {rows} acknowledged on {topic}")
    time.sleep(0.02)
end = time.time()
sample()
consumer.close()
total = end - start
from_first = end - (first or start)
rss = " ".join(f"peak_rss_mib[{pid}]={kib / 1024:.1f}" for pid, kib in peak.items())
print(
    f"acked={done} total_s={total:.3f} rows_per_s={rows / total:.0f} first_s={(first or start) - start:.3f} "
    f"rows_per_s_from_first={rows / from_first:.0f} {rss}".strip()
)
