//! Database-level DDL while streaming: `CREATE`/`ALTER`/`DROP DATABASE` on a captured database
//! goes to the schema change topic `<prefix>` with its statement and no table changes, as
//! Debezium writes it; the same statements on a database the connector does not capture do not.

use sluice_e2e::capture::CaptureStack;

#[test]
fn database_statements_of_captured_databases_reach_the_schema_change_topic() {
    let stack = CaptureStack::start("CREATE DATABASE x; CREATE TABLE x.t (id INT PRIMARY KEY)");
    let config = stack.connector_config(5811, "dbddl", "x.*");
    stack.create_connector("dbddl", &config);
    stack.wait_offset("dbddl", 60, |o| o["snapshot_completed"] == true);
    let snapshot = stack.consume(&["dbddl"], 100, 10).len();

    stack.db.root(
        "CREATE DATABASE other;
         CREATE DATABASE x2 CHARACTER SET latin1;
         ALTER DATABASE x2 CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
         DROP DATABASE other;
         DROP DATABASE x2;",
    );
    let records = stack.consume(&["dbddl"], snapshot + 4, 30);
    let streamed: Vec<(String, String, usize)> = records[snapshot..]
        .iter()
        .map(|r| {
            (
                r["key"]["databaseName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                r["value"]["ddl"].as_str().unwrap_or_default().to_owned(),
                r["value"]["tableChanges"].as_array().map_or(99, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        streamed,
        [
            (
                "x2".into(),
                "CREATE DATABASE x2 CHARACTER SET latin1".into(),
                0
            ),
            (
                "x2".into(),
                "ALTER DATABASE x2 CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci".into(),
                0
            ),
            ("x2".into(), "DROP DATABASE x2".into(), 0),
        ],
        "{records:#?}"
    );
}
