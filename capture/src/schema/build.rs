//! Building a [`Table`] from `CREATE TABLE` and changing it with `ALTER TABLE` specifications.

use super::catalog::{SchemaError, charset_of_collation, pick_charset};
use super::keys::{TableKeys, UniqueKey};
use super::model::{Column, Table, TableId};
use crate::ddl::{AlterSpec, ColumnDef, ColumnPosition, CreateTable, KeyDef, KeyKind};

fn inconsistent<T>(t: &Table, message: String) -> Result<T, SchemaError> {
    Err(SchemaError::Inconsistent {
        table: t.id.clone(),
        message,
    })
}

/// A column as defined, with its charset resolved against the table's.
fn resolve_column(mut col: Column, table_charset: &Option<String>) -> Column {
    if col.data_type.is_character() {
        if col
            .charset
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("DEFAULT"))
        {
            col.charset = None;
        }
        if col.charset.is_none() {
            col.charset = col
                .collation
                .as_deref()
                .map(charset_of_collation)
                .or_else(|| table_charset.clone());
        }
    }
    col
}

/// The table `CREATE TABLE` defines, with its unique keys (promotion applied).
pub(super) fn create_table(
    id: TableId,
    c: &CreateTable,
    db_charset: Option<String>,
) -> Result<(Table, TableKeys), SchemaError> {
    let charset = pick_charset(&c.options.charset, &c.options.collation).or(db_charset);
    let mut t = Table {
        id,
        columns: Vec::new(),
        primary_key: Vec::new(),
        charset,
        comment: c.options.comment.clone(),
    };
    let mut keys = TableKeys::default();
    for def in &c.columns {
        if t.column(&def.column.name).is_some() {
            return inconsistent(&t, format!("column {} defined twice", def.column.name));
        }
        t.columns
            .push(resolve_column(def.column.clone(), &t.charset));
        if def.primary_key {
            set_primary_key(&mut t, std::slice::from_ref(&def.column.name))?;
        }
        if def.unique {
            keys.unique.push(inline_unique(def));
        }
    }
    for k in &c.keys {
        add_key(&mut t, &mut keys, k)?;
    }
    keys.promote(&mut t);
    Ok((t, keys))
}

fn inline_unique(def: &ColumnDef) -> UniqueKey {
    UniqueKey {
        name: def.column.name.clone(),
        columns: vec![def.column.name.clone()],
        has_expression: false,
    }
}

fn set_primary_key(t: &mut Table, columns: &[String]) -> Result<(), SchemaError> {
    let mut names = Vec::new();
    for c in columns {
        let Some(i) = t.position(c) else {
            return inconsistent(t, format!("primary key column {c} does not exist"));
        };
        t.columns[i].nullable = false;
        names.push(t.columns[i].name.clone());
    }
    t.primary_key = names;
    Ok(())
}

fn add_key(t: &mut Table, keys: &mut TableKeys, k: &KeyDef) -> Result<(), SchemaError> {
    match k.kind {
        KeyKind::Primary => {
            set_primary_key(t, &k.columns)?;
            keys.explicit_primary_key();
        }
        KeyKind::Unique => {
            keys.unique.push(UniqueKey::from_def(k));
            keys.promote(t);
        }
        KeyKind::Plain | KeyKind::Foreign => {}
    }
    Ok(())
}

fn insert_at(
    t: &mut Table,
    col: Column,
    position: &Option<ColumnPosition>,
) -> Result<(), SchemaError> {
    let at = match position {
        None => t.columns.len(),
        Some(ColumnPosition::First) => 0,
        Some(ColumnPosition::After(x)) => match t.position(x) {
            Some(i) => i + 1,
            None => return inconsistent(t, format!("AFTER column {x} does not exist")),
        },
    };
    t.columns.insert(at, col);
    Ok(())
}

