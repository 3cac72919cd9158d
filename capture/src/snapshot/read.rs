//! Reading the captured tables inside the snapshot transaction.
//!
//! A table with a primary key is read in key order, one chunk at a time (keyset pagination):
//!
//! ```sql
//! SELECT c1, … FROM `db`.`t` ORDER BY k1, k2 LIMIT n                       -- first chunk
//! SELECT c1, … FROM `db`.`t`
//!  WHERE k1 > ? OR (k1 = ? AND k2 > ?) ORDER BY k1, k2 LIMIT n             -- the next ones
//! ```
//!
//! with the last key of the previous chunk bound as parameters (the expanded form of
//! `(k1, k2) > (?, ?)`, which every MySQL and MariaDB version turns into an index range).
//! Parameters compare under the column's own collation; DECIMAL keys are cast to the
//! column's type (a string would compare as a double); ENUM and SET keys are bound as their
//! index/bitmask, the order `ORDER BY` uses. A table without a key is one ordered-by-nothing
//! scan, streamed row by row.
//!
//! Every chunk runs in the same transaction (or under the same table locks), so chunks add no
//! inconsistency; they bound each statement and report progress. Rows are decoded with
//! [`super::decode_value`] and go through the marker [`Emitter`].

use super::markers::Emitter;
use super::schema::{qualified, quote};
use super::{SnapshotProgress, SnapshotRow, decode_value};
use crate::config::ConnectorConfig;
use crate::error::CaptureError;
use crate::schema::{DataType, Table, TableId};
use crate::value::{ColumnValue, OwnedColumnValue, civil_from_days};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Params, Row, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Reads every table in order; returns the number of rows sent.
pub(super) async fn read_tables(
    conn: &mut Conn,
    config: &ConnectorConfig,
    tables: &[Arc<Table>],
    position: &crate::position::BinlogPosition,
    chunk: u32,
    rows: mpsc::Sender<SnapshotRow>,
    progress: &(dyn Fn(SnapshotProgress) + Send + Sync),
) -> Result<u64, CaptureError> {
    let estimates = estimates(conn).await;
    let mut out = Emitter::new(rows, tables.len(), Arc::new(position.clone()));
    for (i, table) in tables.iter().enumerate() {
        out.start_table(i);
        let estimate = estimates.get(&table.id).copied().unwrap_or(0);
        tracing::info!(
            table = %table.id,
            index = i + 1,
            of = tables.len(),
            rows_estimate = estimate,
            "snapshot: reading table"
        );
        let started = Instant::now();
        let mut reader = TableReader {
            table,
            config,
            chunk,
            estimate,
            progress,
            done: 0,
        };
        reader.read(conn, &mut out).await?;
        out.end_table().await?;
        let secs = started.elapsed().as_secs_f64();
        tracing::info!(
            table = %table.id,
            rows = reader.done,
            elapsed_ms = (secs * 1000.0) as u64,
            rows_per_sec = if secs > 0.0 { (reader.done as f64 / secs) as u64 } else { 0 },
            "snapshot: table read"
        );
    }
    out.finish().await
}

/// `TABLE_ROWS` per table (InnoDB's estimate); empty, with a warning, if unreadable.
async fn estimates(conn: &mut Conn) -> HashMap<TableId, u64> {
    let sql = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES \
               WHERE TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')";
    match conn.query::<(String, String, Option<u64>), _>(sql).await {
        Ok(rows) => rows
            .into_iter()
            .map(|(db, t, n)| (TableId::new(db, t), n.unwrap_or(0)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "snapshot: no row estimates");
            HashMap::new()
        }
    }
}

struct TableReader<'a> {
    table: &'a Arc<Table>,
    config: &'a ConnectorConfig,
    chunk: u32,
    estimate: u64,
    progress: &'a (dyn Fn(SnapshotProgress) + Send + Sync),
    done: u64,
}

