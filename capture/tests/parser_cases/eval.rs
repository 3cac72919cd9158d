//! Evaluating Debezium's assertions against Sluice's catalog.
//!
//! Debezium's `Column` accessors are mapped onto the model: `length()` is the length, precision,
//! bit count or fractional-second precision the [`DataType`] keeps (else -1), `scale()` the
//! DECIMAL/FLOAT scale, `position()` is 1-based, `typeName()` compares by the type it denotes
//! (`INTEGER` = `INT`), `jdbcType()` by the JDBC type Debezium assigns to that MySQL type.

use super::java::Expr;
use sluice_capture::ddl;
use sluice_capture::schema::{Catalog, Column, ColumnDefault, DataType, Table, TableId};

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Val>),
    Table(TableId),
    Column(TableId, usize),
    Tables,
    Parser,
    Opt(Option<Box<Val>>),
    /// `typeName()`: the column's type, compared by meaning.
    TypeName(DataType),
    /// `jdbcType()` / `Types.X`: a JDBC type name.
    Jdbc(String),
}

/// Why an assertion is not evaluated.
pub(crate) type NotApplicable = String;

pub(crate) struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub current: Option<TableId>,
    pub parse_errors: &'a [String],
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

impl Ctx<'_> {
    pub(crate) fn catalog_table(&self, id: &TableId) -> Option<&Table> {
        self.catalog.table(id)
    }

    fn table(&self, id: &TableId) -> Option<&Table> {
        self.catalog.table(id)
    }

    fn current_table(&self) -> Result<&Table, NotApplicable> {
        self.current
            .as_ref()
            .and_then(|id| self.table(id))
            .ok_or_else(|| "no current table".to_string())
    }

    fn find_table(&self, name: &str) -> Option<TableId> {
        self.catalog
            .tables()
            .find(|t| t.id.table.eq_ignore_ascii_case(name))
            .map(|t| t.id.clone())
    }

    fn var(&self, name: &str) -> Result<Val, NotApplicable> {
        match name {
            "tables" => return Ok(Val::Tables),
            "parser" => return Ok(Val::Parser),
            "table" | "t" | "tbl" => {
                return self.current_table().map(|t| Val::Table(t.id.clone()));
            }
            _ => {}
        }
        if let Some(id) = self.find_table(name) {
            return Ok(Val::Table(id));
        }
        // `tableDef` for the table `datadef`: Java names a table by its suffix.
        if let Some(suffix) = name.strip_prefix("table").filter(|s| !s.is_empty()) {
            let suffix = suffix.to_ascii_lowercase();
            if let Some(t) = self
                .catalog
                .tables()
                .find(|t| t.id.table.to_ascii_lowercase().ends_with(&suffix))
            {
                return Ok(Val::Table(t.id.clone()));
            }
        }
        let t = self.current_table()?;
        let wanted = [name.to_string(), snake(name)];
        if let Some(i) = t.columns.iter().position(|c| {
            wanted.iter().any(|w| c.name.eq_ignore_ascii_case(w))
                || c.name.replace('_', "").eq_ignore_ascii_case(name)
        }) {
            return Ok(Val::Column(t.id.clone(), i));
        }
        if name == "column" && !t.columns.is_empty() {
            return Ok(Val::Column(t.id.clone(), t.columns.len() - 1));
        }
        Err(format!(
            "variable {name} is defined in Java code not in the case file"
        ))
    }

    pub(crate) fn eval(&self, e: &Expr) -> Result<Val, NotApplicable> {
        match e {
            Expr::Null => Ok(Val::Null),
            Expr::Bool(b) => Ok(Val::Bool(*b)),
            Expr::Num(n) => Ok(Val::Int(*n)),
            Expr::Str(s) => Ok(Val::Str(s.clone())),
            Expr::Other(o) => Err(format!("Java value {o}")),
            Expr::Ident(v) => self.var(v),
            Expr::New(ty, args) if ty == "TableId" && args.len() == 3 => {
                let db = match self.eval(&args[0])? {
                    Val::Str(s) => Some(s),
                    _ => None,
                };
                let Val::Str(name) = self.eval(&args[2])? else {
                    return Err("TableId name".into());
                };
                Ok(self.for_table(db, &name))
            }
            Expr::New(ty, _) => Err(format!("new {ty}")),
            Expr::Func(f, args) => match f.as_str() {
                "getColumnSchema" => {
                    Err("Connect default-value conversion (the Avro mapping's job)".into())
                }
                _ => Err(format!("Java helper {f}() with {} arguments", args.len())),
            },
            Expr::Call(target, m, args) => {
                if let Expr::Ident(base) = target.as_ref() {
                    match (base.as_str(), m.as_str()) {
                        ("Types", _) => return Ok(Val::Jdbc(m.clone())),
                        ("MySqlAntlrDdlParser", "extractEnumAndSetOptions") => {
                            return self.eval(&args.as_ref().ok_or("args")?[0]);
                        }
                        ("Collections", "singletonList") => {
                            return Ok(Val::List(vec![
                                self.eval(&args.as_ref().ok_or("args")?[0])?,
                            ]));
                        }
                        ("Integer", "MAX_VALUE") => return Ok(Val::Int(i64::from(i32::MAX))),
                        _ => {}
                    }
                }
                let t = self.eval(target)?;
                let args = match args {
                    Some(a) => Some(
                        a.iter()
                            .map(|a| self.eval(a))
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                self.method(t, m, args.as_deref())
            }
        }
    }

    fn for_table(&self, db: Option<String>, name: &str) -> Val {
        let found = self
            .catalog
            .tables()
            .find(|t| t.id.table == name && db.as_ref().is_none_or(|d| t.id.database == *d));
        found.map_or(Val::Null, |t| Val::Table(t.id.clone()))
    }

    fn column<'c>(&'c self, id: &TableId, i: usize) -> Result<&'c Column, NotApplicable> {
        self.table(id)
            .and_then(|t| t.columns.get(i))
            .ok_or_else(|| "column vanished".to_string())
    }

    fn method(&self, t: Val, m: &str, args: Option<&[Val]>) -> Result<Val, NotApplicable> {
        let arg = |i: usize| args.and_then(|a| a.get(i)).cloned().unwrap_or(Val::Null);
        match (&t, m) {
            (Val::Tables, "size") => Ok(Val::Int(self.catalog.tables().count() as i64)),
            (Val::Tables, "forTable") => match args {
                Some([db, _, Val::Str(name)]) => {
                    let db = if let Val::Str(d) = db {
                        Some(d.clone())
                    } else {
                        None
                    };
                    Ok(self.for_table(db, name))
                }
                Some([v @ (Val::Table(_) | Val::Null)]) => Ok(v.clone()),
                _ => Err("forTable arguments".into()),
            },
            (Val::Parser, "getParsingExceptionsFromWalker") => Ok(Val::List(
                self.parse_errors
                    .iter()
                    .map(|e| Val::Str(e.clone()))
                    .collect(),
            )),
            (Val::List(l), "size") => Ok(Val::Int(l.len() as i64)),
            (Val::List(l), "get") => match arg(0) {
                Val::Int(i) => Ok(l.get(i as usize).cloned().unwrap_or(Val::Null)),
                _ => Err("get index".into()),
            },
            (Val::List(l), "isEmpty") => Ok(Val::Bool(l.is_empty())),
            (Val::Opt(o), "isPresent") => Ok(Val::Bool(o.is_some())),
            // Java would throw on an empty Optional: the assertion fails.
            (Val::Opt(o), "get") => Ok(o.as_deref().cloned().unwrap_or(Val::Null)),
            (Val::Table(id), _) => {
                let tb = self.table(id).ok_or("table vanished")?;
                match m {
                    "columns" => Ok(Val::List(
                        (0..tb.columns.len())
                            .map(|i| Val::Column(id.clone(), i))
                            .collect(),
                    )),
                    "columnWithName" => match arg(0) {
                        Val::Str(n) => Ok(tb
                            .position(&n)
                            .map_or(Val::Null, |i| Val::Column(id.clone(), i))),
                        _ => Err("columnWithName argument".into()),
                    },
                    "primaryKeyColumnNames" => Ok(Val::List(
                        tb.primary_key.iter().map(|k| Val::Str(k.clone())).collect(),
                    )),
                    "primaryKeyColumns" => Ok(Val::List(
                        tb.primary_key
                            .iter()
                            .filter_map(|k| tb.position(k))
                            .map(|i| Val::Column(id.clone(), i))
                            .collect(),
                    )),
                    "retrieveColumnNames" => Ok(Val::List(
                        tb.columns
                            .iter()
                            .map(|c| Val::Str(c.name.clone()))
                            .collect(),
                    )),
                    "defaultCharsetName" => Ok(tb.charset.clone().map_or(Val::Null, Val::Str)),
                    "comment" => Ok(tb.comment.clone().map_or(Val::Null, Val::Str)),
                    _ => Err(format!("Table.{m}()")),
                }
            }
            (Val::Column(id, i), _) => {
                let c = self.column(id, *i)?;
                match m {
                    "name" => Ok(Val::Str(c.name.clone())),
                    "typeName" => Ok(Val::TypeName(c.data_type.clone())),
                    "jdbcType" => Ok(Val::Jdbc(jdbc_type(&c.data_type).into())),
                    "length" => Ok(Val::Int(length(&c.data_type))),
                    "scale" => Ok(Val::Opt(scale(&c.data_type).map(|s| Box::new(Val::Int(s))))),
                    "isOptional" => Ok(Val::Bool(c.nullable)),
                    "position" => Ok(Val::Int(*i as i64 + 1)),
                    "hasDefaultValue" => Ok(Val::Bool(c.default.is_some())),
                    "defaultValueExpression" => Ok(Val::Opt(
                        default_expression(&c.default).map(|s| Box::new(Val::Str(s))),
                    )),
                    "charsetName" => Ok(c.charset.clone().map_or(Val::Null, Val::Str)),
                    "comment" => Ok(c.comment.clone().map_or(Val::Null, Val::Str)),
                    "isAutoIncremented" => Ok(Val::Bool(c.auto_increment)),
                    "isGenerated" => Ok(Val::Bool(c.generated)),
                    "typeUsesCharset" => Ok(Val::Bool(c.data_type.is_character())),
                    "enumValues" => match &c.data_type {
                        DataType::Enum(v) | DataType::Set(v) => {
                            Ok(Val::List(v.iter().map(|s| Val::Str(s.clone())).collect()))
                        }
                        _ => Ok(Val::List(Vec::new())),
                    },
                    _ => Err(format!("Column.{m}()")),
                }
            }
            _ => Err(format!("{m}() on {t:?}")),
        }
    }
}

