//! Capture against broker faults on a real 3-broker Apache Kafka cluster (issue 9, part 3):
//! replication factor 3, `min.insync.replicas=2`, capture's idempotent producer with
//! `acks=all`.
//!
//! A writer thread feeds one long-lived `mariadb` client autocommitted statements on one table:
//! multi-row inserts of new keys (`n = 0`) and range updates `SET n = n + 1`. Each key's row
//! then went through exactly the values `0, 1, …, n`, where `n` is its final value in the
//! database, so the topic (one partition) must hold, per key, exactly `n + 1` records whose
//! `after.n` are `0, 1, …, n` in that order: every change present, none twice, none reordered.
//! The partition's record count (high watermark) must equal the sum, so nothing else is there
//! either. Idempotence allows no duplicate here: librdkafka retries a batch with its producer
//! id and sequence numbers, and the leader (or the follower that takes over, which has the
//! same producer state from the replicated log) drops a batch it already appended. Only a new
//! producer (a restarted task replaying from its committed offset) could duplicate, and the
//! tests check that the task never restarted.
//!
//! * One broker killed while capture streams: the partition's leader is SIGKILLed, another
//!   broker takes over, capture keeps committing offsets with two brokers left, and the killed
//!   one restarts and rejoins the in-sync replicas; then the leader of that moment is killed
//!   and restarted too (a second leader change). A table created while the first broker is
//!   down gets a topic with all three replicas.
//! * All brokers down for 30 s: the committed offset stops, and the sluice process's resident
//!   memory grows by at most the producer's queue bound (64 MiB) plus 32 MiB, and by at most
//!   8 MiB once the queue must be full, while the writer goes on writing three times what the
//!   queue holds (so only backpressure, the binlog reader waiting, keeps it flat). Once the
//!   brokers are
//!   back capture catches up by itself, without a task restart. Then, with every broker down
//!   again for 40 s, a new table's first change: capture waits to create its topic (longer
//!   than one creation request's timeout) instead of failing the task, and delivers the change
//!   once the brokers return.

use serde_json::Value;
use sluice_e2e::Kafka;
use sluice_e2e::capture::CaptureStack;
use sluice_e2e::rng::Rng;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CONNECTOR: &str = "faults";
const TOPIC: &str = "faultsrv.f.t";
const SETUP: &str = "CREATE DATABASE f; \
    CREATE TABLE f.t (id INT PRIMARY KEY, n INT NOT NULL, pad TEXT NOT NULL)";
/// The topic of a table created while a broker is down.
const NEW_TOPIC: &str = "faultsrv.f.u";
/// What supervise logs when a task run fails and restarts from its committed offset.
const TASK_RESTART: &str = "transient failure";

fn seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1
}

/// What the writer writes.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Keys inserted by one `INSERT`.
    insert_keys: u64,
    /// Keys an `UPDATE` touches (a random range of existing keys).
    update_keys: u64,
    /// Keys in the table at most; afterwards only updates.
    max_keys: u64,
    /// Bytes of `pad` per row (before and after images both carry it).
    pad: u64,
    /// Pause between statements.
    pause: Duration,
}

/// What the writer has handed to MariaDB so far.
#[derive(Debug, Default)]
struct Written {
    /// Row changes (inserted plus updated rows).
    rows: AtomicU64,
    /// Bytes of `pad` in their row images (one image per insert, two per update).
    images: AtomicU64,
}

/// The writer thread: one `mariadb` client fed autocommitted statements until stopped.
struct Writer {
    stop: Arc<AtomicBool>,
    written: Arc<Written>,
    handle: thread::JoinHandle<()>,
}

impl Writer {
    fn start(port: u16, shape: Shape, seed: u64) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(Written::default());
        let handle = {
            let (stop, written) = (Arc::clone(&stop), Arc::clone(&written));
            thread::spawn(move || write(port, shape, seed, &stop, &written))
        };
        Self {
            stop,
            written,
            handle,
        }
    }

    /// Row changes written so far.
    fn rows(&self) -> u64 {
        self.written.rows.load(Ordering::Relaxed)
    }

    /// Bytes of `pad` in the row images written so far.
    fn images(&self) -> u64 {
        self.written.images.load(Ordering::Relaxed)
    }

    /// Stops the writer; everything it wrote is committed when this returns.
    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let written = Arc::clone(&self.written);
        self.handle.join().expect("the writer thread");
        written.rows.load(Ordering::Relaxed)
    }
}