/// Apply ALTER TABLE specifications; returns the table, its keys, and the new name if renamed.
pub(super) fn alter_table(
    mut t: Table,
    mut keys: TableKeys,
    specs: &[AlterSpec],
) -> Result<(Table, TableKeys, Option<TableId>), SchemaError> {
    let mut rename = None;
    for spec in specs {
        match spec {
            AlterSpec::AddColumn {
                def,
                position,
                if_not_exists,
            } => {
                if t.column(&def.column.name).is_some() {
                    if *if_not_exists {
                        continue;
                    }
                    return inconsistent(&t, format!("column {} already exists", def.column.name));
                }
                let col = resolve_column(def.column.clone(), &t.charset);
                insert_at(&mut t, col, position)?;
                if def.primary_key {
                    set_primary_key(&mut t, std::slice::from_ref(&def.column.name))?;
                    keys.explicit_primary_key();
                }
                if def.unique {
                    keys.unique.push(inline_unique(def));
                    keys.promote(&mut t);
                }
            }
            AlterSpec::AddKey(k) => add_key(&mut t, &mut keys, k)?,
            AlterSpec::DropColumn { name, if_exists } => {
                let Some(i) = t.position(name) else {
                    if *if_exists {
                        continue;
                    }
                    return inconsistent(&t, format!("column {name} does not exist"));
                };
                t.columns.remove(i);
                t.primary_key.retain(|k| !k.eq_ignore_ascii_case(name));
                keys.drop_column(name);
            }
            AlterSpec::ChangeColumn {
                old_name,
                def,
                position,
                if_exists,
            } => {
                let Some(i) = t.position(old_name) else {
                    if *if_exists {
                        continue;
                    }
                    return inconsistent(&t, format!("column {old_name} does not exist"));
                };
                let new_name = def.column.name.clone();
                if !new_name.eq_ignore_ascii_case(old_name) && t.column(&new_name).is_some() {
                    return inconsistent(&t, format!("column {new_name} already exists"));
                }
                let mut col = resolve_column(def.column.clone(), &t.charset);
                let in_pk = t
                    .primary_key
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(old_name));
                if in_pk {
                    col.nullable = false;
                }
                if position.is_some() {
                    t.columns.remove(i);
                    insert_at(&mut t, col, position)?;
                } else {
                    t.columns[i] = col;
                }
                for k in &mut t.primary_key {
                    if k.eq_ignore_ascii_case(old_name) {
                        *k = new_name.clone();
                    }
                }
                keys.rename_column(old_name, &new_name);
                if def.primary_key {
                    set_primary_key(&mut t, std::slice::from_ref(&new_name))?;
                    keys.explicit_primary_key();
                }
                if def.unique {
                    keys.unique.push(inline_unique(def));
                }
                keys.promote(&mut t);
            }
            AlterSpec::RenameColumn { from, to } => {
                let Some(i) = t.position(from) else {
                    return inconsistent(&t, format!("column {from} does not exist"));
                };
                t.columns[i].name = to.clone();
                for k in &mut t.primary_key {
                    if k.eq_ignore_ascii_case(from) {
                        *k = to.clone();
                    }
                }
                keys.rename_column(from, to);
            }
            AlterSpec::AlterColumnDefault { name, default } => {
                let Some(i) = t.position(name) else {
                    return inconsistent(&t, format!("column {name} does not exist"));
                };
                t.columns[i].default = default.clone();
            }
            AlterSpec::DropPrimaryKey => {
                t.primary_key.clear();
                keys.explicit_primary_key();
            }
            AlterSpec::DropIndex { name } => keys.drop_index(&mut t, name),
            AlterSpec::RenameIndex { from, to } => keys.rename_index(from, to),
            AlterSpec::RenameTable(to) => rename = Some(to.clone()),
            AlterSpec::DefaultCharset { charset, collation } => {
                if let Some(cs) = pick_charset(charset, collation) {
                    t.charset = Some(cs);
                }
            }
            AlterSpec::ConvertCharset { charset, collation } => {
                let cs = pick_charset(&Some(charset.clone()), collation);
                t.charset = cs.clone();
                for c in &mut t.columns {
                    if c.data_type.is_character() {
                        c.charset = cs.clone();
                        c.collation = collation.clone();
                    }
                }
            }
            AlterSpec::Comment(c) => t.comment = Some(c.clone()),
            AlterSpec::Other(_) => {}
        }
    }
    Ok((t, keys, rename))
}
