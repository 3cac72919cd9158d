//! Which tables are captured, and their definitions read from the server into a [`Catalog`],
//! with the statements Debezium's snapshot records for them ([`SnapshotDdl`]).

use super::SnapshotDdl;
use super::position::text;
use crate::config::ConnectorConfig;
use crate::error::CaptureError;
use crate::schema::{Catalog, TableChange, TableId};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row};

/// Databases never captured (Debezium's built-in databases).
const SYSTEM_DATABASES: &[&str] = &["information_schema", "mysql", "performance_schema", "sys"];

/// `db` quoted as an identifier.
pub(super) fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `` `db`.`table` ``.
pub(super) fn qualified(id: &TableId) -> String {
    format!("{}.{}", quote(&id.database), quote(&id.table))
}

/// The captured databases and base tables (views and sequences skipped), sorted.
pub(super) async fn list(
    conn: &mut Conn,
    config: &ConnectorConfig,
) -> Result<(Vec<String>, Vec<TableId>), CaptureError> {
    let all: Vec<String> = conn.query("SHOW DATABASES").await?;
    let mut databases: Vec<String> = all
        .into_iter()
        .filter(|d| !SYSTEM_DATABASES.iter().any(|s| s.eq_ignore_ascii_case(d)))
        .filter(|d| config.filters.database_included(d))
        .collect();
    databases.sort();
    let mut tables = Vec::new();
    for db in &databases {
        let rows: Vec<Row> = conn
            .query(format!("SHOW FULL TABLES FROM {}", quote(db)))
            .await?;
        for row in rows {
            let (Some(name), kind) = (text(&row, 0), text(&row, 1)) else {
                continue;
            };
            // `BASE TABLE`; MariaDB also says `SYSTEM VERSIONED`. Skip `VIEW`, `SEQUENCE`.
            let kind = kind.unwrap_or_default().to_ascii_uppercase();
            if kind != "BASE TABLE" && kind != "SYSTEM VERSIONED" {
                continue;
            }
            let id = TableId::new(db.clone(), name);
            if config.filters.table_included(&id) {
                tables.push(id);
            }
        }
    }
    tables.sort();
    Ok((databases, tables))
}

/// The catalog at this point: the server charset, each captured database
/// (`SHOW CREATE DATABASE`) and each captured table (`SHOW CREATE TABLE`); and the statements
/// Debezium's snapshot records (`BinlogSnapshotChangeEventSource`), in its order: the server charset `SET`,
/// `DROP TABLE IF EXISTS` per captured table, then per database `DROP DATABASE IF EXISTS`,
/// `CREATE DATABASE … CHARSET … COLLATE …`, `USE` and the `SHOW CREATE TABLE` text of each of
/// its captured tables.
pub(super) async fn read(
    conn: &mut Conn,
    databases: &[String],
    tables: &[TableId],
) -> Result<(Catalog, Vec<SnapshotDdl>), CaptureError> {
    let mut catalog = Catalog::new();
    let mut ddl = Vec::new();
    let server: Option<(Option<String>, Option<String>)> = conn
        .query_first("SELECT @@character_set_server, @@collation_server")
        .await?;
    let (charset, collation) = server.unwrap_or_default();
    if let Some(cs) = &charset {
        apply(
            &mut catalog,
            &format!("SET character_set_server = {cs}"),
            None,
        )?;
        ddl.push(SnapshotDdl::statement(
            "",
            set_statement(cs, collation.as_deref()),
        ));
    }
    for id in tables {
        ddl.push(SnapshotDdl {
            database: id.database.clone(),
            ddl: format!("DROP TABLE IF EXISTS {}", qualified(id)),
            change: Some(TableChange::Dropped(id.clone())),
        });
    }
    for db in databases {
        let row: Option<Row> = conn
            .query_first(format!("SHOW CREATE DATABASE {}", quote(db)))
            .await?;
        if let Some(sql) = row.as_ref().and_then(|r| text(r, 1)) {
            apply(&mut catalog, &sql, None)?;
        }
        let locale: Option<(Option<String>, Option<String>)> = conn
            .exec_first(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
                 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                (db.as_str(),),
            )
            .await?;
        let (charset, collation) = locale.unwrap_or_default();
        ddl.push(SnapshotDdl::statement(
            db,
            format!("DROP DATABASE IF EXISTS {}", quote(db)),
        ));
        ddl.push(SnapshotDdl::statement(
            db,
            create_database(db, charset.as_deref(), collation.as_deref()),
        ));
        ddl.push(SnapshotDdl::statement(db, format!("USE {}", quote(db))));
        for id in tables.iter().filter(|id| &id.database == db) {
            let sql = show_create_table(conn, id).await?;
            apply(&mut catalog, &sql, Some(&id.database))?;
            if catalog.table(id).is_none() {
                return Err(CaptureError::Definite(format!(
                    "the definition of {id} did not produce a table model; statement: {sql}"
                )));
            }
            ddl.push(SnapshotDdl {
                database: db.clone(),
                ddl: sql,
                change: Some(TableChange::Created(id.clone())),
            });
        }
    }
    Ok((catalog, ddl))
}

async fn show_create_table(conn: &mut Conn, id: &TableId) -> Result<String, CaptureError> {
    let row: Option<Row> = conn
        .query_first(format!("SHOW CREATE TABLE {}", qualified(id)))
        .await?;
    row.as_ref()
        .and_then(|r| text(r, 1))
        .ok_or_else(|| CaptureError::Definite(format!("SHOW CREATE TABLE {id}: no row")))
}

/// Debezium's statement for the server charset: variables sorted by name, values quoted only
/// when they hold `,` or `;`.
fn set_statement(charset: &str, collation: Option<&str>) -> String {
    let value = |v: &str| {
        if v.contains([',', ';']) {
            format!("'{v}'")
        } else {
            v.to_owned()
        }
    };
    let mut sql = format!("SET character_set_server={}", value(charset));
    if let Some(collation) = collation {
        sql.push_str(&format!(", collation_server={}", value(collation)));
    }
    sql
}

/// `CREATE DATABASE `db` CHARSET cs COLLATE coll`, as Debezium writes it.
fn create_database(db: &str, charset: Option<&str>, collation: Option<&str>) -> String {
    let mut sql = format!("CREATE DATABASE {}", quote(db));
    if let Some(cs) = charset {
        sql.push_str(&format!(" CHARSET {cs}"));
    }
    if let Some(coll) = collation {
        sql.push_str(&format!(" COLLATE {coll}"));
    }
    sql
}

fn apply(catalog: &mut Catalog, sql: &str, db: Option<&str>) -> Result<(), CaptureError> {
    catalog.apply_sql(sql, db).map(drop).map_err(|e| {
        CaptureError::Definite(format!(
            "snapshot cannot understand a definition: {e}; statement: {sql}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_statements_are_written_as_debezium_writes_them() {
        assert_eq!(
            set_statement("utf8mb4", Some("utf8mb4_general_ci")),
            "SET character_set_server=utf8mb4, collation_server=utf8mb4_general_ci"
        );
        assert_eq!(set_statement("a,b", None), "SET character_set_server='a,b'");
        assert_eq!(
            create_database("in`v", Some("latin1"), Some("latin1_swedish_ci")),
            "CREATE DATABASE `in``v` CHARSET latin1 COLLATE latin1_swedish_ci"
        );
        assert_eq!(create_database("x", None, None), "CREATE DATABASE `x`");
    }
}