impl TableReader<'_> {
    async fn read(&mut self, conn: &mut Conn, out: &mut Emitter) -> Result<(), CaptureError> {
        let t = self.table;
        let select = select_list(t, self.config);
        let from = qualified(&t.id);
        let keys: Vec<usize> = t
            .primary_key
            .iter()
            .map(|k| t.position(k))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                CaptureError::Definite(format!("primary key of {} names unknown columns", t.id))
            })?;
        if keys.is_empty() {
            let stmt = conn.prep(format!("SELECT {select} FROM {from}")).await?;
            self.run_chunk(conn, &stmt, Params::Empty, &[], out).await?;
            conn.close(stmt).await?;
            self.report();
            return Ok(());
        }
        let order: Vec<String> = keys.iter().map(|&k| quote(&t.columns[k].name)).collect();
        let order = order.join(", ");
        let limit = self.chunk;
        let first = conn
            .prep(format!(
                "SELECT {select} FROM {from} ORDER BY {order} LIMIT {limit}"
            ))
            .await?;
        let next = conn
            .prep(format!(
                "SELECT {select} FROM {from} WHERE {} ORDER BY {order} LIMIT {limit}",
                keyset_condition(t, &keys)
            ))
            .await?;
        let mut params = Params::Empty;
        let mut stmt = &first;
        loop {
            let (n, last_key) = self.run_chunk(conn, stmt, params, &keys, out).await?;
            self.report();
            match last_key {
                Some(key) if n >= u64::from(limit) => {
                    params = Params::Positional(keyset_params(&key));
                    stmt = &next;
                }
                _ => break,
            }
        }
        conn.close(first).await?;
        conn.close(next).await?;
        Ok(())
    }

    /// Runs one statement, sends its rows; returns the row count and the last row's key.
    async fn run_chunk(
        &mut self,
        conn: &mut Conn,
        stmt: &mysql_async::Statement,
        params: Params,
        keys: &[usize],
        out: &mut Emitter,
    ) -> Result<(u64, Option<Vec<OwnedColumnValue>>), CaptureError> {
        let t = self.table;
        let mut result = conn.exec_iter(stmt, params).await?;
        let mut n = 0u64;
        while let Some(row) = result.next().await? {
            out.push(t, decode_row(t, row)?).await?;
            n += 1;
        }
        drop(result);
        self.done += n;
        // The chunk's last row is still held by the emitter: its key resumes the scan.
        let last = match (n, keys.is_empty()) {
            (0, _) | (_, true) => None,
            _ => out
                .latest()
                .map(|values| keys.iter().map(|&k| values[k].clone()).collect()),
        };
        Ok((n, last))
    }

    fn report(&self) {
        (self.progress)(SnapshotProgress {
            table: self.table.id.clone(),
            rows_done: self.done,
            rows_total_estimate: self.estimate,
        });
    }
}

