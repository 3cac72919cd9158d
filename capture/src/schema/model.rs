//! Tables, columns and types as MySQL and MariaDB define them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A table's identity: database and table name, as written in DDL (MySQL on Linux compares
/// table names case-sensitively by default).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableId {
    pub database: String,
    pub table: String,
}

impl TableId {
    pub fn new(database: impl Into<String>, table: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            table: table.into(),
        }
    }

    /// This id, in database `db` if it names none (an unqualified name in DDL).
    pub fn in_database(&self, db: Option<&str>) -> Self {
        match (self.database.is_empty(), db) {
            (true, Some(db)) => Self::new(db, self.table.clone()),
            _ => self.clone(),
        }
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.database, self.table)
    }
}

/// Size class of TEXT and BLOB types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LobSize {
    Tiny,
    Normal,
    Medium,
    Long,
}

/// Spatial types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GeometryKind {
    Geometry,
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    GeometryCollection,
}

impl GeometryKind {
    /// The type's name as MySQL writes it in DDL (`POINT`, `MULTIPOLYGON`, …).
    pub fn sql_name(self) -> &'static str {
        match self {
            Self::Geometry => "GEOMETRY",
            Self::Point => "POINT",
            Self::LineString => "LINESTRING",
            Self::Polygon => "POLYGON",
            Self::MultiPoint => "MULTIPOINT",
            Self::MultiLineString => "MULTILINESTRING",
            Self::MultiPolygon => "MULTIPOLYGON",
            Self::GeometryCollection => "GEOMETRYCOLLECTION",
        }
    }
}

/// A column's data type with every parameter the mapping to Avro depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataType {
    /// `BOOL`/`BOOLEAN` (MySQL stores it as `TINYINT(1)`).
    Boolean,
    /// `BIT(n)`, n in 1..=64.
    Bit(u32),
    /// `TINYINT[(width)] [UNSIGNED]`; the display width matters for `TINYINT(1)`.
    TinyInt {
        unsigned: bool,
        width: Option<u32>,
    },
    SmallInt {
        unsigned: bool,
    },
    MediumInt {
        unsigned: bool,
    },
    Int {
        unsigned: bool,
    },
    BigInt {
        unsigned: bool,
    },
    /// `FLOAT`, `FLOAT(p)` or `FLOAT(M,D)`; `REAL` in the default SQL mode is DOUBLE.
    Float {
        precision: Option<u32>,
        scale: Option<u32>,
        unsigned: bool,
    },
    Double {
        unsigned: bool,
    },
    /// `DECIMAL(M,D)`/`NUMERIC`; defaults M=10, D=0.
    Decimal {
        precision: u32,
        scale: u32,
        unsigned: bool,
    },
    Char(u32),
    VarChar(u32),
    Text(LobSize),
    Binary(u32),
    VarBinary(u32),
    Blob(LobSize),
    Json,
    Enum(Vec<String>),
    Set(Vec<String>),
    Year,
    Date,
    /// `TIME(fsp)`.
    Time(u8),
    /// `DATETIME(fsp)`.
    DateTime(u8),
    /// `TIMESTAMP(fsp)`.
    Timestamp(u8),
    Geometry(GeometryKind),
    /// MySQL 9 `VECTOR(n)`.
    Vector(u32),
}

impl DataType {
    /// Whether values of this type are character strings (charset applies).
    pub fn is_character(&self) -> bool {
        matches!(
            self,
            Self::Char(_) | Self::VarChar(_) | Self::Text(_) | Self::Enum(_) | Self::Set(_)
        )
    }
}

