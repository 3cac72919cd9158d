//! MySQL column → Connect schema → encoding plan (Debezium's `BinlogValueConverters.schemaBuilder`).
//!
//! Each column becomes a [`ConnectSchema`] (what Debezium's `BinlogValueConverters` builds,
//! with the column's DDL default converted as `BinlogDefaultValueConverter` does) and a
//! [`FieldKind`], which tells the encoder how to write a [`ColumnValue`](crate::value::ColumnValue).
//! Nullable columns are optional; spatial `Geometry` structs are always optional.

use serde_json::Value;

use super::connect::{
    CONNECT_DATE, CONNECT_TIME, CONNECT_TIMESTAMP, ConnectSchema, ConnectType, DECIMAL,
};
use super::defaults;
use crate::config::{
    BigIntUnsignedHandlingMode, BinaryHandlingMode, DecimalHandlingMode, TimePrecisionMode,
};
use crate::schema::{Column, DataType, GeometryKind};

/// The handling modes the mapping depends on (from [`crate::config::ConnectorConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MappingOptions {
    pub decimal: DecimalHandlingMode,
    pub time_precision: TimePrecisionMode,
    pub bigint_unsigned: BigIntUnsignedHandlingMode,
    pub binary: BinaryHandlingMode,
}

/// How a column's value is written.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Boolean,
    /// Avro `int` from an integer column of `bits` width (UNSIGNED values reinterpreted).
    Int {
        bits: u8,
        unsigned: bool,
    },
    /// Avro `long` (BIGINT UNSIGNED in `long` mode wraps above 2^63-1, as Debezium does).
    Long {
        bits: u8,
        unsigned: bool,
    },
    /// BIGINT UNSIGNED in `precise` mode: decimal bytes, scale 0.
    UnsignedDecimal,
    Float,
    Double,
    /// DECIMAL in `precise` mode: unscaled two's-complement big-endian bytes at `scale`.
    Decimal {
        scale: u32,
    },
    DecimalDouble,
    /// DECIMAL in `string` mode: plain text at `scale`.
    DecimalString {
        scale: u32,
    },
    String,
    /// Binary data; `pad_to` = BINARY(n) length (binlog strips trailing zero bytes).
    Bytes {
        mode: BinaryHandlingMode,
        pad_to: Option<u32>,
    },
    Json,
    Enum(Vec<String>),
    Set(Vec<String>),
    Year,
    /// Days since epoch (`io.debezium.time.Date` or Connect `Date`).
    Date,
    /// `io.debezium.time.MicroTime`.
    TimeMicros,
    /// Connect `Time` (int32 ms).
    TimeMillis,
    /// `io.debezium.time.Timestamp` / Connect `Timestamp` (ms, no time zone).
    DateTimeMillis,
    /// `io.debezium.time.MicroTimestamp`.
    DateTimeMicros,
    /// `io.debezium.time.ZonedTimestamp`: ISO-8601 UTC with `fsp` fraction digits.
    ZonedTimestamp {
        fsp: u8,
    },
    /// `io.debezium.data.Bits`: little-endian, `bytes` long.
    Bits {
        bytes: u32,
    },
    /// BIT(1) as boolean.
    BitBoolean,
    Geometry,
    Point,
    FloatVector,
}

/// Nullability as written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nullability {
    Required,
    /// `["null", T]`: null is branch 0.
    NullFirst,
    /// `[T, "null"]` (optional with a default): null is branch 1.
    NullLast,
}

/// One field of a key or value record: where its value is in the row and how to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlan {
    pub name: String,
    /// Index of the column in the table (and in the row slice).
    pub column: usize,
    pub kind: FieldKind,
    pub nullability: Nullability,
}

fn named(ty: ConnectType, name: &str) -> ConnectSchema {
    ConnectSchema::new(ty).named(name, Some(1))
}

