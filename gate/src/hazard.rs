//! Changes the registry cannot see that break consumers anyway.
//!
//! The Avro mapping hides some changes: DECIMAL(10,2) and DECIMAL(12,4) are both `bytes` with
//! a `decimal` logical type whose scale the compatibility rules ignore; an ENUM is a `string`
//! whatever its symbols; SMALLINT and INT are both `int`, VARCHAR(255) and VARCHAR(20) both
//! `string`. A renamed nullable column passes (the new field has a default) while consumers lose
//! its data; a new primary key changes every record's key; a renamed table writes to a new topic.
//! These are warnings, or errors with `--strict`.

use crate::report::{ChangeKind, Hazard, HazardKind};
use sluice_capture::config::{ConnectorConfig, DecimalHandlingMode};
use sluice_capture::ddl::{AlterSpec, DdlStatement};
use sluice_capture::schema::{Column, DataType, LobSize, Table};

/// The hazards of changing `before` into `after` with `stmt`.
pub(crate) fn find(
    before: Option<&Table>,
    after: &Table,
    stmt: &DdlStatement,
    kind: ChangeKind,
    config: &ConnectorConfig,
) -> Vec<Hazard> {
    let mut out = Vec::new();
    let Some(before) = before else {
        return out;
    };
    if kind == ChangeKind::Renamed {
        out.push(Hazard {
            kind: HazardKind::TopicChanged,
            column: None,
            message: format!(
                "table {} is renamed to {}: its changes now go to a new topic and subjects, and consumers of the old topic stop receiving them",
                before.id, after.id
            ),
            fix: "Point consumers at the new topic, or keep the table's name.".into(),
        });
    }
    if before.primary_key != after.primary_key {
        out.push(Hazard {
            kind: HazardKind::PrimaryKeyChanged,
            column: None,
            message: format!(
                "the primary key changes from {} to {}: every record gets a new key, so a compacted topic keeps both and consumers see the same row under two keys",
                key_text(&before.primary_key),
                key_text(&after.primary_key)
            ),
            fix: "Keep the primary key, or move the table to a new topic (a new table) and migrate consumers.".into(),
        });
    }
    let in_value = |name: &str| config.filters.column_included(&after.id, name);
    for old in before.columns.iter().filter(|c| in_value(&c.name)) {
        let renamed_to = renamed(stmt, &old.name);
        let new_name = renamed_to.as_deref().unwrap_or(&old.name);
        let Some(new) = after.column(new_name).filter(|c| in_value(&c.name)) else {
            continue;
        };
        if let Some(to) = &renamed_to {
            out.push(Hazard {
                kind: HazardKind::ColumnRenamed,
                column: Some(to.clone()),
                message: format!(
                    "column '{}' is renamed to '{to}': for consumers '{}' disappears (old readers get its default) and '{to}' is a new field",
                    old.name, old.name
                ),
                fix: "Add the new column, copy the data, and drop the old one once consumers read the new field.".into(),
            });
        }
        out.extend(column_hazard(old, new, config.decimal_handling_mode));
    }
    out
}

