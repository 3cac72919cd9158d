//! Incompatibilities in plain words, with the fix, from the table model and the statement.
//!
//! The registry's check runs on the envelope, where a broken row shows only as a union branch
//! missing around `before`/`after`. Here the row records (or key records) of the failing
//! version and the new schema are compared field by field with Avro's reader/writer rules in
//! the directions the level checks (BACKWARD: the new schema reads old records; FORWARD: the
//! old schema reads new records), and every incompatibility is tied back to its column and to
//! what the statement did to it.

use crate::report::Reason;
use serde_json::Value;
use sluice_capture::avro::GeneratedSchema;
use sluice_capture::ddl::{AlterSpec, DdlStatement};
use sluice_capture::schema::{Column, DataType, Table};
use sluice_compat::avro::{AvroSchema, reader_writer};
use sluice_compat::{Incompatibility, IncompatibilityKind, ParseMode};
use sluice_proto::CompatibilityLevel;

/// Which schema reads which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// The new schema reads old records.
    Backward,
    /// The old schema reads new records.
    Forward,
}

/// The row record of a Debezium envelope (the record inside `before`'s union).
pub(crate) fn row_record(envelope: &Value) -> Option<&Value> {
    let before = envelope
        .get("fields")?
        .as_array()?
        .iter()
        .find(|f| f.get("name").and_then(Value::as_str) == Some("before"))?;
    match before.get("type")? {
        Value::Array(branches) => branches.iter().find(|b| b.is_object()),
        other => Some(other),
    }
}

/// The record the columns are in: the row inside an envelope, or a key record itself.
fn columns_record(json: &Value) -> Option<&Value> {
    let is_envelope = json
        .get("fields")
        .and_then(Value::as_array)
        .is_some_and(|f| {
            f.iter()
                .any(|x| x.get("name") == Some(&Value::from("before")))
        });
    if is_envelope {
        row_record(json)
    } else {
        Some(json)
    }
}

/// The field name a location (`/fields/3/type/…`) in `record` points at.
fn field_at<'a>(record: &'a Value, location: &str) -> Option<&'a str> {
    let rest = location.strip_prefix("/fields/")?;
    let index: usize = rest.split('/').next()?.parse().ok()?;
    record.get("fields")?.get(index)?.get("name")?.as_str()
}

/// Reasons `new` cannot follow the version whose schema text is `old_text` under `level`.
pub(crate) fn reasons(
    level: CompatibilityLevel,
    old_text: &str,
    new: &GeneratedSchema,
    before: Option<&Table>,
    after: &Table,
    stmt: &DdlStatement,
) -> Vec<Reason> {
    let Ok(old_json) = serde_json::from_str::<Value>(old_text) else {
        return Vec::new();
    };
    let (Some(old_rec), Some(new_rec)) = (columns_record(&old_json), columns_record(&new.json))
    else {
        return Vec::new();
    };
    let parse = |v: &Value| AvroSchema::parse(&v.to_string(), &[], ParseMode::Stored).ok();
    let (Some(old_schema), Some(new_schema)) = (parse(old_rec), parse(new_rec)) else {
        return Vec::new();
    };
    let is_key = old_json.get("fields").is_some_and(|f| {
        f.as_array().is_some_and(|a| {
            !a.iter()
                .any(|x| x.get("name") == Some(&Value::from("before")))
        })
    });
    let ctx = Context {
        level,
        before,
        after,
        stmt,
        is_key,
    };
    let mut out = Vec::new();
    if level.checks_backward() {
        for i in reader_writer(&new_schema, &old_schema) {
            out.push(ctx.reason(Direction::Backward, &i, field_at(new_rec, &i.location)));
        }
    }
    if level.checks_forward() {
        for i in reader_writer(&old_schema, &new_schema) {
            out.push(ctx.reason(Direction::Forward, &i, field_at(old_rec, &i.location)));
        }
    }
    out
}

struct Context<'a> {
    level: CompatibilityLevel,
    before: Option<&'a Table>,
    after: &'a Table,
    stmt: &'a DdlStatement,
    is_key: bool,
}