/// The Connect schema and the write plan of `column`.
pub(crate) fn map_column(column: &Column, opts: &MappingOptions) -> (ConnectSchema, FieldKind) {
    use ConnectType as T;
    let (schema, kind) = match &column.data_type {
        DataType::Boolean => (ConnectSchema::new(T::Boolean), FieldKind::Boolean),
        DataType::Bit(1) => (ConnectSchema::new(T::Boolean), FieldKind::BitBoolean),
        DataType::Bit(n) => (
            named(T::Bytes, "io.debezium.data.Bits").param("length", n.to_string()),
            FieldKind::Bits {
                bytes: n.div_ceil(8),
            },
        ),
        // Debezium's `MySqlAntlrDdlParser` registers TINYINT (signed or not) as JDBC SMALLINT,
        // so `JdbcValueConverters` gives INT16, not INT8 (observed on Debezium 3.6.1).
        DataType::TinyInt { unsigned, .. } => int(T::Int16, 8, *unsigned),
        DataType::SmallInt { unsigned } => {
            int(if *unsigned { T::Int32 } else { T::Int16 }, 16, *unsigned)
        }
        DataType::MediumInt { unsigned } => int(T::Int32, 24, *unsigned),
        DataType::Int { unsigned: false } => int(T::Int32, 32, false),
        DataType::Int { unsigned: true } => (
            ConnectSchema::new(T::Int64),
            FieldKind::Long {
                bits: 32,
                unsigned: true,
            },
        ),
        DataType::BigInt { unsigned } => {
            if *unsigned && opts.bigint_unsigned == BigIntUnsignedHandlingMode::Precise {
                (decimal_schema(20, 0), FieldKind::UnsignedDecimal)
            } else {
                (
                    ConnectSchema::new(T::Int64),
                    FieldKind::Long {
                        bits: 64,
                        unsigned: *unsigned,
                    },
                )
            }
        }
        DataType::Float {
            precision, scale, ..
        } => {
            let single = scale.is_none() && precision.is_none_or(|p| p <= 24);
            if single {
                (ConnectSchema::new(T::Float32), FieldKind::Float)
            } else {
                (ConnectSchema::new(T::Float64), FieldKind::Double)
            }
        }
        DataType::Double { .. } => (ConnectSchema::new(T::Float64), FieldKind::Double),
        DataType::Decimal {
            precision, scale, ..
        } => match opts.decimal {
            DecimalHandlingMode::Precise => (
                decimal_schema(*precision, *scale),
                FieldKind::Decimal { scale: *scale },
            ),
            DecimalHandlingMode::Double => {
                (ConnectSchema::new(T::Float64), FieldKind::DecimalDouble)
            }
            DecimalHandlingMode::String => (
                ConnectSchema::new(T::String),
                FieldKind::DecimalString { scale: *scale },
            ),
        },
        DataType::Char(_) | DataType::VarChar(_) | DataType::Text(_) => {
            (ConnectSchema::new(T::String), FieldKind::String)
        }
        DataType::Binary(n) => binary(opts.binary, Some(*n)),
        DataType::VarBinary(_) | DataType::Blob(_) => binary(opts.binary, None),
        DataType::Json => (named(T::String, "io.debezium.data.Json"), FieldKind::Json),
        DataType::Enum(members) => (
            named(T::String, "io.debezium.data.Enum").param("allowed", members.join(",")),
            FieldKind::Enum(members.clone()),
        ),
        DataType::Set(members) => (
            named(T::String, "io.debezium.data.EnumSet").param("allowed", members.join(",")),
            FieldKind::Set(members.clone()),
        ),
        DataType::Year => (named(T::Int32, "io.debezium.time.Year"), FieldKind::Year),
        DataType::Date => match opts.time_precision {
            TimePrecisionMode::Connect => (named(T::Int32, CONNECT_DATE), FieldKind::Date),
            _ => (named(T::Int32, "io.debezium.time.Date"), FieldKind::Date),
        },
        DataType::Time(_) => match opts.time_precision {
            TimePrecisionMode::Connect => (named(T::Int32, CONNECT_TIME), FieldKind::TimeMillis),
            _ => (
                named(T::Int64, "io.debezium.time.MicroTime"),
                FieldKind::TimeMicros,
            ),
        },
        DataType::DateTime(fsp) => match opts.time_precision {
            TimePrecisionMode::Connect => (
                named(T::Int64, CONNECT_TIMESTAMP),
                FieldKind::DateTimeMillis,
            ),
            _ if *fsp <= 3 => (
                named(T::Int64, "io.debezium.time.Timestamp"),
                FieldKind::DateTimeMillis,
            ),
            _ => (
                named(T::Int64, "io.debezium.time.MicroTimestamp"),
                FieldKind::DateTimeMicros,
            ),
        },
        DataType::Timestamp(fsp) => (
            named(T::String, "io.debezium.time.ZonedTimestamp"),
            FieldKind::ZonedTimestamp { fsp: *fsp },
        ),
        DataType::Geometry(GeometryKind::Point) => (point_schema(), FieldKind::Point),
        DataType::Geometry(_) => (geometry_schema(), FieldKind::Geometry),
        DataType::Vector(_) => (
            named(
                T::Array(Box::new(ConnectSchema::new(T::Float32))),
                "io.debezium.data.FloatVector",
            ),
            FieldKind::FloatVector,
        ),
    };
    let default = defaults::convert(column, &kind);
    let mut schema = schema;
    if column.nullable {
        schema = schema.optional();
    }
    (schema.with_default(default), kind)
}

