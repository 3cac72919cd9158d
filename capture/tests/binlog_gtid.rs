//! The binlog reader started by GTID against a private MariaDB: the server sends exactly the
//! transactions after the GTID position, whatever file and offset came with it, the reader
//! tracks the GTID state from there, and a position the server cannot serve is
//! `GtidUnavailable`.

use sluice_capture::binlog::{BinlogReader, Start, StreamEvent};
use sluice_capture::config::{DatabaseConfig, Filters, Secret, SslMode};
use sluice_capture::error::CaptureError;
use sluice_capture::mysql;
use sluice_capture::position::{BinlogPosition, GtidState};
use sluice_capture::schema::Catalog;
use sluice_capture::value::ColumnValue as V;
use sluice_e2e::MariaDb;
use std::time::Duration;

/// Starts a private server; one install at a time (parallel `mariadb-install-db` runs collide).
fn server() -> MariaDb {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    MariaDb::start()
}

fn config(db: &MariaDb) -> DatabaseConfig {
    DatabaseConfig {
        hostname: "127.0.0.1".into(),
        port: db.port(),
        user: sluice_e2e::mariadb::USER.into(),
        password: Secret::new(sluice_e2e::mariadb::PASSWORD),
        server_id: 5600,
        ssl_mode: SslMode::Preferred,
    }
}

fn gtid_binlog_pos(db: &MariaDb) -> String {
    db.root("SELECT @@GLOBAL.gtid_binlog_pos").trim().to_owned()
}

fn by_gtid(position: BinlogPosition, gtids: &str) -> Start {
    Start {
        position,
        gtids: Some(gtids.parse::<GtidState>().expect("a MariaDB GTID position")),
        by_gtid: true,
    }
}

async fn start(db: &MariaDb, server_id: u32, from: Start, catalog: Catalog) -> BinlogReader {
    BinlogReader::start_from(
        &config(db),
        server_id,
        Filters::default(),
        from,
        catalog,
        Duration::from_secs(1),
    )
    .await
    .expect("the binlog stream starts")
}

/// The next event that is not a heartbeat, within 20 s.
async fn next(reader: &mut BinlogReader) -> Result<StreamEvent, CaptureError> {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(20), reader.next())
            .await
            .expect("an event within 20 s")?;
        if !matches!(ev, StreamEvent::Heartbeat { .. }) {
            return Ok(ev);
        }
    }
}

/// The ids inserted by the next `n` transactions, and the GTID each committed with.
async fn transactions(reader: &mut BinlogReader, n: usize) -> Vec<(Vec<i64>, String)> {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    while out.len() < n {
        match next(reader).await.expect("the stream reads") {
            StreamEvent::Rows { rows, .. } => ids.extend(rows.iter().filter_map(|r| {
                match r.after.as_deref().and_then(|a| a.first()) {
                    Some(V::Int(id)) => Some(*id),
                    _ => None,
                }
            })),
            StreamEvent::Commit { gtid, .. } => {
                out.push((std::mem::take(&mut ids), gtid.unwrap_or_default()));
            }
            _ => {}
        }
    }
    out
}

fn catalog() -> Catalog {
    let mut c = Catalog::new();
    c.apply_sql("CREATE TABLE t (id INT PRIMARY KEY)", Some("app"))
        .expect("the model");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_by_gtid_the_server_sends_the_transactions_after_it_whatever_the_file_position() {
    let db = server();
    db.root("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES (1);");
    let after_first = gtid_binlog_pos(&db);
    db.root("INSERT INTO app.t VALUES (2); INSERT INTO app.t VALUES (3), (4);");
    let now = gtid_binlog_pos(&db);

    // File and offset say the start of the binlog (CREATE DATABASE, ..., insert 1): stale.
    let mut c = mysql_async::Conn::new(mysql::opts(&config(&db)))
        .await
        .expect("connects");
    let first = mysql::earliest_binlog(&mut c).await.expect("a binlog");
    let mut reader = start(
        &db,
        5601,
        by_gtid(BinlogPosition::new(first, 4), &after_first),
        catalog(),
    )
    .await;
    let txns = transactions(&mut reader, 2).await;
    let ids: Vec<&[i64]> = txns.iter().map(|(ids, _)| ids.as_slice()).collect();
    assert_eq!(ids, [&[2][..], &[3, 4][..]], "{txns:?}");
    assert_eq!(
        reader.gtids_text(),
        Some(now.as_str()),
        "the tracked state reaches the server's"
    );
    assert_eq!(txns[1].1, now);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gtid_position_the_server_cannot_serve_is_gtid_unavailable() {
    let db = server();
    db.root("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY); INSERT INTO app.t VALUES (1);");
    let here = mysql::current_position(
        &mut mysql_async::Conn::new(mysql::opts(&config(&db)))
            .await
            .expect("connects"),
    )
    .await
    .expect("a position");
    let now = gtid_binlog_pos(&db);
    let (domain_server, seq) = now.rsplit_once('-').expect("d-s-n");
    let seq: u64 = seq.parse().expect("a sequence number");

    // Ahead of the server: it never had those transactions.
    let ahead = format!("{domain_server}-{}", seq + 100);
    let mut reader = start(&db, 5602, by_gtid(here.clone(), &ahead), catalog()).await;
    match next(&mut reader).await {
        Err(CaptureError::GtidUnavailable { gtids, reason, .. }) => {
            assert_eq!(gtids, ahead);
            assert!(reason.to_ascii_lowercase().contains("gtid"), "{reason}");
        }
        other => panic!("expected GtidUnavailable, got {other:?}"),
    }

    // Behind what is left after a purge: the server no longer has the transactions after it.
    let mut c = mysql_async::Conn::new(mysql::opts(&config(&db)))
        .await
        .expect("connects");
    let first = mysql::earliest_binlog(&mut c).await.expect("a binlog");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        db.root("INSERT INTO app.t SELECT MAX(id) + 1 FROM app.t; FLUSH BINARY LOGS;");
        let current = mysql::current_position(&mut c).await.expect("a position");
        db.root(&format!("PURGE BINARY LOGS TO '{}'", current.file));
        if mysql::earliest_binlog(&mut c).await.expect("a binlog") != first {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{first} was never purged"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let old = format!("{domain_server}-1");
    let mut reader = start(&db, 5603, by_gtid(here, &old), catalog()).await;
    match next(&mut reader).await {
        Err(CaptureError::GtidUnavailable { gtids, .. }) => assert_eq!(gtids, old),
        other => panic!("expected GtidUnavailable, got {other:?}"),
    }
}
