"""Outside observer for scripts/bench-capture.sh: times a capture run by what Kafka acknowledged.

Usage: ack_watch.py BOOTSTRAP TOPIC ROWS START_FILE PID [LABEL=PID...]

Waits until START_FILE exists (it holds the wall-clock start in seconds since the epoch, written by
whoever starts the timed part: the bench script just before it resumes or creates a Debezium
connector, Sluice's driver just before it does the same), then polls TOPIC's end offsets (the high
watermark, summed over its partitions: records the broker acknowledged; with acks=all on a single
broker, what producers were told) every 20 ms until they reach ROWS. Meanwhile it samples the peak
resident memory of PID, the capturing process (VmHWM, the kernel's own high-water mark), and the CPU
time (user + system) PID and each LABEL=PID (the broker, the database) spent in the timed interval.
The same method times Sluice and Debezium.

Prints one line: acked= total_s= rows_per_s= first_s= rows_per_s_from_first= peak_rss_mib= cpu_s=
LABEL_cpu_s=... (first_s: when the first record was acknowledged; cpu_s: CPU seconds of PID).
"""

import os

import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

bootstrap, topic, rows, start_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
subject = int(sys.argv[5])
others = {label: int(pid) for label, pid in (a.split("=", 1) for a in sys.argv[6:])}
TIMEOUT_S = 3600
TICK = os.sysconf("SC_CLK_TCK")

peak = 0
cpu = {}  # pid -> CPU seconds at the latest sample


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def sample():
    global peak
    try:
        with open(f"/proc/{subject}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    peak = max(peak, int(line.split()[1]))
    except OSError:
        pass  # exited: keep the last sample
    for pid in [subject, *others.values()]:
        try:
            cpu[pid] = cpu_seconds(pid)
        except OSError:
            pass


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
    if start is None:
        time.sleep(0.02)
cpu_at_start = dict(cpu)

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
used = {pid: cpu.get(pid, 0) - cpu_at_start.get(pid, 0) for pid in cpu}
extra = " ".join(f"{label}_cpu_s={used.get(pid, 0):.2f}" for label, pid in others.items())
print(
    f"acked={done} total_s={total:.3f} rows_per_s={rows / total:.0f} first_s={(first or start) - start:.3f} "
    f"rows_per_s_from_first={rows / from_first:.0f} peak_rss_mib={peak / 1024:.1f} "
    f"cpu_s={used.get(subject, 0):.2f} {extra}".strip()
)
