//! The schema statements the snapshot records, against a private MariaDB: Debezium's sequence
//! (`BinlogSnapshotChangeEventSource`) with the server's own `SHOW CREATE TABLE` text for each captured table.

use mysql_async::prelude::Queryable;
use sluice_capture::config::ConnectorConfig;
use sluice_capture::schema::{TableChange, TableId};
use sluice_capture::snapshot::{self, SnapshotDdl};
use sluice_e2e::MariaDb;

fn config(db: &MariaDb) -> ConnectorConfig {
    let cfg = serde_json::json!({
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "topic.prefix": "ddlsrv",
        "database.server.id": "5700",
        "database.hostname": "127.0.0.1",
        "database.port": db.port().to_string(),
        "database.user": sluice_e2e::mariadb::USER,
        "database.password": sluice_e2e::mariadb::PASSWORD,
        "database.include.list": "shop,zoo",
        "table.exclude.list": "zoo\\.hidden",
    });
    ConnectorConfig::from_json(&cfg)
        .expect("valid config")
        .config
}

fn statement(database: &str, ddl: &str) -> SnapshotDdl {
    SnapshotDdl {
        database: database.to_owned(),
        ddl: ddl.to_owned(),
        change: None,
    }
}

fn table(database: &str, ddl: String, change: TableChange) -> SnapshotDdl {
    SnapshotDdl {
        database: database.to_owned(),
        ddl,
        change: Some(change),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_records_debezium_statements_with_show_create_table_text() {
    let db = MariaDb::start();
    db.root(
        "CREATE DATABASE shop CHARACTER SET latin1 COLLATE latin1_swedish_ci;
         CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(20));
         CREATE TABLE shop.items (id INT PRIMARY KEY, price DECIMAL(8,2) NOT NULL DEFAULT 0);
         CREATE DATABASE zoo; CREATE TABLE zoo.animals (id INT PRIMARY KEY);
         CREATE TABLE zoo.hidden (id INT PRIMARY KEY);
         CREATE DATABASE other; CREATE TABLE other.t (id INT PRIMARY KEY);",
    );
    let config = config(&db);
    let (rows, mut rx) = tokio::sync::mpsc::channel(16);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let outcome = snapshot::run(&config, rows, &|_| {})
        .await
        .expect("snapshot");
    drain.await.expect("drained");

    let mut conn = mysql_async::Conn::new(sluice_capture::mysql::opts(&config.database))
        .await
        .expect("connects");
    let mut show = async |name: &str| -> String {
        let row: Option<(String, String)> = conn
            .query_first(format!("SHOW CREATE TABLE {name}"))
            .await
            .expect("SHOW CREATE TABLE");
        row.expect("a row").1
    };
    let (items, orders, animals) = (
        show("shop.items").await,
        show("shop.orders").await,
        show("zoo.animals").await,
    );
    assert!(items.starts_with("CREATE TABLE `items`"), "{items}");
    let id = |d: &str, t: &str| TableId::new(d, t);
    let expected = vec![
        statement(
            "",
            "SET character_set_server=utf8mb4, collation_server=utf8mb4_general_ci",
        ),
        table(
            "shop",
            "DROP TABLE IF EXISTS `shop`.`items`".into(),
            TableChange::Dropped(id("shop", "items")),
        ),
        table(
            "shop",
            "DROP TABLE IF EXISTS `shop`.`orders`".into(),
            TableChange::Dropped(id("shop", "orders")),
        ),
        table(
            "zoo",
            "DROP TABLE IF EXISTS `zoo`.`animals`".into(),
            TableChange::Dropped(id("zoo", "animals")),
        ),
        statement("shop", "DROP DATABASE IF EXISTS `shop`"),
        statement(
            "shop",
            "CREATE DATABASE `shop` CHARSET latin1 COLLATE latin1_swedish_ci",
        ),
        statement("shop", "USE `shop`"),
        table("shop", items, TableChange::Created(id("shop", "items"))),
        table("shop", orders, TableChange::Created(id("shop", "orders"))),
        statement("zoo", "DROP DATABASE IF EXISTS `zoo`"),
        statement(
            "zoo",
            "CREATE DATABASE `zoo` CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
        ),
        statement("zoo", "USE `zoo`"),
        table("zoo", animals, TableChange::Created(id("zoo", "animals"))),
    ];
    assert_eq!(outcome.ddl, expected);
}
