//! The schema change topic (`include.schema.changes`, Debezium's `BinlogDatabaseSchema` and `ConnectTableChangeSerializer`): one record per DDL on
//! topic `<prefix>`, key `SchemaChangeKey{databaseName}`, value `SchemaChangeValue{source, ts_ms,
//! databaseName, schemaName, ddl, tableChanges[Change{type, id, table}]}` with Debezium's
//! `io.debezium.connector.schema.{Change, Table, Column}` structs.
//!
//! Column metadata (`jdbcType` as a `java.sql.Types` code, `typeName`, `length`, `enumValues`,
//! `generated`) is what Debezium's MySQL DDL parser (`MySqlAntlrDdlParser`) reports for the
//! type; aliases are reported by the type they denote.

use super::connect::{ConnectSchema, ConnectType};
use super::encode::{opt_long, opt_str, write_bytes, write_long, write_source};
use super::schemas::{GeneratedSchema, MappingError, generate};
use super::source::{SourceInfo, source_schema};
use crate::schema::{Column, ColumnDefault, DataType, LobSize, Table};

fn s() -> ConnectSchema {
    ConnectSchema::new(ConnectType::String)
}

fn i32s() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Int32)
}

fn bools() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Boolean)
}

fn strings() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Array(Box::new(s())))
}

fn record(name: &str, fields: Vec<(&str, ConnectSchema)>) -> ConnectSchema {
    ConnectSchema::new(ConnectType::Struct(
        fields.into_iter().map(|(n, f)| (n.to_owned(), f)).collect(),
    ))
    .named(name, Some(1))
}

fn column_schema() -> ConnectSchema {
    record(
        "io.debezium.connector.schema.Column",
        vec![
            ("name", s()),
            ("jdbcType", i32s()),
            ("nativeType", i32s().optional()),
            ("typeName", s()),
            ("typeExpression", s().optional()),
            ("charsetName", s().optional()),
            ("length", i32s().optional()),
            ("scale", i32s().optional()),
            ("position", i32s()),
            ("optional", bools().optional()),
            ("autoIncremented", bools().optional()),
            ("generated", bools().optional()),
            ("comment", s().optional()),
            ("defaultValueExpression", s().optional()),
            ("enumValues", strings().optional()),
        ],
    )
}

fn table_schema() -> ConnectSchema {
    record(
        "io.debezium.connector.schema.Table",
        vec![
            ("defaultCharsetName", s().optional()),
            ("primaryKeyColumnNames", strings().optional()),
            (
                "columns",
                ConnectSchema::new(ConnectType::Array(Box::new(column_schema()))),
            ),
            ("comment", s().optional()),
        ],
    )
    .optional()
}

/// The key and value schemas of the schema change topic.
#[derive(Debug, Clone)]
pub struct SchemaChangeSchemas {
    pub key: GeneratedSchema,
    pub value: GeneratedSchema,
    connector: &'static str,
}

impl SchemaChangeSchemas {
    /// Schemas for a `mysql` or `mariadb` connector.
    pub fn new(connector: &'static str) -> Result<Self, MappingError> {
        let ns = format!("io.debezium.connector.{connector}");
        let key = record(
            &format!("{ns}.SchemaChangeKey"),
            vec![("databaseName", s())],
        );
        let change = record(
            "io.debezium.connector.schema.Change",
            vec![("type", s()), ("id", s()), ("table", table_schema())],
        );
        let value = record(
            &format!("{ns}.SchemaChangeValue"),
            vec![
                ("source", source_schema(connector)),
                ("ts_ms", ConnectSchema::new(ConnectType::Int64)),
                ("databaseName", s().optional()),
                ("schemaName", s().optional()),
                ("ddl", s().optional()),
                (
                    "tableChanges",
                    ConnectSchema::new(ConnectType::Array(Box::new(change))),
                ),
            ],
        );
        Ok(Self {
            key: generate(&key)?,
            value: generate(&value)?,
            connector,
        })
    }

    /// Encodes the key (Avro binary, no framing).
    pub fn encode_key(&self, database: &str, out: &mut Vec<u8>) {
        write_bytes(out, database.as_bytes());
    }