/// The selected expressions in table column order: excluded columns (never in the value)
/// are selected as NULL, key columns always.
fn select_list(t: &Table, config: &ConnectorConfig) -> String {
    t.columns
        .iter()
        .map(|c| {
            let key = t
                .primary_key
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&c.name));
            if key || config.filters.column_included(&t.id, &c.name) {
                quote(&c.name)
            } else {
                "NULL".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn decode_row(t: &Table, row: Row) -> Result<Vec<OwnedColumnValue>, CaptureError> {
    let raw = row.unwrap_raw();
    if raw.len() != t.columns.len() {
        return Err(CaptureError::Definite(format!(
            "snapshot of {}: {} values for {} columns",
            t.id,
            raw.len(),
            t.columns.len()
        )));
    }
    raw.into_iter()
        .zip(&t.columns)
        .map(|(v, c)| {
            decode_value(&c.data_type, v.unwrap_or(Value::NULL)).map_err(|e| {
                CaptureError::Definite(format!("snapshot of {} column {}: {e}", t.id, c.name))
            })
        })
        .collect()
}

/// `k1 > ? OR (k1 = ? AND k2 > ?) OR …` with each parameter typed for its column.
fn keyset_condition(t: &Table, keys: &[usize]) -> String {
    let col = |k: usize| quote(&t.columns[k].name);
    let param = |k: usize| match t.columns[k].data_type {
        DataType::Decimal {
            precision, scale, ..
        } => format!("CAST(? AS DECIMAL({precision}, {scale}))"),
        _ => "?".to_string(),
    };
    (0..keys.len())
        .map(|j| {
            let mut parts: Vec<String> = keys[..j]
                .iter()
                .map(|&k| format!("{} = {}", col(k), param(k)))
                .collect();
            parts.push(format!("{} > {}", col(keys[j]), param(keys[j])));
            format!("({})", parts.join(" AND "))
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The parameters of [`keyset_condition`] for the last key read.
fn keyset_params(key: &[OwnedColumnValue]) -> Vec<Value> {
    let mut out = Vec::with_capacity(key.len() * (key.len() + 1) / 2);
    for j in 0..key.len() {
        out.extend(key[..=j].iter().map(param));
    }
    out
}

/// A decoded key value as a statement parameter.
fn param(v: &OwnedColumnValue) -> Value {
    match v {
        ColumnValue::Null => Value::NULL,
        ColumnValue::Int(i) => Value::Int(*i),
        ColumnValue::UInt(u) => Value::UInt(*u),
        ColumnValue::Float(f) => Value::Float(*f),
        ColumnValue::Double(d) => Value::Double(*d),
        ColumnValue::Decimal(s) | ColumnValue::String(s) | ColumnValue::Json(s) => {
            Value::Bytes(s.as_bytes().to_vec())
        }
        ColumnValue::Bytes(b) | ColumnValue::Geometry(b) => Value::Bytes(b.to_vec()),
        ColumnValue::Bit(b) => Value::UInt(b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x))),
        ColumnValue::Date { year, month, day } => Value::Date(*year, *month, *day, 0, 0, 0, 0),
        ColumnValue::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => Value::Date(*year, *month, *day, *hour, *minute, *second, *micros),
        ColumnValue::Timestamp { unix_secs, micros } => {
            if *unix_secs == 0 && *micros == 0 {
                Value::Date(0, 0, 0, 0, 0, 0, 0)
            } else {
                let (y, m, d) = civil_from_days(unix_secs.div_euclid(86_400));
                let s = unix_secs.rem_euclid(86_400);
                Value::Date(
                    y as u16,
                    m as u8,
                    d as u8,
                    (s / 3600) as u8,
                    (s / 60 % 60) as u8,
                    (s % 60) as u8,
                    *micros,
                )
            }
        }
        ColumnValue::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => Value::Time(
            *negative,
            u32::from(*hours) / 24,
            (*hours % 24) as u8,
            *minutes,
            *seconds,
            *micros,
        ),
        ColumnValue::Year(y) => Value::Int(i64::from(*y)),
        ColumnValue::Enum(i) => Value::Int(i64::from(*i)),
        ColumnValue::Set(m) => Value::UInt(*m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Column;

    #[test]
    fn keyset_condition_expands_the_row_comparison() {
        let t = Table {
            id: TableId::new("db", "t"),
            columns: vec![
                Column::new("a", DataType::Int { unsigned: false }),
                Column::new(
                    "b",
                    DataType::Decimal {
                        precision: 20,
                        scale: 4,
                        unsigned: false,
                    },
                ),
                Column::new("c`x", DataType::VarChar(10)),
            ],
            primary_key: vec!["a".into(), "b".into(), "c`x".into()],
            charset: None,
            comment: None,
        };
        assert_eq!(
            keyset_condition(&t, &[0, 1, 2]),
            "(`a` > ?) OR (`a` = ? AND `b` > CAST(? AS DECIMAL(20, 4))) OR \
             (`a` = ? AND `b` = CAST(? AS DECIMAL(20, 4)) AND `c``x` > ?)"
        );
        let key = vec![
            ColumnValue::Int(1),
            ColumnValue::Decimal("2.5".into()),
            ColumnValue::String("z".into()),
        ];
        let p = keyset_params(&key);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], Value::Int(1));
        assert_eq!(p[2], Value::Bytes(b"2.5".to_vec()));
        assert_eq!(p[5], Value::Bytes(b"z".to_vec()));
    }

    #[test]
    fn timestamp_keys_go_back_to_utc_fields() {
        let v = ColumnValue::Timestamp {
            unix_secs: 86_401,
            micros: 7,
        };
        assert_eq!(param(&v), Value::Date(1970, 1, 2, 0, 0, 1, 7));
    }
}
