//! Crash safety of capture, end to end (issue 4: "kill -9 the Sluice process repeatedly while
//! rows are being written; after restarts, every committed row is in Kafka at least once and
//! duplicates only fall in the crash windows").
//!
//! One private MariaDB, one Kafka broker, one data directory kept across restarts (capture.db
//! holds the connector config, offsets and schema history; the registry's SQLite sits beside
//! it) and fixed ports (the connector config names the registry URL). A writer thread inserts
//! rows in small transactions (1–5 rows, increasing ids, one `INSERT` per row or one
//! multi-row `INSERT`) through one long-lived `mariadb` client, while the test SIGKILLs
//! `sluice serve` a few times and starts it again; the connector resumes from the store on its
//! own.
//!
//! Then the topic is read from the start. With one partition, Kafka holds what each run of the
//! process delivered, one run after the other, and each run starts at the last committed
//! offset. So the ids must step by +1, except for at most one step back per crash, where the
//! records replayed are identical to their first copies (same `source.file/pos/row`, same row).
//! Every committed row is there, nothing else is, and the snapshot ran once.

use serde_json::{Value, json};
use sluice_e2e::rng::Rng;
use sluice_e2e::{Kafka, MariaDb, SluiceServer, request};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CONNECTOR: &str = "crash-connector";
const PREFIX: &str = "crashsrv";
const TOPIC: &str = "crashsrv.crash.events";
/// Rows present before the connector exists: its snapshot emits them as `op: r`.
const SEED_ROWS: u64 = 10;
/// How many times the process is killed.
const CRASHES: usize = 4;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn payload(id: u64) -> String {
    format!("row-{id}")
}

/// Starts `sluice serve` on the fixed ports and data directory.
fn start_server(data_dir: &Path, listen: &str, connect_listen: &str, kafka: &str) -> SluiceServer {
    SluiceServer::start(&[
        "--listen",
        listen,
        "--connect-listen",
        connect_listen,
        "--data-dir",
        &data_dir.to_string_lossy(),
        "--kafka",
        kafka,
    ])
}

/// Waits until the connector and its task report RUNNING.
fn wait_running(connect: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (code, status) = request(
            connect,
            "GET",
            &format!("/connectors/{CONNECTOR}/status"),
            None,
        );
        if code == 200
            && status["connector"]["state"] == "RUNNING"
            && status["tasks"][0]["state"] == "RUNNING"
        {
            return status;
        }
        assert!(
            status["tasks"][0]["state"] != "FAILED",
            "the task failed: {status}"
        );
        assert!(
            Instant::now() < deadline,
            "the connector is not RUNNING after 60 s: {code} {status}"
        );
        thread::sleep(Duration::from_millis(200));
    }
}

/// The committed offset, as `GET /connectors/{name}/offsets` shows it.
fn committed_offset(connect: &str) -> Value {
    let (_, body) = request(
        connect,
        "GET",
        &format!("/connectors/{CONNECTOR}/offsets"),
        None,
    );
    body["offsets"][0]["offset"].clone()
}

/// Reads the topic from the start until `count` records arrived or `seconds` passed.
fn consume(kafka: &str, registry: &str, count: usize, seconds: u32) -> Vec<Value> {
    sluice_e2e::consumer::consume(kafka, registry, &[TOPIC], count, seconds)
}

/// One decoded change event, reduced to what the checks compare.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    id: u64,
    op: String,
    key: Value,
    after: Value,
    /// `source.file`, `source.pos`, `source.row`.
    origin: (Value, Value, Value),
}

fn event(record: &Value) -> Event {
    let value = &record["value"];
    let id = value["after"]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("a record without after.id: {record}"));
    let source = &value["source"];
    Event {
        id,
        op: value["op"].as_str().unwrap_or_default().to_owned(),
        key: record["key"].clone(),
        after: value["after"].clone(),
        origin: (
            source["file"].clone(),
            source["pos"].clone(),
            source["row"].clone(),
        ),
    }
}