fn write(port: u16, shape: Shape, seed: u64, stop: &AtomicBool, written: &Written) {
    let mut client = sluice_e2e::mariadb::root_session(port);
    let mut stdin = client.stdin.take().expect("stdin is piped");
    let mut rng = Rng(seed);
    // Keys 1..next exist.
    let mut next = 1;
    while !stop.load(Ordering::Relaxed) {
        let insert = next == 1 || (next <= shape.max_keys && rng.between(0, 2) == 0);
        let sql = if insert {
            let last = (next + shape.insert_keys - 1).min(shape.max_keys);
            let values: Vec<String> = (next..=last)
                .map(|id| {
                    format!(
                        "({id}, 0, REPEAT('{}', {}))",
                        char::from(b'a' + (id % 26) as u8),
                        shape.pad
                    )
                })
                .collect();
            written.rows.fetch_add(last - next + 1, Ordering::Relaxed);
            written
                .images
                .fetch_add((last - next + 1) * shape.pad, Ordering::Relaxed);
            next = last + 1;
            format!("INSERT INTO f.t VALUES {};\n", values.join(", "))
        } else {
            let from = rng.between(1, next - 1);
            let to = (from + shape.update_keys - 1).min(next - 1);
            written.rows.fetch_add(to - from + 1, Ordering::Relaxed);
            written
                .images
                .fetch_add((to - from + 1) * 2 * shape.pad, Ordering::Relaxed);
            format!("UPDATE f.t SET n = n + 1 WHERE id BETWEEN {from} AND {to};\n")
        };
        stdin
            .write_all(sql.as_bytes())
            .and_then(|()| stdin.flush())
            .expect("the mariadb client takes the statement");
        thread::sleep(shape.pause);
    }
    drop(stdin);
    let out = client.wait_with_output().expect("the mariadb client exits");
    assert!(
        out.status.success(),
        "the writer's mariadb client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cluster, MariaDB and sluice, with the connector created and its (empty) snapshot done.
fn start() -> CaptureStack {
    let kafka = Kafka::cluster();
    let stack = CaptureStack::start_on(kafka, SETUP);
    let config = stack.connector_config(5901, "faultsrv", "f");
    stack.create_connector(CONNECTOR, &config);
    stack.wait_offset(CONNECTOR, 60, |o| o["snapshot_completed"] == true);
    stack
}

/// Waits up to `seconds` for `done`, polling every 100 ms; panics with `what` and the logs.
fn wait_for<T>(
    stack: &CaptureStack,
    seconds: u64,
    what: &str,
    mut done: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(value) = done() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {seconds} s\n---- sluice log:\n{}",
            stack.server.log()
        );
        thread::sleep(Duration::from_millis(100));
    }
}

/// The `(file, pos)` of a committed offset.
fn position(offset: &Value) -> (String, u64) {
    (
        offset["file"].as_str().unwrap_or_default().to_owned(),
        offset["pos"].as_u64().unwrap_or_default(),
    )
}

