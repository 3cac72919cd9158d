//! The initial snapshot against a real private MariaDB (`sluice_e2e::MariaDb`): the
//! Debezium inventory database, consistency under concurrent writes, the lock-free fallback,
//! value decoding of every column type, and (ignored) throughput.

use mysql_async::prelude::Queryable;
use sluice_capture::avro::SnapshotMarker;
use sluice_capture::config::ConnectorConfig;
use sluice_capture::position::BinlogPosition;
use sluice_capture::schema::TableId;
use sluice_capture::snapshot::{self, Consistency, SnapshotOutcome, SnapshotProgress};
use sluice_capture::value::{ColumnValue, OwnedColumnValue};
use sluice_e2e::MariaDb;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// `../shared/conformance/mysql/inventory/<name>`, or `None` (and a note) when absent.
fn inventory_file(name: &str) -> Option<PathBuf> {
    sluice_test_data::shared(
        &format!("conformance/mysql/inventory/{name}"),
        "the snapshot of Debezium's tutorial inventory database",
    )
}

/// The seed registration's config, pointed at the private server as `user`.
fn config(db: &MariaDb, user: &str, password: &str, extra: &[(&str, &str)]) -> ConnectorConfig {
    // Without ../shared (outside CI), the seed's essentials stand in for it.
    let seed_file = sluice_test_data::shared_dir()
        .map(|dir| dir.join("conformance/mysql/inventory/register-mysql-avro.json"));
    let seed: serde_json::Value = match seed_file.map(std::fs::read_to_string) {
        Some(Ok(text)) => serde_json::from_str(&text).expect("registration JSON"),
        Some(Err(e)) => panic!("reading the seed registration: {e}"),
        None => serde_json::json!({"config": {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "topic.prefix": "dbserver1",
            "database.server.id": "184054"
        }}),
    };
    let mut cfg = seed["config"].clone();
    let obj = cfg.as_object_mut().expect("config object");
    obj.insert("database.hostname".into(), "127.0.0.1".into());
    obj.insert("database.port".into(), db.port().to_string().into());
    obj.insert("database.user".into(), user.into());
    obj.insert("database.password".into(), password.into());
    for (k, v) in extra {
        obj.insert((*k).into(), (*v).into());
    }
    ConnectorConfig::from_json(&cfg)
        .expect("valid config")
        .config
}

fn sluice(db: &MariaDb, extra: &[(&str, &str)]) -> ConnectorConfig {
    config(
        db,
        sluice_e2e::mariadb::USER,
        sluice_e2e::mariadb::PASSWORD,
        extra,
    )
}

/// The server's current binlog position.
fn master_position(db: &MariaDb) -> BinlogPosition {
    let out = db.root("SHOW MASTER STATUS");
    let mut f = out.split('\t');
    BinlogPosition::new(
        f.next().unwrap().trim(),
        f.next().unwrap().trim().parse().unwrap(),
    )
}

struct Snap {
    outcome: SnapshotOutcome,
    /// (table, values, marker) in arrival order.
    rows: Vec<(TableId, Vec<OwnedColumnValue>, SnapshotMarker)>,
    progress: Vec<SnapshotProgress>,
}

