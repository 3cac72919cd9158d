//! The private MariaDB the capture tests run against starts with the binlog settings capture
//! needs.

use sluice_e2e::MariaDb;

#[test]
fn private_mariadb_runs_with_row_binlog_and_full_metadata() {
    let db = MariaDb::start();
    let vars =
        db.root("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata");
    assert_eq!(vars.trim(), "1\tROW\tFULL\tFULL");
    db.root("CREATE DATABASE t; CREATE TABLE t.x (id INT PRIMARY KEY); INSERT INTO t.x VALUES (1)");
    assert_eq!(db.root("SELECT count(*) FROM t.x").trim(), "1");
}