    /// Encodes the value (Avro binary, no framing).
    pub fn encode_value(
        &self,
        source: &SourceInfo<'_>,
        ts_ms: i64,
        database: Option<&str>,
        ddl: Option<&str>,
        changes: &[TableChangeRecord<'_>],
        out: &mut Vec<u8>,
    ) {
        write_source(source, self.connector, out);
        write_long(out, ts_ms);
        opt_str(out, database);
        opt_str(out, None);
        opt_str(out, ddl);
        if !changes.is_empty() {
            write_long(out, changes.len() as i64);
            for c in changes {
                write_bytes(out, c.kind.as_bytes());
                write_bytes(out, c.id.as_bytes());
                match c.table {
                    Some(t) => {
                        out.push(2);
                        write_table(t, out);
                    }
                    None => out.push(0),
                }
            }
        }
        write_long(out, 0);
    }
}

/// One entry of `tableChanges`.
#[derive(Debug, Clone)]
pub struct TableChangeRecord<'a> {
    /// `CREATE`, `ALTER` or `DROP`.
    pub kind: &'static str,
    /// `"db"."table"` (a rename: the new name, as `ConnectTableChangeSerializer` writes the
    /// change's `id`, which is its table's).
    pub id: String,
    pub table: Option<&'a Table>,
}

fn opt_bool(out: &mut Vec<u8>, v: bool) {
    out.push(2);
    out.push(u8::from(v));
}

fn opt_strings<'a>(out: &mut Vec<u8>, values: impl ExactSizeIterator<Item = &'a str>) {
    out.push(2);
    if values.len() > 0 {
        write_long(out, values.len() as i64);
        for v in values {
            write_bytes(out, v.as_bytes());
        }
    }
    write_long(out, 0);
}

fn write_table(t: &Table, out: &mut Vec<u8>) {
    opt_str(out, t.charset.as_deref());
    opt_strings(out, t.primary_key.iter().map(String::as_str));
    if !t.columns.is_empty() {
        write_long(out, t.columns.len() as i64);
        for (i, c) in t.columns.iter().enumerate() {
            write_column(c, i, out);
        }
    }
    write_long(out, 0);
    opt_str(out, t.comment.as_deref());
}

fn write_column(c: &Column, index: usize, out: &mut Vec<u8>) {
    let (jdbc, type_name, length, scale) = describe(&c.data_type, c.length);
    write_bytes(out, c.name.as_bytes());
    write_long(out, jdbc);
    out.push(0); // nativeType
    write_bytes(out, type_name.as_bytes());
    opt_str(out, Some(&type_name)); // typeExpression
    opt_str(
        out,
        c.data_type
            .is_character()
            .then_some(())
            .and(c.charset.as_deref()),
    );
    opt_long(out, length);
    opt_long(out, scale);
    write_long(out, index as i64 + 1);
    opt_bool(out, c.nullable);
    opt_bool(out, reported_auto_incremented(c));
    opt_bool(out, reported_generated(c));
    opt_str(out, c.comment.as_deref());
    opt_str(out, default_expression(c).as_deref());
    match &c.data_type {
        DataType::Enum(values) | DataType::Set(values) => {
            let quoted: Vec<String> = values.iter().map(|v| quote_option(v)).collect();
            opt_strings(out, quoted.iter().map(String::as_str));
        }
        _ => out.push(0),
    }
}

/// `autoIncremented` as Debezium reports it: its `ColumnDefinitionParserListener` marks an
/// AUTO_INCREMENT column and an `ON UPDATE NOW()` column auto-incremented.
fn reported_auto_incremented(c: &Column) -> bool {
    c.auto_increment || c.on_update_now
}

/// `generated` as Debezium reports it: its `ColumnDefinitionParserListener` marks an
/// AUTO_INCREMENT column and an `ON UPDATE NOW()` column generated as well as auto-incremented.
fn reported_generated(c: &Column) -> bool {
    c.generated || c.auto_increment || c.on_update_now
}