/// Kills the node leading the topic's partition, waits until another one leads it while
/// capture commits further offsets with the two brokers left, then restarts the node and waits
/// until it is in sync again; `while_down` runs just before the restart. Returns the killed
/// node.
fn kill_the_leader(
    stack: &mut CaptureStack,
    round: usize,
    while_down: impl FnOnce(&CaptureStack),
) -> usize {
    let victim = wait_for(stack, 30, "a leader for the topic", || {
        stack.kafka.leader(TOPIC, 0)
    });
    let at_kill = position(&stack.committed_offset(CONNECTOR));
    let killed = Instant::now();
    stack.kafka.kill(victim);
    let successor = wait_for(stack, 60, "another broker takes the leadership", || {
        stack.kafka.leader(TOPIC, 0).filter(|&l| l != victim)
    });
    let elected = killed.elapsed();
    // Capture keeps producing: an offset committed after the new leader was known, so
    // acknowledged by the two brokers left.
    let at_election = position(&stack.committed_offset(CONNECTOR));
    let moved = stack.wait_offset(CONNECTOR, 60, |o| position(o) > at_election);
    let progressed = killed.elapsed();
    while_down(stack);
    stack.kafka.restart(victim);
    let restarted = killed.elapsed();
    wait_for(
        stack,
        60,
        "the restarted broker rejoins the in-sync replicas",
        || (stack.kafka.in_sync(TOPIC, 0).len() == stack.kafka.size()).then_some(()),
    );
    eprintln!(
        "round {round}: killed leader node {} at offset {at_kill:?}; node {} led after \
         {elected:.1?}; offset {:?} committed after {progressed:.1?}; node restarted after \
         {restarted:.1?}, in sync after {:.1?}",
        victim + 1,
        successor + 1,
        position(&moved),
        killed.elapsed()
    );
    victim
}

/// Waits until capture committed the binlog's end, then checks that the topic holds every
/// change of every key exactly once, in order; returns the number of records.
fn assert_every_change_exactly_once(stack: &CaptureStack, seconds: u64) -> usize {
    let end = stack.binlog_position();
    stack.wait_offset(CONNECTOR, seconds, |o| position(o) == end);
    // Final `n` per key: the key's records carry `after.n` = 0, 1, …, n.
    let table = stack.db.root("SELECT id, n FROM f.t ORDER BY id");
    let expected: BTreeMap<i64, i64> = table
        .lines()
        .map(|line| {
            let mut fields = line.split('\t').map(|f| f.trim().parse::<i64>());
            match (fields.next(), fields.next()) {
                (Some(Ok(id)), Some(Ok(n))) => (id, n),
                _ => panic!("unexpected row {line:?}"),
            }
        })
        .collect();
    let total: usize = expected.values().map(|n| *n as usize + 1).sum();
    let in_kafka = stack.kafka.record_count(TOPIC, 0);
    assert_eq!(
        in_kafka,
        total as u64,
        "the partition holds {in_kafka} records for {total} changes of {} keys \
         (more: duplicates; fewer: loss)",
        expected.len()
    );
    let records = stack.consume(&[TOPIC], total, 180);
    assert_eq!(records.len(), total, "records read back");
    let mut seen: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for record in &records {
        let value = &record["value"];
        let id = record["key"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("a record without key.id: {}", record["key"]));
        let n = value["after"]["n"]
            .as_i64()
            .unwrap_or_else(|| panic!("a record without after.n: {}", value["after"]));
        let op = value["op"].as_str().unwrap_or_default().to_owned();
        seen.entry(id).or_default().push((op, n));
    }
    for (id, n) in &expected {
        let want: Vec<(String, i64)> = (0..=*n)
            .map(|i| (if i == 0 { "c" } else { "u" }.to_owned(), i))
            .collect();
        let got = seen.remove(id).unwrap_or_default();
        assert!(
            got == want,
            "key {id}: expected ops and after.n {want:?}, got {got:?}"
        );
    }
    assert!(seen.is_empty(), "records of unknown keys: {seen:?}");
    total
}

/// No task run failed and restarted (a restart replays from the committed offset with a new
/// producer, outside idempotence), and the task is running.
fn assert_no_task_restart(stack: &CaptureStack) {
    let log = stack.server.log();
    assert!(!log.contains(TASK_RESTART), "the task restarted:\n{log}");
    assert_eq!(stack.task_state(CONNECTOR), "RUNNING", "{log}");
}