pub(crate) fn default_expression(d: &Option<ColumnDefault>) -> Option<String> {
    match d {
        None | Some(ColumnDefault::Null) => None,
        Some(ColumnDefault::Literal(s) | ColumnDefault::Expression(s)) => Some(s.clone()),
        Some(ColumnDefault::CurrentTimestamp) => Some("CURRENT_TIMESTAMP".into()),
    }
}

pub(crate) fn length(dt: &DataType) -> i64 {
    match dt {
        DataType::Char(n)
        | DataType::VarChar(n)
        | DataType::Binary(n)
        | DataType::VarBinary(n)
        | DataType::Bit(n)
        | DataType::Vector(n) => i64::from(*n),
        DataType::Decimal { precision, .. } => i64::from(*precision),
        DataType::Float {
            precision: Some(p), ..
        } => i64::from(*p),
        DataType::TinyInt { width: Some(w), .. } => i64::from(*w),
        DataType::Time(f) | DataType::DateTime(f) | DataType::Timestamp(f) if *f > 0 => {
            i64::from(*f)
        }
        _ => -1,
    }
}

fn scale(dt: &DataType) -> Option<i64> {
    match dt {
        DataType::Decimal { scale, .. } => Some(i64::from(*scale)),
        DataType::Float { scale: Some(s), .. } => Some(i64::from(*s)),
        _ => None,
    }
}