/// A value to suggest as `DEFAULT` for a column of type `t`.
fn example_default(t: &DataType) -> String {
    match t {
        DataType::Boolean => "FALSE".into(),
        DataType::Enum(symbols) => symbols
            .first()
            .map_or_else(|| "''".into(), |s| format!("'{s}'")),
        DataType::Date => "'1970-01-01'".into(),
        DataType::DateTime(_) | DataType::Timestamp(_) => "CURRENT_TIMESTAMP".into(),
        DataType::Time(_) => "'00:00:00'".into(),
        DataType::Year => "1970".into(),
        DataType::Json => "('{}')".into(),
        // TEXT and BLOB take an expression default (MySQL 8.0.13+; MariaDB also a literal).
        DataType::Text(_) | DataType::Blob(_) => "('')".into(),
        DataType::Char(_)
        | DataType::VarChar(_)
        | DataType::Set(_)
        | DataType::Binary(_)
        | DataType::VarBinary(_) => "''".into(),
        _ => "0".into(),
    }
}

fn column_sql(c: &Column) -> String {
    let mut s = format!("{} {}", c.name, c.data_type);
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if c.default.is_none() && !c.nullable {
        s.push_str(" without DEFAULT");
    }
    s
}

impl Context<'_> {
    fn old_column(&self, name: &str) -> Option<&Column> {
        self.before.and_then(|t| t.column(name))
    }

    fn new_column(&self, name: &str) -> Option<&Column> {
        self.after.column(name)
    }

    /// What the statement did to column `name`, as a clause.
    fn clause(&self, name: &str) -> Option<String> {
        let DdlStatement::AlterTable { specs, .. } = self.stmt else {
            return None;
        };
        specs.iter().find_map(|spec| match spec {
            AlterSpec::AddColumn { def, .. } if def.column.name.eq_ignore_ascii_case(name) => {
                Some(format!("ADD COLUMN {}", column_sql(&def.column)))
            }
            AlterSpec::DropColumn { name: n, .. } if n.eq_ignore_ascii_case(name) => {
                Some(format!("DROP COLUMN {n}"))
            }
            AlterSpec::ChangeColumn { old_name, def, .. }
                if def.column.name.eq_ignore_ascii_case(name)
                    || old_name.eq_ignore_ascii_case(name) =>
            {
                if *old_name == def.column.name {
                    Some(format!("MODIFY {}", column_sql(&def.column)))
                } else {
                    Some(format!("CHANGE {old_name} {}", column_sql(&def.column)))
                }
            }
            AlterSpec::RenameColumn { from, to }
                if from.eq_ignore_ascii_case(name) || to.eq_ignore_ascii_case(name) =>
            {
                Some(format!("RENAME COLUMN {from} TO {to}"))
            }
            _ => None,
        })
    }

    /// The other name of a renamed column (`from` ↔ `to`).
    fn renamed(&self, name: &str) -> Option<String> {
        crate::hazard::renames(self.stmt)
            .into_iter()
            .find_map(|(from, to)| {
                if to.eq_ignore_ascii_case(name) {
                    Some(from.to_owned())
                } else if from.eq_ignore_ascii_case(name) {
                    Some(to.to_owned())
                } else {
                    None
                }
            })
    }

    fn reason(&self, dir: Direction, i: &Incompatibility, field: Option<&str>) -> Reason {
        let level = self.level.as_str();
        let rule = format!("{} at {}: {}", i.kind, i.location, i.additional_info);
        let column = field.map(str::to_owned).or_else(|| {
            (i.kind == IncompatibilityKind::ReaderFieldMissingDefaultValue)
                .then(|| i.additional_info.clone())
        });
        let Some(name) = column.clone() else {
            return Reason {
                column: None,
                message: format!("{} ({level})", i.description),
                fix: "Run with --explain to compare the schemas.".into(),
                rule,
            };
        };
        let clause = self.clause(&name);
        let lead = match (&clause, self.is_key) {
            (_, true) => format!(
                "the primary key changed from ({}) to ({})",
                self.before
                    .map(|t| t.primary_key.join(", "))
                    .unwrap_or_default(),
                self.after.primary_key.join(", ")
            ),
            (Some(c), false) => c.clone(),
            (None, false) => format!("column '{name}' changed"),
        };
        let (message, fix) = match (i.kind, dir) {
            (IncompatibilityKind::ReaderFieldMissingDefaultValue, Direction::Backward) => {
                let default = self
                    .new_column(&name)
                    .map_or_else(|| "''".into(), |c| example_default(&c.data_type));
                match self.renamed(&name) {
                    Some(from) => (
                        format!("{lead}: readers of the new schema need a default for '{name}' to read old records, which carry '{from}' instead ({level})"),
                        "A rename drops the column's data for consumers: add the new column as NULL (or with a DEFAULT), copy the data, and drop the old column later.".into(),
                    ),
                    None if self.is_key => (
                        format!("{lead}: readers of the new key need a default for '{name}' to read old keys ({level})"),
                        "Keep the primary key, or create a new table (a new topic) with the new key.".into(),
                    ),
                    None => (
                        format!("{lead}: readers of the new schema need a default for '{name}' to read old records ({level})"),
                        format!("Add DEFAULT {default} or make the column NULL."),
                    ),
                }
            }
            (IncompatibilityKind::ReaderFieldMissingDefaultValue, Direction::Forward) => {
                let lead = if self.is_key {
                    lead
                } else {
                    clause.unwrap_or_else(|| format!("DROP COLUMN {name}"))
                };
                match self.renamed(&name) {
                    _ if self.is_key => (
                        format!("{lead}: readers of the old key need '{name}', which new keys no longer have ({level})"),
                        "Keep the primary key, or create a new table (a new topic) with the new key.".into(),
                    ),
                    Some(to) => (
                        format!("{lead}: readers of the old schema need a value for '{name}' (NOT NULL without DEFAULT), and new records carry '{to}' instead ({level})"),
                        "Add the new column next to the old one and drop the old one only after it has a DEFAULT or is NULL, in a later migration.".into(),
                    ),
                    None => (
                        format!("{lead}: readers of the old schema need a value for '{name}' (NOT NULL without DEFAULT), and new records no longer have it ({level})"),
                        format!("First give '{name}' a DEFAULT or make it NULL in a migration of its own, let capture register it, then drop it."),
                    ),
                }
            }
            (IncompatibilityKind::TypeMismatch | IncompatibilityKind::MissingUnionBranch, _)
                if self.nullability_changed(&name) =>
            {
                let became_required = self.new_column(&name).is_some_and(|c| !c.nullable);
                match (became_required, dir) {
                    (true, _) => (
                        format!("{lead}: '{name}' became NOT NULL; readers of the new schema cannot read old records where it is null ({level})"),
                        "Keep the column NULL (the Avro schema follows the column), or add a new NOT NULL column with a DEFAULT.".into(),
                    ),
                    (false, _) => (
                        format!("{lead}: '{name}' became NULL; readers of the old schema cannot read new records where it is null ({level})"),
                        "Keep the column NOT NULL: consumers on the old schema cannot read a null there.".into(),
                    ),
                }
            }
            (IncompatibilityKind::TypeMismatch | IncompatibilityKind::MissingUnionBranch, _) => {
                let from = self
                    .old_column(&name)
                    .map_or_else(|| "its earlier type".into(), |c| c.data_type.to_string());
                let to = self
                    .new_column(&name)
                    .map_or_else(|| "its new type".into(), |c| c.data_type.to_string());
                let who = match dir {
                    Direction::Backward => "readers of the new schema cannot read old records",
                    Direction::Forward => "readers of the old schema cannot read new records",
                };
                (
                    format!(
                        "{lead}: '{name}' changed from {from} to {to}; {who} ({}) ({level})",
                        i.additional_info
                    ),
                    format!(
                        "Keep {from}, or add a new {to} column, backfill it and drop '{name}' later. Widening (INT to BIGINT) passes BACKWARD only; narrowing passes neither."
                    ),
                )
            }
            _ => (
                format!("{lead}: {} ({level})", i.description),
                "Run with --explain to compare the schemas.".into(),
            ),
        };
        Reason {
            column,
            message,
            fix,
            rule,
        }
    }

    fn nullability_changed(&self, name: &str) -> bool {
        match (self.old_column(name), self.new_column(name)) {
            (Some(a), Some(b)) => a.nullable != b.nullable,
            _ => false,
        }
    }
}