/// The type as MySQL writes it in `SHOW CREATE TABLE` (without charset and display width).
impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unsigned = |u: bool| if u { " UNSIGNED" } else { "" };
        let lob = |size: LobSize, base: &str| -> String {
            let prefix = match size {
                LobSize::Tiny => "TINY",
                LobSize::Normal => "",
                LobSize::Medium => "MEDIUM",
                LobSize::Long => "LONG",
            };
            format!("{prefix}{base}")
        };
        let list = |symbols: &[String]| {
            symbols
                .iter()
                .map(|s| format!("'{}'", s.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(",")
        };
        match self {
            Self::Boolean => f.write_str("BOOLEAN"),
            Self::Bit(n) => write!(f, "BIT({n})"),
            Self::TinyInt { unsigned: u, width } => match width {
                Some(w) => write!(f, "TINYINT({w}){}", unsigned(*u)),
                None => write!(f, "TINYINT{}", unsigned(*u)),
            },
            Self::SmallInt { unsigned: u } => write!(f, "SMALLINT{}", unsigned(*u)),
            Self::MediumInt { unsigned: u } => write!(f, "MEDIUMINT{}", unsigned(*u)),
            Self::Int { unsigned: u } => write!(f, "INT{}", unsigned(*u)),
            Self::BigInt { unsigned: u } => write!(f, "BIGINT{}", unsigned(*u)),
            Self::Float {
                precision,
                scale,
                unsigned: u,
            } => match (precision, scale) {
                (Some(p), Some(s)) => write!(f, "FLOAT({p},{s}){}", unsigned(*u)),
                (Some(p), None) => write!(f, "FLOAT({p}){}", unsigned(*u)),
                _ => write!(f, "FLOAT{}", unsigned(*u)),
            },
            Self::Double { unsigned: u } => write!(f, "DOUBLE{}", unsigned(*u)),
            Self::Decimal {
                precision,
                scale,
                unsigned: u,
            } => write!(f, "DECIMAL({precision},{scale}){}", unsigned(*u)),
            Self::Char(n) => write!(f, "CHAR({n})"),
            Self::VarChar(n) => write!(f, "VARCHAR({n})"),
            Self::Text(size) => f.write_str(&lob(*size, "TEXT")),
            Self::Binary(n) => write!(f, "BINARY({n})"),
            Self::VarBinary(n) => write!(f, "VARBINARY({n})"),
            Self::Blob(size) => f.write_str(&lob(*size, "BLOB")),
            Self::Json => f.write_str("JSON"),
            Self::Enum(symbols) => write!(f, "ENUM({})", list(symbols)),
            Self::Set(symbols) => write!(f, "SET({})", list(symbols)),
            Self::Year => f.write_str("YEAR"),
            Self::Date => f.write_str("DATE"),
            Self::Time(0) => f.write_str("TIME"),
            Self::Time(p) => write!(f, "TIME({p})"),
            Self::DateTime(0) => f.write_str("DATETIME"),
            Self::DateTime(p) => write!(f, "DATETIME({p})"),
            Self::Timestamp(0) => f.write_str("TIMESTAMP"),
            Self::Timestamp(p) => write!(f, "TIMESTAMP({p})"),
            Self::Geometry(kind) => f.write_str(kind.sql_name()),
            Self::Vector(n) => write!(f, "VECTOR({n})"),
        }
    }
}

/// A column default as written in DDL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnDefault {
    /// `DEFAULT NULL`.
    Null,
    /// A literal, unquoted: `DEFAULT 'abc'` is `Literal("abc")`, `DEFAULT 10` is `Literal("10")`.
    Literal(String),
    /// `DEFAULT CURRENT_TIMESTAMP[(fsp)]` / `NOW()` and synonyms.
    CurrentTimestamp,
    /// Any other expression (MySQL 8 `DEFAULT (expr)`, MariaDB expressions), kept as text.
    Expression(String),
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    pub default: Option<ColumnDefault>,
    pub auto_increment: bool,
    /// The column's charset. The catalog resolves it when the column is defined: explicit
    /// charset, else its collation's, else the table's, else the database's, else the server's
    /// (character types only; `None` when nothing names one).
    pub charset: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    /// A generated (virtual or stored) column.
    pub generated: bool,
    /// The length written in the type where the type itself does not keep it: an integer's
    /// display width (`INT(11)`), `YEAR(4)`, a temporal type's fractional-seconds precision as
    /// written (`TIME(3)`, `DATETIME(0)`; none for `DATETIME`). Debezium reports it as the
    /// column's `length`; `None` when the DDL writes none.
    #[serde(default)]
    pub length: Option<u32>,
    /// `ON UPDATE CURRENT_TIMESTAMP` (or `NOW()`, any synonym): Debezium's MySQL DDL parser
    /// reports such a column as auto-incremented and generated.
    #[serde(default)]
    pub on_update_now: bool,
}

impl Column {
    /// A nullable column with no default and no options.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Self {
            name: name.into(),
            data_type,
            nullable: true,
            default: None,
            auto_increment: false,
            charset: None,
            collation: None,
            comment: None,
            generated: false,
            length: None,
            on_update_now: false,
        }
    }
}

/// A table: columns in table order and the primary key (column names in key order; empty
/// when the table has none — a UNIQUE key over plain NOT NULL columns is promoted, as Debezium
/// does, by [`Catalog`](super::Catalog)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub id: TableId,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    /// The table's default charset.
    pub charset: Option<String>,
    pub comment: Option<String>,
}

impl Table {
    /// The column named `name`, compared case-insensitively as MySQL does for columns.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Position of the column named `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The key columns in key order.
    pub fn key_columns(&self) -> impl Iterator<Item = &Column> {
        self.primary_key.iter().filter_map(|k| self.column(k))
    }
}

/// A database: its default charset and tables by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    pub charset: Option<String>,
    pub tables: BTreeMap<String, Table>,
}