/// The JDBC type Debezium's MySQL parser gives a column of this type.
pub(crate) fn jdbc_type(dt: &DataType) -> &'static str {
    match dt {
        DataType::Boolean => "BOOLEAN",
        DataType::Bit(_) => "BIT",
        DataType::TinyInt { .. } => "TINYINT",
        DataType::SmallInt { .. } => "SMALLINT",
        DataType::MediumInt { .. } | DataType::Int { .. } | DataType::Year => "INTEGER",
        DataType::BigInt { .. } => "BIGINT",
        DataType::Float { .. } => "FLOAT",
        DataType::Double { .. } => "DOUBLE",
        DataType::Decimal { .. } => "DECIMAL",
        DataType::Char(_) | DataType::Enum(_) | DataType::Set(_) => "CHAR",
        DataType::VarChar(_) | DataType::Text(_) => "VARCHAR",
        DataType::Binary(_) => "BINARY",
        DataType::VarBinary(_) => "VARBINARY",
        DataType::Blob(_) => "BLOB",
        DataType::Json | DataType::Geometry(_) | DataType::Vector(_) => "OTHER",
        DataType::Date => "DATE",
        DataType::Time(_) => "TIME",
        DataType::DateTime(_) => "TIMESTAMP",
        DataType::Timestamp(_) => "TIMESTAMP_WITH_TIMEZONE",
    }
}

/// Whether two JDBC type names denote the same thing for the model (national variants are
/// the plain ones in utf8; NUMERIC is DECIMAL).
pub(crate) fn jdbc_equivalent(a: &str, b: &str) -> bool {
    let norm = |s: &str| match s {
        "NCHAR" => "CHAR".to_string(),
        "NVARCHAR" => "VARCHAR".to_string(),
        "NUMERIC" => "DECIMAL".to_string(),
        other => other.to_string(),
    };
    norm(a) == norm(b)
}

/// Whether the type name Debezium reports (`INTEGER`, `BIGINT UNSIGNED`, `ENUM`) denotes `dt`.
pub(crate) fn type_name_matches(dt: &DataType, name: &str) -> bool {
    let parsed = ddl::parse(&format!("CREATE TABLE x (c {name})"), None)
        .ok()
        .and_then(|mut s| s.pop());
    if let Some(ddl::DdlStatement::CreateTable(c)) = parsed
        && let Some(col) = c.columns.first()
    {
        {
            let (a, b) = (&col.column.data_type, dt);
            return std::mem::discriminant(a) == std::mem::discriminant(b)
                && unsigned(a) == unsigned(b);
        }
    }
    let upper = name.to_ascii_uppercase();
    match dt {
        DataType::Enum(_) => upper == "ENUM",
        DataType::Set(_) => upper == "SET",
        _ => false,
    }
}

fn unsigned(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::TinyInt { unsigned: true, .. }
            | DataType::SmallInt { unsigned: true }
            | DataType::MediumInt { unsigned: true }
            | DataType::Int { unsigned: true }
            | DataType::BigInt { unsigned: true }
            | DataType::Float { unsigned: true, .. }
            | DataType::Double { unsigned: true }
            | DataType::Decimal { unsigned: true, .. }
    )
}