/// `defaultValueExpression` as Debezium reports it. A BIT default is the bit string without
/// its `b'…'` (`DefaultValueParserListener.unquoteBinary`); the model keeps its value, so the
/// string is the value in binary, which is what `SHOW CREATE TABLE` writes (a DDL that writes
/// leading zeros or a hex literal is reported differently by Debezium). A `NOW()` default —
/// the grammar's `now` rule: `NOW`, `CURRENT_TIMESTAMP`, `LOCALTIME`, `LOCALTIMESTAMP` (the
/// lexer gives all four the type `NOW_SYMBOL`), with or without `()` or a precision — is the
/// epoch text `1970-01-01 00:00:00` whatever the column's type and precision
/// (`DefaultValueParserListener.handleDefaultValue`).
fn default_expression(c: &Column) -> Option<String> {
    match &c.default {
        Some(ColumnDefault::Null) | None => None,
        Some(ColumnDefault::Literal(v)) => match (&c.data_type, v.parse::<u64>()) {
            (DataType::Bit(_), Ok(bits)) => Some(format!("{bits:b}")),
            _ => Some(v.clone()),
        },
        Some(ColumnDefault::Expression(v)) => Some(v.clone()),
        Some(ColumnDefault::CurrentTimestamp) => Some(NOW_DEFAULT_EXPRESSION.into()),
    }
}

/// What Debezium's `DefaultValueParserListener` writes as `defaultValueExpression` for a
/// `NOW()`/`CURRENT_TIMESTAMP` default.
const NOW_DEFAULT_EXPRESSION: &str = "1970-01-01 00:00:00";