#[test]
fn killing_the_partition_leader_twice_while_streaming_loses_and_duplicates_nothing() {
    let started = Instant::now();
    let seed = seed();
    let mut stack = start();
    let setup = started.elapsed();
    let writer = Writer::start(
        stack.db.port(),
        Shape {
            insert_keys: 10,
            update_keys: 25,
            max_keys: 400,
            pad: 100,
            pause: Duration::from_millis(25),
        },
        seed,
    );
    wait_for(&stack, 30, "the topic exists", || {
        stack.kafka.leader(TOPIC, 0)
    });
    thread::sleep(Duration::from_secs(2));
    // A table whose first change comes while a broker is down: its topic must still get the
    // cluster's replication factor (3), not fewer replicas.
    let first = kill_the_leader(&mut stack, 1, |stack| {
        stack.db.root(
            "CREATE TABLE f.u (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO f.u VALUES (1, 0)",
        );
    });
    let second = kill_the_leader(&mut stack, 2, |_| {});
    thread::sleep(Duration::from_secs(2));
    let rows = writer.finish();
    wait_for(&stack, 60, "faultsrv.f.u has 3 in-sync replicas", || {
        (stack.kafka.in_sync(NEW_TOPIC, 0).len() == 3).then_some(())
    });
    assert_eq!(stack.kafka.record_count(NEW_TOPIC, 0), 1);
    let records = assert_every_change_exactly_once(&stack, 120);
    assert_no_task_restart(&stack);
    eprintln!(
        "broker faults summary: seed {seed:#x}; leaders killed: node {}, then node {}; \
         {rows} row changes written, {records} records in Kafka, each exactly once; setup {setup:.1?}, \
         total {:.1?}",
        first + 1,
        second + 1,
        started.elapsed()
    );
}

/// The producer's queue bound (`queue.buffering.max.kbytes` in capture's Kafka sink): what
/// capture may hold while Kafka is unreachable, before backpressure stops the binlog reader.
const PRODUCER_QUEUE: u64 = 64 << 20;
/// Allocator and bookkeeping slack above the producer queue.
const RSS_SLACK: u64 = 32 << 20;
/// Growth allowed once the queue must be full (twice its bound written while Kafka is down).
const PLATEAU_SLACK: u64 = 8 << 20;
/// The shortest outage.
const OUTAGE: Duration = Duration::from_secs(30);