/// The columns the statement renames, as `(from, to)`. A change of letter case counts: Avro
/// field names are case-sensitive even where MySQL's column names are not.
pub(crate) fn renames(stmt: &DdlStatement) -> Vec<(&str, &str)> {
    let DdlStatement::AlterTable { specs, .. } = stmt else {
        return Vec::new();
    };
    specs
        .iter()
        .filter_map(|s| match s {
            AlterSpec::ChangeColumn { old_name, def, .. } if *old_name != def.column.name => {
                Some((old_name.as_str(), def.column.name.as_str()))
            }
            AlterSpec::RenameColumn { from, to } if from != to => {
                Some((from.as_str(), to.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The new name of column `name` when the statement renames it.
fn renamed(stmt: &DdlStatement, name: &str) -> Option<String> {
    renames(stmt)
        .into_iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(name))
        .map(|(_, to)| to.to_owned())
}

fn key_text(key: &[String]) -> String {
    if key.is_empty() {
        "no primary key".to_owned()
    } else {
        format!("({})", key.join(", "))
    }
}

fn int_rank(t: &DataType) -> Option<(u8, bool)> {
    Some(match t {
        DataType::TinyInt { unsigned, .. } => (1, *unsigned),
        DataType::SmallInt { unsigned } => (2, *unsigned),
        DataType::MediumInt { unsigned } => (3, *unsigned),
        DataType::Int { unsigned } => (4, *unsigned),
        DataType::BigInt { unsigned } => (8, *unsigned),
        _ => return None,
    })
}

fn lob_rank(s: LobSize) -> u8 {
    match s {
        LobSize::Tiny => 0,
        LobSize::Normal => 1,
        LobSize::Medium => 2,
        LobSize::Long => 3,
    }
}

/// Whether values of `old` may not fit `new` (same family, smaller range or length).
fn narrows(old: &DataType, new: &DataType) -> bool {
    use DataType as T;
    if let (Some((a, ua)), Some((b, ub))) = (int_rank(old), int_rank(new)) {
        return b < a || (a == b && ua != ub) || (b > a && !ua && ub);
    }
    match (old, new) {
        (T::VarChar(a), T::VarChar(b) | T::Char(b))
        | (T::Char(a), T::Char(b) | T::VarChar(b))
        | (T::VarBinary(a), T::VarBinary(b) | T::Binary(b))
        | (T::Binary(a), T::Binary(b) | T::VarBinary(b))
        | (T::Bit(a), T::Bit(b)) => b < a,
        (T::Text(a), T::Text(b)) | (T::Blob(a), T::Blob(b)) => lob_rank(*b) < lob_rank(*a),
        (T::Text(_), T::VarChar(_) | T::Char(_)) | (T::Blob(_), T::VarBinary(_)) => true,
        (T::Double { .. }, T::Float { .. }) => true,
        (T::DateTime(a), T::DateTime(b))
        | (T::Timestamp(a), T::Timestamp(b))
        | (T::Time(a), T::Time(b)) => b < a,
        (
            T::Decimal {
                precision: p1,
                scale: s1,
                ..
            },
            T::Decimal {
                precision: p2,
                scale: s2,
                ..
            },
        ) => s2 < s1 || (p2 - (*s2).min(*p2)) < (p1 - (*s1).min(*p1)),
        _ => false,
    }
}

fn column_hazard(old: &Column, new: &Column, decimal: DecimalHandlingMode) -> Option<Hazard> {
    let name = new.name.clone();
    match (&old.data_type, &new.data_type) {
        (DataType::Enum(a), DataType::Enum(b)) | (DataType::Set(a), DataType::Set(b)) => {
            let removed: Vec<&String> = a.iter().filter(|s| !b.contains(s)).collect();
            if removed.is_empty() {
                return None;
            }
            let list = removed
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ");
            Some(Hazard {
                kind: HazardKind::EnumSymbolsRemoved,
                column: Some(name.clone()),
                message: format!(
                    "{} '{name}' loses the values {list}: the Avro schema is a string either way, so the registry accepts it, but consumers that act on those values never see them again and rows holding them become ''",
                    if matches!(old.data_type, DataType::Enum(_)) { "ENUM" } else { "SET" }
                ),
                fix: format!("Keep {list} in the list until no row and no consumer uses them."),
            })
        }
        (
            DataType::Decimal {
                precision: p1,
                scale: s1,
                ..
            },
            DataType::Decimal {
                precision: p2,
                scale: s2,
                ..
            },
        ) if (p1, s1) != (p2, s2)
            && (decimal == DecimalHandlingMode::Precise || narrows(&old.data_type, &new.data_type)) =>
        {
            Some(Hazard {
                kind: HazardKind::DecimalChanged,
                column: Some(name.clone()),
                message: if decimal == DecimalHandlingMode::Precise {
                    format!(
                        "'{name}' changes from {} to {}: the registry's Avro rules ignore a decimal's precision and scale, so it accepts the change, but consumers reading with the other schema's scale get wrong amounts, and values beyond the old precision do not fit their decimal type",
                        old.data_type, new.data_type
                    )
                } else {
                    format!(
                        "'{name}' narrows from {} to {}: the Avro type does not change, so the registry accepts it, but values that fit before may be rounded or rejected",
                        old.data_type, new.data_type
                    )
                },
                fix: "Keep the precision and scale, or add a new DECIMAL column and move consumers to it.".into(),
            })
        }
        (a, b) if narrows(a, b) => Some(Hazard {
            kind: HazardKind::Narrowed,
            column: Some(name.clone()),
            message: format!(
                "'{name}' narrows from {a} to {b}: the Avro type may not change, but values that fit before may be cut or rejected, and consumers that sized for the old range break"
            ),
            fix: format!("Keep {a}, or check every row fits {b} before migrating."),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_is_found_within_each_family() {
        let int = |u| DataType::Int { unsigned: u };
        let small = DataType::SmallInt { unsigned: false };
        assert!(narrows(&int(false), &small));
        assert!(!narrows(&small, &int(false)));
        assert!(narrows(&int(true), &int(false)));
        assert!(narrows(&DataType::VarChar(255), &DataType::VarChar(20)));
        assert!(!narrows(&DataType::VarChar(20), &DataType::VarChar(255)));
        assert!(narrows(
            &DataType::Text(LobSize::Medium),
            &DataType::Text(LobSize::Normal)
        ));
        assert!(narrows(&DataType::DateTime(6), &DataType::DateTime(0)));
        let dec = |p, s| DataType::Decimal {
            precision: p,
            scale: s,
            unsigned: false,
        };
        assert!(narrows(&dec(10, 2), &dec(10, 4)), "fewer integer digits");
        assert!(narrows(&dec(10, 2), &dec(10, 1)), "fewer fraction digits");
        assert!(!narrows(&dec(10, 2), &dec(12, 2)));
    }
}