fn int(ty: ConnectType, bits: u8, unsigned: bool) -> (ConnectSchema, FieldKind) {
    (ConnectSchema::new(ty), FieldKind::Int { bits, unsigned })
}

fn binary(mode: BinaryHandlingMode, pad_to: Option<u32>) -> (ConnectSchema, FieldKind) {
    let ty = if mode == BinaryHandlingMode::Bytes {
        ConnectType::Bytes
    } else {
        ConnectType::String
    };
    (ConnectSchema::new(ty), FieldKind::Bytes { mode, pad_to })
}

fn decimal_schema(precision: u32, scale: u32) -> ConnectSchema {
    named(ConnectType::Bytes, DECIMAL)
        .param("scale", scale.to_string())
        .param("connect.decimal.precision", precision.to_string())
}

/// `io.debezium.data.geometry.Geometry` v1: `{wkb: bytes, srid: int32?}`, always optional.
fn geometry_schema() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Struct(vec![
        ("wkb".into(), ConnectSchema::new(ConnectType::Bytes)),
        (
            "srid".into(),
            ConnectSchema::new(ConnectType::Int32).optional(),
        ),
    ]))
    .named("io.debezium.data.geometry.Geometry", Some(1))
    .doc("Geometry")
    .optional()
}

/// `io.debezium.data.geometry.Point` v1: `{x: double, y: double, wkb: bytes?, srid: int32?}`.
fn point_schema() -> ConnectSchema {
    ConnectSchema::new(ConnectType::Struct(vec![
        ("x".into(), ConnectSchema::new(ConnectType::Float64)),
        ("y".into(), ConnectSchema::new(ConnectType::Float64)),
        (
            "wkb".into(),
            ConnectSchema::new(ConnectType::Bytes).optional(),
        ),
        (
            "srid".into(),
            ConnectSchema::new(ConnectType::Int32).optional(),
        ),
    ]))
    .named("io.debezium.data.geometry.Point", Some(1))
    .doc("Geometry (POINT)")
}

/// The wire nullability of a field with Connect schema `s`.
pub(crate) fn nullability(s: &ConnectSchema) -> Nullability {
    match (&s.ty, s.optional, &s.default) {
        (_, false, _) => Nullability::Required,
        (ConnectType::Struct(_), true, _) => Nullability::NullFirst,
        (_, true, Some(Value::Null) | None) => Nullability::NullFirst,
        (_, true, Some(_)) => Nullability::NullLast,
    }
}
