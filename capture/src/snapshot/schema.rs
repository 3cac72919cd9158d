//! Which tables are captured, and their definitions read from the server into a [`Catalog`].

use super::position::text;
use crate::config::ConnectorConfig;
use crate::error::CaptureError;
use crate::schema::{Catalog, TableId};
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
/// (`SHOW CREATE DATABASE`) and each captured table (`SHOW CREATE TABLE`).
pub(super) async fn read(
    conn: &mut Conn,
    databases: &[String],
    tables: &[TableId],
) -> Result<Catalog, CaptureError> {
    let mut catalog = Catalog::new();
    let server_charset: Option<String> = conn.query_first("SELECT @@character_set_server").await?;
    if let Some(cs) = server_charset {
        apply(
            &mut catalog,
            &format!("SET character_set_server = {cs}"),
            None,
        )?;
    }
    for db in databases {
        let row: Option<Row> = conn
            .query_first(format!("SHOW CREATE DATABASE {}", quote(db)))
            .await?;
        if let Some(sql) = row.as_ref().and_then(|r| text(r, 1)) {
            apply(&mut catalog, &sql, None)?;
        }
    }
    for id in tables {
        let row: Option<Row> = conn
            .query_first(format!("SHOW CREATE TABLE {}", qualified(id)))
            .await?;
        let sql = row
            .as_ref()
            .and_then(|r| text(r, 1))
            .ok_or_else(|| CaptureError::Definite(format!("SHOW CREATE TABLE {id}: no row")))?;
        apply(&mut catalog, &sql, Some(&id.database))?;
        if catalog.table(id).is_none() {
            return Err(CaptureError::Definite(format!(
                "the definition of {id} did not produce a table model; statement: {sql}"
            )));
        }
    }
    Ok(catalog)
}

fn apply(catalog: &mut Catalog, sql: &str, db: Option<&str>) -> Result<(), CaptureError> {
    catalog.apply_sql(sql, db).map(drop).map_err(|e| {
        CaptureError::Definite(format!(
            "snapshot cannot understand a definition: {e}; statement: {sql}"
        ))
    })
}