#[test]
fn with_every_broker_down_capture_holds_offsets_and_memory_and_resumes_by_itself() {
    let started = Instant::now();
    let seed = seed();
    let mut stack = start();
    let setup = started.elapsed();
    // 8 KB of `pad` per row image (updates carry two), 100 rows per update: while Kafka is down
    // the writer hands MariaDB several times what the producer's queue holds, so only
    // backpressure keeps memory flat.
    let shape = Shape {
        insert_keys: 100,
        update_keys: 100,
        max_keys: 1_000,
        pad: 8_000,
        pause: Duration::from_millis(200),
    };
    let writer = Writer::start(stack.db.port(), shape, seed);
    wait_for(&stack, 30, "the topic exists", || {
        stack.kafka.leader(TOPIC, 0)
    });
    thread::sleep(Duration::from_secs(5));

    let rss_before = stack.server.rss_bytes();
    let (rows_before, images_before) = (writer.rows(), writer.images());
    let down = Instant::now();
    stack.kafka.kill_all();
    // Acknowledgements that arrived just before the kill may still be committed.
    thread::sleep(Duration::from_secs(2));
    let held = stack.committed_offset(CONNECTOR);
    // (time into the outage, RSS, row image bytes written since the kill)
    let mut samples: Vec<(Duration, u64, u64)> = Vec::new();
    // At least 30 s, and until the writer wrote three times the queue's bound (an unbounded
    // buffer would then exceed the RSS bound below), for at most 120 s.
    loop {
        let images = writer.images() - images_before;
        if down.elapsed() >= OUTAGE && images >= 3 * PRODUCER_QUEUE {
            break;
        }
        assert!(
            down.elapsed() < Duration::from_secs(120),
            "the writer wrote only {images} bytes of row images in 120 s"
        );
        let offset = stack.committed_offset(CONNECTOR);
        assert_eq!(
            offset,
            held,
            "the committed offset moved {:.1?} into the outage",
            down.elapsed()
        );
        assert_eq!(stack.task_state(CONNECTOR), "RUNNING");
        samples.push((down.elapsed(), stack.server.rss_bytes(), images));
        thread::sleep(Duration::from_millis(500));
    }
    let outage = down.elapsed();
    let rows_during = writer.rows() - rows_before;
    let images_during = writer.images() - images_before;
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    let curve: Vec<String> = samples
        .iter()
        .step_by(4)
        .map(|(t, rss, images)| {
            format!(
                "{:.0}s: {:.0} MiB ({:.0} written)",
                t.as_secs_f64(),
                mib(*rss),
                mib(*images)
            )
        })
        .collect();
    let rss_peak = samples.iter().map(|s| s.1).max().unwrap_or(0);
    eprintln!(
        "all brokers down for {outage:.1?}: {rows_during} row changes written ({:.0} MiB of row images); \
         RSS before {:.1} MiB, peak {:.1} MiB; RSS over time: {curve:?}",
        mib(images_during),
        mib(rss_before),
        mib(rss_peak)
    );
    // Bounded: what the producer's queue holds, and some slack.
    assert!(
        rss_peak <= rss_before + PRODUCER_QUEUE + RSS_SLACK,
        "sluice grew from {:.1} MiB to {:.1} MiB while Kafka was down: more than the producer queue \
         ({:.0} MiB) and {:.0} MiB of slack; RSS over time: {curve:?}",
        mib(rss_before),
        mib(rss_peak),
        mib(PRODUCER_QUEUE),
        mib(RSS_SLACK)
    );
    // Flat: once twice the queue's bound was written, the queue is full and capture waits.
    if let Some(full) = samples.iter().position(|s| s.2 >= 2 * PRODUCER_QUEUE) {
        let (at, rss_full, _) = samples[full];
        let later = samples[full..]
            .iter()
            .map(|s| s.1)
            .max()
            .unwrap_or(rss_full);
        assert!(
            later <= rss_full + PLATEAU_SLACK,
            "sluice kept growing with the producer queue full: {:.1} MiB at {at:.1?}, then up to \
             {:.1} MiB; RSS over time: {curve:?}",
            mib(rss_full),
            mib(later)
        );
    }

    // The writer stops with the outage: the backlog is what capture must catch up on.
    let rows = writer.finish();
    stack.kafka.restart_all();
    let back = down.elapsed();
    let resumed = stack.wait_offset(CONNECTOR, 120, |o| *o != held);
    let first_commit = down.elapsed();
    let records = assert_every_change_exactly_once(&stack, 180);
    assert_no_task_restart(&stack);
    let first_outage = started.elapsed();

    // A table whose first change comes while every broker is down: its topic cannot be created
    // until they return, longer than one topic creation request waits. Capture waits too.
    stack.kafka.kill_all();
    let down = Instant::now();
    stack.db.root(
        "CREATE TABLE f.u (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO f.u VALUES (1, 0)",
    );
    while down.elapsed() < Duration::from_secs(40) {
        assert_eq!(
            stack.task_state(CONNECTOR),
            "RUNNING",
            "{:.1?} into the second outage; sluice log:\n{}",
            down.elapsed(),
            stack.server.log()
        );
        thread::sleep(Duration::from_millis(500));
    }
    let second_outage = down.elapsed();
    stack.kafka.restart_all();
    let end = stack.binlog_position();
    stack.wait_offset(CONNECTOR, 120, |o| position(o) == end);
    assert_eq!(stack.kafka.record_count(NEW_TOPIC, 0), 1);
    assert_eq!(stack.kafka.in_sync(NEW_TOPIC, 0).len(), 3);
    assert_no_task_restart(&stack);
    eprintln!(
        "all-brokers-down summary: seed {seed:#x}; offset held at {held} for the outage; brokers back \
         after {back:.1?}, first new commit after {first_commit:.1?} ({resumed}); {rows} row changes \
         written, {records} records in Kafka, each exactly once; setup {setup:.1?}, first outage done \
         after {first_outage:.1?}; a new table's topic created after a {second_outage:.1?} outage; \
         total {:.1?}",
        started.elapsed()
    );
}