/// Runs the snapshot, collecting everything; `pace` sleeps 1 ms every that many rows.
async fn take(config: &ConnectorConfig, pace: Option<usize>) -> Snap {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<snapshot::SnapshotRow>(256);
    let collector = tokio::spawn(async move {
        let mut rows = Vec::new();
        while let Some(r) = rx.recv().await {
            rows.push((r.table.id.clone(), r.values, r.marker));
            if pace.is_some_and(|n| rows.len() % n == 0) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        rows
    });
    let progress = Mutex::new(Vec::new());
    let report = |p: SnapshotProgress| progress.lock().unwrap().push(p);
    let outcome = snapshot::run(config, tx, &report).await.expect("snapshot");
    let rows = collector.await.unwrap();
    Snap {
        outcome,
        rows,
        progress: progress.into_inner().unwrap(),
    }
}

fn s(v: &str) -> OwnedColumnValue {
    ColumnValue::String(v.to_string().into())
}

fn int_of(v: &OwnedColumnValue) -> i64 {
    match v {
        ColumnValue::Int(i) => *i,
        ColumnValue::UInt(u) => *u as i64,
        other => panic!("not an integer: {other:?}"),
    }
}

fn load_inventory(db: &MariaDb) -> bool {
    let Some(sql) = inventory_file("inventory.mariadb.sql") else {
        return false;
    };
    // The dump grants to a user the Debezium image creates.
    db.root("CREATE USER 'mariadbuser'@'%' IDENTIFIED BY 'mariadbpw'");
    db.source(&sql);
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_snapshot_matches_the_database() {
    let db = MariaDb::start();
    if !load_inventory(&db) {
        return;
    }
    let before = master_position(&db);
    let gtid = db.root("SELECT @@gtid_binlog_pos").trim().to_string();
    let snap = take(&sluice(&db, &[]), None).await;
    let o = &snap.outcome;
    assert_eq!(
        o.position, before,
        "position is the server's at snapshot time"
    );
    assert_eq!(o.gtid.as_deref(), Some(gtid.as_str()));
    assert_eq!(o.consistency, Consistency::GlobalReadLock);

    // Every row of every table once, tables in order.
    let expected = [
        ("addresses", 7),
        ("customers", 4),
        ("geom", 3),
        ("orders", 4),
        ("products", 9),
        ("products_on_hand", 9),
    ];
    let mut by_table: BTreeMap<String, Vec<&Vec<OwnedColumnValue>>> = BTreeMap::new();
    let mut order = Vec::new();
    for (t, v, _) in &snap.rows {
        assert_eq!(t.database, "inventory");
        if order.last() != Some(&t.table) {
            order.push(t.table.clone());
        }
        by_table.entry(t.table.clone()).or_default().push(v);
    }
    assert_eq!(order, expected.map(|(t, _)| t.to_string()));
    for (t, n) in expected {
        let rows = &by_table[t];
        assert_eq!(rows.len(), n, "{t}");
        let ids: BTreeSet<i64> = rows.iter().map(|v| int_of(&v[0])).collect();
        assert_eq!(ids.len(), n, "{t}: every row once");
        let count = db.root(&format!("SELECT COUNT(*) FROM inventory.{t}"));
        assert_eq!(count.trim(), n.to_string());
    }
    assert_eq!(o.rows, 36);

    // Values.
    let sally = by_table["customers"][0];
    assert_eq!(
        sally,
        &vec![
            ColumnValue::Int(1001),
            s("Sally"),
            s("Thomas"),
            s("sally.thomas@acme.com")
        ]
    );
    let scooter = by_table["products"][0];
    assert_eq!(scooter[1], s("scooter"));
    assert_eq!(scooter[3], ColumnValue::Float("3.14".parse().unwrap()));
    let address = by_table["addresses"][0];
    assert_eq!(address[6], ColumnValue::Enum(1), "SHIPPING is member 1");
    assert_eq!(by_table["addresses"][1][6], ColumnValue::Enum(2));
    let order1 = by_table["orders"][0];
    assert_eq!(
        order1[..2],
        [
            ColumnValue::Int(10001),
            ColumnValue::Date {
                year: 2016,
                month: 1,
                day: 16
            }
        ]
    );
    let mut point = vec![0, 0, 0, 0, 1, 1, 0, 0, 0];
    point.extend_from_slice(&1f64.to_le_bytes());
    point.extend_from_slice(&1f64.to_le_bytes());
    assert_eq!(by_table["geom"][0][1], ColumnValue::Geometry(point.into()));
    assert_eq!(by_table["geom"][0][2], ColumnValue::Null);

    // Markers: first/last per table, first and last overall.
    let markers: Vec<SnapshotMarker> = snap.rows.iter().map(|r| r.2).collect();
    assert_eq!(markers[0], SnapshotMarker::First);
    assert_eq!(*markers.last().unwrap(), SnapshotMarker::Last);
    let mut at = 0;
    for (i, (_, n)) in expected.iter().enumerate() {
        let first = if i == 0 {
            SnapshotMarker::First
        } else {
            SnapshotMarker::FirstInDataCollection
        };
        let last = if i + 1 == expected.len() {
            SnapshotMarker::Last
        } else {
            SnapshotMarker::LastInDataCollection
        };
        assert_eq!(markers[at], first);
        assert_eq!(markers[at + n - 1], last);
        assert!(
            markers[at + 1..at + n - 1]
                .iter()
                .all(|m| *m == SnapshotMarker::True)
        );
        at += n;
    }

    // Catalog: the captured tables with their keys.
    let cat = &o.catalog;
    let pk = |t: &str| {
        cat.table(&TableId::new("inventory", t))
            .unwrap()
            .primary_key
            .clone()
    };
    assert_eq!(pk("customers"), ["id"]);
    assert_eq!(pk("products_on_hand"), ["product_id"]);
    assert_eq!(pk("orders"), ["order_number"]);
    assert_eq!(cat.tables().count(), 6);
    assert_eq!(
        cat.database("inventory").unwrap().charset.as_deref(),
        Some("utf8mb4")
    );

    // Progress: per chunk, ending with the table's count.
    let last_customers = snap
        .progress
        .iter()
        .rfind(|p| p.table.table == "customers")
        .unwrap();
    assert_eq!(last_customers.rows_done, 4);

    // no_data: schemas and position only.
    let schema_only = take(&sluice(&db, &[("snapshot.mode", "no_data")]), None).await;
    assert!(schema_only.rows.is_empty());
    assert_eq!(schema_only.outcome.position, before);
    assert_eq!(schema_only.outcome.catalog.tables().count(), 6);
}

/// Inserts rows one at a time until stopped; records each id with the binlog position right
/// after its commit (the only writer, so that position is the end of its transaction).
async fn writer(
    port: u16,
    table: &'static str,
    stop: Arc<AtomicBool>,
) -> Vec<(u64, BinlogPosition)> {
    let opts = mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some("writer"))
        .pass(Some("writer-pw"))
        .prefer_socket(false);
    let mut conn = mysql_async::Conn::new(opts).await.unwrap();
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        conn.query_drop(format!("INSERT INTO churn.{table} (v) VALUES ('x')"))
            .await
            .unwrap();
        let id = conn.last_insert_id().unwrap();
        let (file, pos): (String, u64) = conn
            .query_first("SHOW MASTER STATUS")
            .await
            .unwrap()
            .map(|row: mysql_async::Row| {
                (
                    row.get::<String, _>(0).unwrap(),
                    row.get::<u64, _>(1).unwrap(),
                )
            })
            .unwrap();
        out.push((id, BinlogPosition::new(file, pos)));
    }
    out
}