/// An ENUM or SET option as Debezium lists it in `enumValues`: the string literal as the DDL
/// writes it, quotes included (`AntlrDdlParser.getText` of the option), in the form `SHOW CREATE
/// TABLE` gives (a quote doubled).
fn quote_option(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// The name of a TEXT or BLOB type of size `size`.
fn lob_name(size: LobSize, base: &str) -> String {
    let prefix = match size {
        LobSize::Tiny => "TINY",
        LobSize::Normal => "",
        LobSize::Medium => "MEDIUM",
        LobSize::Long => "LONG",
    };
    format!("{prefix}{base}")
}

/// (`java.sql.Types` code, type name, length, scale) of a MySQL type, as Debezium's MySQL DDL
/// parser (`MySqlAntlrDdlParser`'s `DataTypeResolver` and `ColumnDefinitionParserListener`)
/// reports them; `written`: the length the DDL wrote where the type does not keep it
/// ([`Column::length`]: display widths, temporal precisions), reported only when written.
fn describe(t: &DataType, written: Option<u32>) -> (i64, String, Option<i64>, Option<i64>) {
    let written = written.map(i64::from);
    let unsigned = |name: &str, u: bool| {
        if u {
            format!("{name} UNSIGNED")
        } else {
            name.to_owned()
        }
    };
    match t {
        DataType::Boolean => (16, "BOOLEAN".into(), None, None),
        DataType::Bit(n) => (-7, "BIT".into(), Some(i64::from(*n)), None),
        // The resolver maps TINYINT to `Types.SMALLINT`.
        DataType::TinyInt { unsigned: u, width } => {
            (5, unsigned("TINYINT", *u), width.map(i64::from), None)
        }
        DataType::SmallInt { unsigned: u } => (5, unsigned("SMALLINT", *u), written, None),
        DataType::MediumInt { unsigned: u } => (4, unsigned("MEDIUMINT", *u), written, None),
        DataType::Int { unsigned: u } => (4, unsigned("INT", *u), written, None),
        DataType::BigInt { unsigned: u } => (-5, unsigned("BIGINT", *u), written, None),
        DataType::Float {
            precision,
            scale,
            unsigned: u,
        } => (
            6,
            unsigned("FLOAT", *u),
            precision.map(i64::from),
            scale.map(i64::from),
        ),
        DataType::Double { unsigned: u } => (8, unsigned("DOUBLE", *u), None, None),
        DataType::Decimal {
            precision,
            scale,
            unsigned: u,
        } => (
            3,
            unsigned("DECIMAL", *u),
            Some(i64::from(*precision)),
            Some(i64::from(*scale)),
        ),
        DataType::Char(n) => (1, "CHAR".into(), Some(i64::from(*n)), None),
        DataType::VarChar(n) => (12, "VARCHAR".into(), Some(i64::from(*n)), None),
        DataType::Text(size) => (12, lob_name(*size, "TEXT"), None, None),
        DataType::Binary(n) => (-2, "BINARY".into(), Some(i64::from(*n)), None),
        DataType::VarBinary(n) => (-3, "VARBINARY".into(), Some(i64::from(*n)), None),
        DataType::Blob(size) => (2004, lob_name(*size, "BLOB"), None, None),
        DataType::Json => (1111, "JSON".into(), None, None),
        DataType::Enum(_) => (1, "ENUM".into(), Some(1), None),
        // The options and the commas between them.
        DataType::Set(options) => {
            let n = i64::try_from(options.len()).unwrap_or(i64::MAX);
            (1, "SET".into(), Some((2 * n - 1).max(0)), None)
        }
        DataType::Year => (4, "YEAR".into(), written, None),
        DataType::Date => (91, "DATE".into(), None, None),
        DataType::Time(_) => (92, "TIME".into(), written, None),
        DataType::DateTime(_) => (93, "DATETIME".into(), written, None),
        DataType::Timestamp(_) => (2014, "TIMESTAMP".into(), written, None),
        DataType::Geometry(kind) => (1111, kind.sql_name().into(), None, None),
        DataType::Vector(n) => (1111, "VECTOR".into(), Some(i64::from(*n)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::GeometryKind;
    use crate::schema::TableId;

    #[test]
    fn schemas_are_valid_avro_with_debeziums_names() {
        let s = SchemaChangeSchemas::new("mysql").expect("schemas");
        assert_eq!(s.key.json["name"], "SchemaChangeKey");
        assert_eq!(s.value.json["namespace"], "io.debezium.connector.mysql");
        assert!(
            s.value
                .canonical
                .contains("io.debezium.connector.schema.Column")
        );
    }

    #[test]
    fn encodes_a_create_table_change() {
        let s = SchemaChangeSchemas::new("mysql").expect("schemas");
        let mut table = Table {
            id: TableId::new("inv", "t"),
            columns: vec![Column::new("id", DataType::Int { unsigned: false })],
            primary_key: vec!["id".into()],
            charset: Some("utf8mb4".into()),
            comment: None,
        };
        table.columns[0].nullable = false;
        let source = SourceInfo::new("srv", "inv", Some("t"));
        let mut out = Vec::new();
        s.encode_value(
            &source,
            1,
            Some("inv"),
            Some("CREATE TABLE t (id INT PRIMARY KEY)"),
            &[TableChangeRecord {
                kind: "CREATE",
                id: "\"inv\".\"t\"".into(),
                table: Some(&table),
            }],
            &mut out,
        );
        assert!(out.windows(6).any(|w| w == b"CREATE"));
        assert!(out.windows(7).any(|w| w == b"utf8mb4"));
    }

    #[test]
    fn column_metadata_is_described_as_debeziums_mysql_ddl_parser_reports_it() {
        let d = |t: DataType| {
            let (jdbc, name, length, _) = describe(&t, None);
            (jdbc, name, length)
        };
        // TINYINT is java.sql.Types.SMALLINT.
        assert_eq!(
            d(DataType::TinyInt {
                unsigned: true,
                width: Some(3)
            }),
            (5, "TINYINT UNSIGNED".into(), Some(3))
        );
        assert_eq!(d(DataType::Text(LobSize::Tiny)).1, "TINYTEXT");
        assert_eq!(d(DataType::Text(LobSize::Normal)).1, "TEXT");
        assert_eq!(d(DataType::Text(LobSize::Medium)).1, "MEDIUMTEXT");
        assert_eq!(
            d(DataType::Blob(LobSize::Long)),
            (2004, "LONGBLOB".into(), None)
        );
        assert_eq!(
            d(DataType::Geometry(GeometryKind::LineString)),
            (1111, "LINESTRING".into(), None)
        );
        // SET's length: its options and the commas between them; ENUM's: 1.
        let options = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(d(DataType::Set(options(&["a", "bb", "ccc"]))).2, Some(5));
        assert_eq!(d(DataType::Enum(options(&["a", "bb", "ccc"]))).2, Some(1));
    }

    #[test]
    fn enum_values_keep_their_quotes_and_auto_increment_is_generated() {
        assert_eq!(quote_option("x"), "'x'");
        assert_eq!(quote_option("it's"), "'it''s'");
        let mut c = Column::new("id", DataType::Int { unsigned: false });
        assert!(!reported_generated(&c));
        c.auto_increment = true;
        assert!(reported_generated(&c));
    }

    #[test]
    fn display_widths_and_temporal_precisions_are_the_length_only_when_written() {
        let int = DataType::Int { unsigned: false };
        assert_eq!(describe(&int, Some(11)).2, Some(11));
        assert_eq!(describe(&int, None).2, None);
        assert_eq!(describe(&DataType::Year, Some(4)).2, Some(4));
        assert_eq!(describe(&DataType::Time(3), Some(3)).2, Some(3));
        assert_eq!(describe(&DataType::DateTime(0), None).2, None);
        assert_eq!(describe(&DataType::Timestamp(0), Some(0)).2, Some(0));
    }

    #[test]
    fn a_bit_default_is_its_bit_string_and_other_defaults_their_literal() {
        let mut bit = Column::new("b", DataType::Bit(3));
        bit.default = Some(ColumnDefault::Literal("5".into()));
        assert_eq!(default_expression(&bit).as_deref(), Some("101"));
        bit.default = Some(ColumnDefault::Literal("0".into()));
        assert_eq!(default_expression(&bit).as_deref(), Some("0"));
        let mut int = Column::new("i", DataType::Int { unsigned: false });
        int.default = Some(ColumnDefault::Literal("42".into()));
        assert_eq!(default_expression(&int).as_deref(), Some("42"));
        int.default = Some(ColumnDefault::Null);
        assert_eq!(default_expression(&int), None);
    }

    #[test]
    fn a_now_default_is_the_epoch_text_for_every_temporal_type_and_precision() {
        for (ddl_type, data_type) in [
            ("TIMESTAMP", DataType::Timestamp(0)),
            ("TIMESTAMP(6)", DataType::Timestamp(6)),
            ("DATETIME", DataType::DateTime(0)),
            ("DATETIME(3)", DataType::DateTime(3)),
        ] {
            let mut c = Column::new("c", data_type);
            c.default = Some(ColumnDefault::CurrentTimestamp);
            assert_eq!(
                default_expression(&c).as_deref(),
                Some("1970-01-01 00:00:00"),
                "{ddl_type}"
            );
        }
    }

    #[test]
    fn an_on_update_now_column_is_reported_auto_incremented_and_generated() {
        let mut catalog = crate::schema::Catalog::new();
        catalog
            .apply_sql(
                "CREATE TABLE db.t (a DATETIME(3) NOT NULL DEFAULT NOW(3) ON UPDATE NOW(3), \
                 b TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, \
                 c TIMESTAMP ON UPDATE current_timestamp())",
                None,
            )
            .expect("DDL applies");
        let t = catalog.table(&TableId::new("db", "t")).expect("table");
        let reported: Vec<(bool, bool)> = t
            .columns
            .iter()
            .map(|c| (reported_auto_incremented(c), reported_generated(c)))
            .collect();
        assert_eq!(reported, [(true, true), (false, false), (true, true)]);
    }

    #[test]
    fn every_now_synonym_in_ddl_is_reported_as_the_epoch_text() {
        let mut catalog = crate::schema::Catalog::new();
        catalog
            .apply_sql(
                "CREATE TABLE db.t (a TIMESTAMP DEFAULT CURRENT_TIMESTAMP, \
                 b DATETIME(3) DEFAULT NOW(3), c DATETIME DEFAULT LOCALTIME, \
                 d TIMESTAMP(6) NOT NULL DEFAULT LOCALTIMESTAMP() ON UPDATE NOW(6), \
                 e DATETIME DEFAULT current_timestamp())",
                None,
            )
            .expect("DDL applies");
        let t = catalog.table(&TableId::new("db", "t")).expect("table");
        for c in &t.columns {
            assert_eq!(
                default_expression(c).as_deref(),
                Some("1970-01-01 00:00:00"),
                "{}",
                c.name
            );
        }
    }
}