/// The writer: one `mariadb` client fed transactions through its stdin until told to stop.
/// Returns the last id it inserted; the client has exited successfully, so all of it is
/// committed.
fn write_rows(port: u16, first_id: u64, seed: u64, stop: &AtomicBool, written: &AtomicU64) -> u64 {
    let mut client = sluice_e2e::mariadb::root_session(port);
    let mut stdin = client.stdin.take().expect("stdin is piped");
    let mut rng = Rng(seed);
    let mut next = first_id;
    while !stop.load(Ordering::Relaxed) {
        // Mostly 1–5 rows; now and then a longer transaction of single-row statements (many
        // rows events). An offset inside one (`event` > 0) is rare all the same: a
        // transaction's records tend to leave in one producer batch, so acknowledgements land
        // on transaction boundaries. The summary says how many such offsets were seen.
        let long = rng.between(0, 9) == 0;
        let rows = if long {
            rng.between(20, 40)
        } else {
            rng.between(1, 5)
        };
        let mut sql = String::from("BEGIN;\n");
        if long || rng.between(0, 1) == 0 {
            // One rows event per row: resuming inside such a transaction skips events.
            for id in next..next + rows {
                sql.push_str(&format!(
                    "INSERT INTO crash.events VALUES ({id}, '{}');\n",
                    payload(id)
                ));
            }
        } else {
            let values: Vec<String> = (next..next + rows)
                .map(|id| format!("({id}, '{}')", payload(id)))
                .collect();
            sql.push_str(&format!(
                "INSERT INTO crash.events VALUES {};\n",
                values.join(", ")
            ));
        }
        sql.push_str("COMMIT;\n");
        stdin
            .write_all(sql.as_bytes())
            .and_then(|()| stdin.flush())
            .expect("the mariadb client takes the transaction");
        next += rows;
        written.store(next - 1, Ordering::Relaxed);
        thread::sleep(Duration::from_millis(rng.between(3, 15)));
    }
    drop(stdin);
    let out = client.wait_with_output().expect("the mariadb client exits");
    assert!(
        out.status.success(),
        "the writer's mariadb client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    next - 1
}

#[test]
fn kill_9_while_writing_loses_nothing_and_duplicates_only_around_crashes() {
    let started = Instant::now();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut rng = Rng(seed);

    let db = MariaDb::start();
    let mut seed_rows = String::from(
        "CREATE DATABASE crash; CREATE TABLE crash.events (id INT PRIMARY KEY, payload VARCHAR(50));",
    );
    for id in 1..=SEED_ROWS {
        seed_rows.push_str(&format!(
            "INSERT INTO crash.events VALUES ({id}, '{}');",
            payload(id)
        ));
    }
    db.root(&seed_rows);
    let kafka = Kafka::start();
    let data_dir = tempfile::Builder::new()
        .prefix("sluice-crash-")
        .tempdir()
        .expect("data dir");
    // Fixed across restarts: the connector config names the registry by URL.
    let listen = format!("127.0.0.1:{}", free_port());
    let connect_listen = format!("127.0.0.1:{}", free_port());
    let registry = format!("http://{listen}");
    let connect = format!("http://{connect_listen}");
    let bootstrap = kafka.bootstrap();
    let mut server = start_server(data_dir.path(), &listen, &connect_listen, &bootstrap);
    // The logs of the killed runs, shown if the test fails.
    let mut earlier_logs: Vec<String> = Vec::new();

    let body = json!({
        "name": CONNECTOR,
        "config": {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "tasks.max": "1",
            "database.hostname": "127.0.0.1",
            "database.port": db.port().to_string(),
            "database.user": sluice_e2e::mariadb::USER,
            "database.password": sluice_e2e::mariadb::PASSWORD,
            "database.server.id": "184054",
            "topic.prefix": PREFIX,
            "database.include.list": "crash",
            "schema.history.internal.kafka.bootstrap.servers": bootstrap,
            "schema.history.internal.kafka.topic": "schema-changes.crash",
            "key.converter": "io.confluent.connect.avro.AvroConverter",
            "value.converter": "io.confluent.connect.avro.AvroConverter",
            "key.converter.schema.registry.url": registry,
            "value.converter.schema.registry.url": registry,
        }
    });
    let (status, created) = request(&connect, "POST", "/connectors", Some(&body));
    assert_eq!(status, 201, "{created}");

    // The snapshot: the seed rows as `op: r`, then a committed offset that says it completed.
    let snapshot = consume(&bootstrap, &registry, SEED_ROWS as usize, 90);
    assert_eq!(
        snapshot.len(),
        SEED_ROWS as usize,
        "snapshot rows: {snapshot:#?}\n---- sluice log:\n{}",
        server.log()
    );
    wait_running(&connect);
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed_offset(&connect)["snapshot_completed"] != true {
        assert!(
            Instant::now() < deadline,
            "no completed snapshot offset after 60 s: {}",
            committed_offset(&connect)
        );
        thread::sleep(Duration::from_millis(100));
    }

    // Writing while crashing.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(SEED_ROWS));
    let writer = {
        let (stop, written) = (Arc::clone(&stop), Arc::clone(&written));
        let (port, seed) = (db.port(), rng.next_u64() | 1);
        thread::spawn(move || write_rows(port, SEED_ROWS + 1, seed, &stop, &written))
    };
    let mut kills: Vec<(u64, Value)> = Vec::new();
    // Offsets seen committed inside a transaction (resume skips rows events there).
    let mut mid_transaction = BTreeSet::new();
    for crash in 1..=CRASHES {
        let until = Instant::now() + Duration::from_millis(rng.between(1500, 3000));
        while Instant::now() < until {
            let offset = committed_offset(&connect);
            if offset["event"].as_u64().is_some_and(|n| n > 0) {
                mid_transaction.insert(offset.to_string());
            }
            thread::sleep(Duration::from_millis(50));
        }
        let offset = committed_offset(&connect);
        let at_kill = written.load(Ordering::Relaxed);
        earlier_logs.push(server.log());
        // SluiceServer's Drop is `Child::kill`, which is SIGKILL on Unix (kill -9): no
        // shutdown hook, no flush, no final offset commit. Our data dir outlives it.
        drop(server);
        eprintln!(
            "crash {crash}: SIGKILL with ~{at_kill} rows written; committed offset then: {offset}"
        );
        kills.push((at_kill, offset));
        thread::sleep(Duration::from_millis(rng.between(200, 800)));
        server = start_server(data_dir.path(), &listen, &connect_listen, &bootstrap);
        // The connector comes back from capture.db on its own.
        wait_running(&connect);
    }
    thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    let max_id = writer.join().expect("the writer thread");

    // The database's view of what is committed.
    let counts = db.root("SELECT COUNT(*), MAX(id) FROM crash.events");
    assert_eq!(
        counts.split_whitespace().collect::<Vec<_>>(),
        [max_id.to_string(), max_id.to_string()],
        "ids 1..={max_id} are committed"
    );

    // Read until every committed id was seen (duplicates make the count grow).
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut want = max_id as usize;
    let records = loop {
        let records = consume(&bootstrap, &registry, want, 30);
        let seen: BTreeSet<u64> = records.iter().map(|r| event(r).id).collect();
        let missing = (1..=max_id).filter(|id| !seen.contains(id)).count();
        if missing == 0 {
            break records;
        }
        if records.len() >= want {
            // Everything asked for arrived, some of it duplicates: ask for more.
            want = records.len() + missing;
            continue;
        }
        let missing_ids: Vec<u64> = (1..=max_id)
            .filter(|id| !seen.contains(id))
            .take(20)
            .collect();
        assert!(
            Instant::now() < deadline,
            "after 90 s, {missing} of {max_id} committed rows never reached Kafka (first: {missing_ids:?}); \
             {} records read\n---- earlier runs' logs:\n{}\n---- current log:\n{}",
            records.len(),
            earlier_logs.join("\n---- next run:\n"),
            server.log()
        );
    };
    // Anything produced after that (a late duplicate, a stray record) is read too.
    let tail = consume(&bootstrap, &registry, records.len() + 1_000, 5);
    let records = if tail.len() > records.len() {
        tail
    } else {
        records
    };
    let events: Vec<Event> = records.iter().map(event).collect();

    // Nothing out of thin air: only committed ids, each with its own row, as `c` or `r`.
    for e in &events {
        assert!(
            (1..=max_id).contains(&e.id),
            "id {} was never committed: {e:?}",
            e.id
        );
        assert_eq!(e.after["payload"], payload(e.id), "{e:?}");
        assert_eq!(e.key["id"], e.id, "{e:?}");
        let expected_op = if e.id <= SEED_ROWS { "r" } else { "c" };
        assert_eq!(e.op, expected_op, "{e:?}");
    }
    // The snapshot ran once: no `r` after the crashes.
    let reads = events.iter().filter(|e| e.op == "r").count();
    assert_eq!(reads, SEED_ROWS as usize, "the snapshot was taken again");

    // The order in Kafka: +1 steps, and at most one step back per crash into a replay of
    // identical records.
    let mut first: BTreeMap<u64, &Event> = BTreeMap::new();
    let mut rewinds = Vec::new();
    let mut previous = 0;
    for (i, e) in events.iter().enumerate() {
        if e.id <= previous {
            rewinds.push((i, previous, e.id));
        } else {
            assert_eq!(
                e.id,
                previous + 1,
                "record {i} skips from id {previous} to {}: rows went missing there",
                e.id
            );
        }
        previous = e.id;
        match first.get(&e.id) {
            None => {
                first.insert(e.id, e);
            }
            Some(original) => assert_eq!(
                *original, e,
                "a duplicate differs from its first copy (record {i})"
            ),
        }
    }
    let duplicates = events.len() - first.len();
    // Each replay starts at or after the offset committed before its crash: duplicates cover
    // only what followed the last commit. Rewinds match crashes in order (a crash whose
    // offset was current when it happened replays nothing); the crash of a rewind is the
    // first remaining one by which its last id had been written.
    let mut crash = 0;
    for (i, from, _) in &rewinds {
        while kills.get(crash).is_some_and(|(at_kill, _)| at_kill < from) {
            crash += 1;
        }
        let Some((_, offset)) = kills.get(crash) else {
            panic!("the replay at record {i} follows no crash: {rewinds:?}, {kills:?}");
        };
        let replayed = &events[*i].origin;
        let (file, pos) = (
            offset["file"].as_str().unwrap_or_default(),
            offset["pos"].as_u64().unwrap_or_default(),
        );
        let at = (
            replayed.0.as_str().unwrap_or_default(),
            replayed.1.as_u64().unwrap_or_default(),
        );
        assert!(
            at >= (file, pos),
            "the replay at record {i} starts at {at:?}, before the offset committed before crash {}: {offset}",
            crash + 1
        );
        crash += 1;
    }
    assert!(
        rewinds.len() <= CRASHES,
        "{} replays for {CRASHES} crashes: {rewinds:?}",
        rewinds.len()
    );
    let windows: Vec<String> = rewinds
        .iter()
        .map(|(i, from, to)| format!("record {i}: id {from} then {to}"))
        .collect();
    eprintln!(
        "capture crash summary: seed {seed:#x}; {max_id} rows committed ({SEED_ROWS} by snapshot); \
         {CRASHES} SIGKILLs (rows written then: {:?}); {} records in Kafka, {duplicates} duplicates, \
         all identical to their first copies, in {} replay windows: {windows:?}; \
         {} distinct mid-transaction offsets seen committed; {:.1} s",
        kills.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        events.len(),
        rewinds.len(),
        mid_transaction.len(),
        started.elapsed().as_secs_f64()
    );
    drop(server);
}