async fn check_consistency(db: &MariaDb, table: &'static str, locking: &str) -> Consistency {
    db.root(&format!(
        "CREATE TABLE churn.{table} (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20));
         INSERT INTO churn.{table} (v) SELECT CONCAT('row', seq) FROM churn.seq_1_to_20000;"
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let w = tokio::spawn(writer(db.port(), table, Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cfg = sluice(
        db,
        &[
            ("database.include.list", "churn"),
            ("table.include.list", &format!("churn\\.{table}")),
            ("snapshot.fetch.size", "500"),
            ("snapshot.locking.mode", locking),
        ],
    );
    let snap = take(&cfg, Some(200)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let inserts = w.await.unwrap();
    let at = &snap.outcome.position;
    let before = inserts.iter().filter(|(_, p)| p <= at).count();
    let after = inserts.len() - before;
    assert!(
        before > 0 && after > 0,
        "writes before ({before}) and after ({after}) the position"
    );
    let got: Vec<u64> = snap.rows.iter().map(|r| int_of(&r.1[0]) as u64).collect();
    let got_set: BTreeSet<u64> = got.iter().copied().collect();
    assert_eq!(got.len(), got_set.len(), "no row twice");
    let mut want: BTreeSet<u64> = (1..=20_000).collect();
    want.extend(inserts.iter().filter(|(_, p)| p <= at).map(|(id, _)| *id));
    assert_eq!(
        got_set.len(),
        want.len(),
        "rows committed before the position, and only those"
    );
    assert_eq!(got_set, want);
    assert!(snap.progress.len() >= 40, "progress per chunk");
    eprintln!(
        "{locking}: {} rows, {before} inserts before and {after} after {at}",
        got.len()
    );
    snap.outcome.consistency
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_is_consistent_with_its_position_under_concurrent_inserts() {
    let db = MariaDb::start();
    db.root(
        "CREATE DATABASE churn;
         CREATE USER 'writer'@'%' IDENTIFIED BY 'writer-pw';
         GRANT ALL ON *.* TO 'writer'@'%';",
    );
    let c = check_consistency(&db, "minimal", "minimal").await;
    assert_eq!(c, Consistency::GlobalReadLock);
    let c = check_consistency(&db, "unlocked", "none").await;
    assert_eq!(c, Consistency::MariaDbSnapshotPosition);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_reload_the_snapshot_uses_the_mariadb_snapshot_position() {
    let db = MariaDb::start();
    if !load_inventory(&db) {
        return;
    }
    db.root(
        "CREATE USER 'noreload'@'%' IDENTIFIED BY 'pw';
         GRANT SELECT, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'noreload'@'%';",
    );
    let before = master_position(&db);
    let snap = take(&config(&db, "noreload", "pw", &[]), None).await;
    assert_eq!(
        snap.outcome.consistency,
        Consistency::MariaDbSnapshotPosition
    );
    assert!(snap.outcome.consistency.is_exact());
    assert_eq!(snap.outcome.position, before);
    assert_eq!(snap.rows.len(), 36);
    assert_eq!(snap.rows.last().unwrap().2, SnapshotMarker::Last);
}
