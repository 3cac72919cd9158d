//! Column definitions: data types, column attributes, defaults, key parts.
//!
//! Types are normalised to [`DataType`] (`INTEGER` is `Int`, `REAL` is `Double`, `NATIONAL
//! VARCHAR(n)` is `VarChar(n)` in utf8, `SERIAL` is `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
//! UNIQUE`, `BOOL` is `Boolean`). MariaDB's `UUID`, `INET4` and `INET6` have no variant of their
//! own: they are modelled as `CHAR(36)`, `VARCHAR(15)` and `VARCHAR(39)`, the text they are read
//! as. Attributes the model does not keep (`COLUMN_FORMAT`, `STORAGE`, `VISIBLE`, `SRID`,
//! `CHECK`, `REFERENCES`, engine attributes, system versioning) are consumed and dropped.

use super::{PResult, Parser};
use crate::ddl::statement::{ColumnDef, ColumnPosition};
use crate::schema::{Column, ColumnDefault, DataType, GeometryKind, LobSize};

/// Words that end a DEFAULT expression written without parentheses.
pub(super) const ATTRIBUTE_WORDS: &[&str] = &[
    "NOT",
    "NULL",
    "ON",
    "AUTO_INCREMENT",
    "COMMENT",
    "PRIMARY",
    "UNIQUE",
    "KEY",
    "COLLATE",
    "CHARACTER",
    "CHARSET",
    "GENERATED",
    "AS",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "COLUMN_FORMAT",
    "STORAGE",
    "INVISIBLE",
    "VISIBLE",
    "FIRST",
    "AFTER",
    "WITH",
    "WITHOUT",
    "SERIAL",
    "DEFAULT",
    "ENGINE_ATTRIBUTE",
    "SECONDARY_ENGINE_ATTRIBUTE",
    "SRID",
];

impl Parser<'_> {
    /// `name type attributes…`
    pub(super) fn column_def(&mut self) -> PResult<ColumnDef> {
        let name = self.ident()?;
        self.column_def_named(name)
    }

    pub(super) fn column_def_named(&mut self, name: String) -> PResult<ColumnDef> {
        let mut def = ColumnDef {
            column: Column::new(name, DataType::Int { unsigned: false }),
            primary_key: false,
            unique: false,
            explicit_nullability: false,
        };
        let serial = self.data_type(&mut def.column)?;
        if serial {
            def.column.nullable = false;
            def.column.auto_increment = true;
            def.unique = true;
        }
        self.column_attributes(&mut def)?;
        Ok(def)
    }

    fn paren_u32(&mut self) -> PResult<Option<u32>> {
        if !self.is_punct("(") {
            return Ok(None);
        }
        self.pos += 1;
        let v = self.number_u32()?;
        self.expect_punct(")")?;
        Ok(Some(v))
    }

    /// `(M[,D])` or `(M)` or nothing.
    fn precision_scale(&mut self) -> PResult<(Option<u32>, Option<u32>)> {
        if !self.eat_punct("(") {
            return Ok((None, None));
        }
        let p = self.number_u32()?;
        let s = if self.eat_punct(",") {
            Some(self.number_u32()?)
        } else {
            None
        };
        self.expect_punct(")")?;
        Ok((Some(p), s))
    }

    /// `UNSIGNED`, `SIGNED`, `ZEROFILL` in any order; returns whether unsigned.
    fn sign_flags(&mut self) -> bool {
        let mut unsigned = false;
        loop {
            if self.eat_kw("UNSIGNED") || self.eat_kw("ZEROFILL") {
                unsigned = true;
            } else if !self.eat_kw("SIGNED") {
                return unsigned;
            }
        }
    }

    /// `('a','b',…)` for ENUM/SET.
    fn value_list(&mut self) -> PResult<Vec<String>> {
        self.expect_punct("(")?;
        let mut out = Vec::new();
        loop {
            out.push(self.string()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        Ok(out)
    }

    /// Parse a data type into `col`; returns true for `SERIAL`.
    pub(super) fn data_type(&mut self, col: &mut Column) -> PResult<bool> {
        let Some(word) = self.word_at(0) else {
            return self.expected("a column type");
        };
        let w = word.to_ascii_uppercase();
        self.pos += 1;
        col.length = None;
        let int = |p: &mut Self, col: &mut Column, make: fn(bool) -> DataType| {
            col.length = p.paren_u32()?;
            Ok::<_, _>(make(p.sign_flags()))
        };
        let dt = match w.as_str() {
            "BOOL" | "BOOLEAN" => DataType::Boolean,
            "BIT" => DataType::Bit(self.paren_u32()?.unwrap_or(1)),
            "TINYINT" | "INT1" => {
                let width = self.paren_u32()?;
                col.length = width;
                DataType::TinyInt {
                    unsigned: self.sign_flags(),
                    width,
                }
            }
            "SMALLINT" | "INT2" => int(self, col, |unsigned| DataType::SmallInt { unsigned })?,
            "MEDIUMINT" | "MIDDLEINT" | "INT3" => {
                int(self, col, |unsigned| DataType::MediumInt { unsigned })?
            }
            "INT" | "INTEGER" | "INT4" => int(self, col, |unsigned| DataType::Int { unsigned })?,
            "BIGINT" | "INT8" => int(self, col, |unsigned| DataType::BigInt { unsigned })?,
            "SERIAL" => {
                col.data_type = DataType::BigInt { unsigned: true };
                return Ok(true);
            }
            "FLOAT" | "FLOAT4" => {
                let (precision, scale) = self.precision_scale()?;
                // FLOAT(p) with p > 24 is a DOUBLE.
                if scale.is_none() && precision.is_some_and(|p| p > 24) {
                    DataType::Double {
                        unsigned: self.sign_flags(),
                    }
                } else {
                    DataType::Float {
                        precision,
                        scale,
                        unsigned: self.sign_flags(),
                    }
                }
            }
            "DOUBLE" | "REAL" | "FLOAT8" => {
                let _ = self.eat_kw("PRECISION");
                let _ = self.precision_scale()?;
                DataType::Double {
                    unsigned: self.sign_flags(),
                }
            }
            "DECIMAL" | "DEC" | "NUMERIC" | "FIXED" | "NUMBER" => {
                let (p, s) = self.precision_scale()?;
                DataType::Decimal {
                    // DECIMAL(0) is DECIMAL(10): MySQL's default precision.
                    precision: p.filter(|p| *p > 0).unwrap_or(10),
                    scale: s.unwrap_or(0),
                    unsigned: self.sign_flags(),
                }
            }
            "CHAR" | "CHARACTER" => {
                if self.eat_kw("VARYING") {
                    DataType::VarChar(self.paren_u32()?.unwrap_or(0))
                } else {
                    let n = self.paren_u32()?.unwrap_or(1);
                    if self.eat_kw("BYTE") {
                        DataType::Binary(n)
                    } else {
                        DataType::Char(n)
                    }
                }
            }
            "NCHAR" | "NATIONAL" => {
                let national_char = w == "NATIONAL";
                if national_char && !(self.eat_kw("CHAR") || self.eat_kw("CHARACTER")) {
                    if self.eat_kw("VARCHAR") || self.eat_kw("VARCHARACTER") {
                        col.charset = Some("utf8".into());
                        col.data_type = DataType::VarChar(self.paren_u32()?.unwrap_or(0));
                        return Ok(false);
                    }
                    return self.expected("CHAR or VARCHAR after NATIONAL");
                }
                col.charset = Some("utf8".into());
                if self.eat_kw("VARYING") || self.eat_kw("VARCHAR") {
                    DataType::VarChar(self.paren_u32()?.unwrap_or(0))
                } else {
                    DataType::Char(self.paren_u32()?.unwrap_or(1))
                }
            }
            "NVARCHAR" => {
                col.charset = Some("utf8".into());
                DataType::VarChar(self.paren_u32()?.unwrap_or(0))
            }
            "VARCHAR" | "VARCHARACTER" | "VARCHAR2" | "NVARCHAR2" => {
                DataType::VarChar(self.paren_u32()?.unwrap_or(0))
            }
            "BINARY" => {
                if self.eat_kw("VARYING") {
                    DataType::VarBinary(self.paren_u32()?.unwrap_or(0))
                } else {
                    DataType::Binary(self.paren_u32()?.unwrap_or(1))
                }
            }
            "VARBINARY" | "RAW" => DataType::VarBinary(self.paren_u32()?.unwrap_or(0)),
            "TINYTEXT" => DataType::Text(LobSize::Tiny),
            "TEXT" => DataType::Text(text_size(self.paren_u32()?)),
            "MEDIUMTEXT" => DataType::Text(LobSize::Medium),
            "LONGTEXT" | "CLOB" => DataType::Text(LobSize::Long),
            "TINYBLOB" => DataType::Blob(LobSize::Tiny),
            "BLOB" => DataType::Blob(text_size(self.paren_u32()?)),
            "MEDIUMBLOB" => DataType::Blob(LobSize::Medium),
            "LONGBLOB" => DataType::Blob(LobSize::Long),
            "LONG" => {
                if self.eat_kw("VARBINARY") || self.eat_kws(&["BIT", "VARYING"]) {
                    DataType::Blob(LobSize::Medium)
                } else {
                    let _ = self.eat_kw("VARCHAR") || self.eat_kws(&["CHAR", "VARYING"]);
                    DataType::Text(LobSize::Medium)
                }
            }
            "JSON" => DataType::Json,
            "ENUM" => DataType::Enum(self.value_list()?),
            "SET" => DataType::Set(self.value_list()?),
            "YEAR" => {
                col.length = self.paren_u32()?;
                DataType::Year
            }
            "DATE" => DataType::Date,
            "TIME" | "DATETIME" | "TIMESTAMP" => {
                col.length = self.paren_u32()?;
                let f = fsp(col.length);
                match w.as_str() {
                    "TIME" => DataType::Time(f),
                    "DATETIME" => DataType::DateTime(f),
                    _ => DataType::Timestamp(f),
                }
            }
            "GEOMETRY" => DataType::Geometry(GeometryKind::Geometry),
            "POINT" => DataType::Geometry(GeometryKind::Point),
            "LINESTRING" => DataType::Geometry(GeometryKind::LineString),
            "POLYGON" => DataType::Geometry(GeometryKind::Polygon),
            "MULTIPOINT" => DataType::Geometry(GeometryKind::MultiPoint),
            "MULTILINESTRING" => DataType::Geometry(GeometryKind::MultiLineString),
            "MULTIPOLYGON" => DataType::Geometry(GeometryKind::MultiPolygon),
            "GEOMETRYCOLLECTION" | "GEOMCOLLECTION" => {
                DataType::Geometry(GeometryKind::GeometryCollection)
            }
            "VECTOR" => DataType::Vector(self.paren_u32()?.unwrap_or(2048)),
            "UUID" => DataType::Char(36),
            "INET4" => DataType::VarChar(15),
            "INET6" => DataType::VarChar(39),
            _ => {
                self.pos -= 1;
                return self.expected("a column type");
            }
        };
        col.data_type = dt;
        Ok(false)
    }

    /// Column attributes until `,`, `)`, `FIRST`, `AFTER` or the end.
    fn column_attributes(&mut self, def: &mut ColumnDef) -> PResult<()> {
        loop {
            let Some(word) = self.word_at(0) else {
                if self.is_punct("(") {
                    return self.expected("a column attribute");
                }
                return Ok(());
            };
            let w = word.to_ascii_uppercase();
            match w.as_str() {
                "FIRST" | "AFTER" => return Ok(()),
                "NOT" if self.is_kw_at(1, "NULL") => {
                    self.pos += 2;
                    def.column.nullable = false;
                    def.explicit_nullability = true;
                }
                "NOT" if self.is_kw_at(1, "SECONDARY") => self.pos += 2,
                "NULL" => {
                    self.pos += 1;
                    def.column.nullable = true;
                    def.explicit_nullability = true;
                }
                "DEFAULT" => {
                    self.pos += 1;
                    if self.eat_kw("VALUE") {
                        // `SERIAL DEFAULT VALUE` on an integer column.
                        def.column.nullable = false;
                        def.column.auto_increment = true;
                        def.unique = true;
                    } else {
                        def.column.default = Some(self.default_value()?);
                    }
                }
                "ON" if self.is_kw_at(1, "UPDATE") => {
                    self.pos += 2;
                    def.column.on_update_now =
                        self.default_value()? == ColumnDefault::CurrentTimestamp;
                }
                "AUTO_INCREMENT" => {
                    self.pos += 1;
                    def.column.auto_increment = true;
                }
                "UNIQUE" => {
                    self.pos += 1;
                    let _ = self.eat_kw("KEY");
                    def.unique = true;
                }
                "PRIMARY" => {
                    self.pos += 1;
                    self.expect_kw("KEY")?;
                    def.primary_key = true;
                }
                "KEY" => {
                    self.pos += 1;
                    def.primary_key = true;
                }
                "COMMENT" => {
                    self.pos += 1;
                    def.column.comment = Some(self.string()?);
                }
                "COLLATE" => {
                    self.pos += 1;
                    self.eat_eq();
                    def.column.collation = Some(self.name_or_string()?);
                }
                "CHARACTER" | "CHAR" | "CHARSET" if w == "CHARSET" || self.is_kw_at(1, "SET") => {
                    self.pos += 1;
                    if w != "CHARSET" {
                        self.expect_kw("SET")?;
                    }
                    self.eat_eq();
                    def.column.charset = Some(self.name_or_string()?);
                }
                "BINARY" => {
                    // `CHAR(n) BINARY`: the charset's binary collation.
                    self.pos += 1;
                    if def.column.collation.is_none() {
                        def.column.collation = Some("binary".into());
                    }
                }
                "ASCII" => {
                    self.pos += 1;
                    def.column.charset = Some("latin1".into());
                }
                "UNICODE" => {
                    self.pos += 1;
                    def.column.charset = Some("ucs2".into());
                }
                "BYTE" => self.pos += 1,
                "UNSIGNED" | "SIGNED" | "ZEROFILL" => {
                    let unsigned = self.sign_flags();
                    set_unsigned(&mut def.column.data_type, unsigned);
                }
                "SERIAL" if self.is_kw_at(1, "DEFAULT") && self.is_kw_at(2, "VALUE") => {
                    self.pos += 3;
                    def.column.nullable = false;
                    def.column.auto_increment = true;
                    def.unique = true;
                }
                "GENERATED" | "AS" => {
                    if self.eat_kw("GENERATED") {
                        self.expect_kw("ALWAYS")?;
                    }
                    self.expect_kw("AS")?;
                    if self.eat_kw("ROW") {
                        // MariaDB system-versioning period columns: stored, not generated.
                        if !(self.eat_kw("START") || self.eat_kw("END")) {
                            return self.expected("START or END");
                        }
                        continue;
                    }
                    if !self.skip_parens()? {
                        return self.expected("'(' after AS");
                    }
                    let _ = self.eat_kw("VIRTUAL")
                        || self.eat_kw("STORED")
                        || self.eat_kw("PERSISTENT");
                    def.column.generated = true;
                }
                "VIRTUAL" | "STORED" | "PERSISTENT" | "VISIBLE" | "INVISIBLE" => self.pos += 1,
                "COLUMN_FORMAT" | "STORAGE" | "SRID" | "COMPRESSED" | "REF_SYSTEM_ID" => {
                    self.pos += 1;
                    self.eat_eq();
                    let _ = self.name_or_string();
                }
                "ENGINE_ATTRIBUTE" | "SECONDARY_ENGINE_ATTRIBUTE" => {
                    self.pos += 1;
                    self.eat_eq();
                    self.string()?;
                }
                "WITH" | "WITHOUT" if self.is_kw_at(1, "SYSTEM") => {
                    self.pos += 2;
                    self.expect_kw("VERSIONING")?;
                }
                "CONSTRAINT" | "CHECK" => {
                    if self.eat_kw("CONSTRAINT") && !self.is_kw("CHECK") {
                        self.ident()?;
                    }
                    self.expect_kw("CHECK")?;
                    if !self.skip_parens()? {
                        return self.expected("'(' after CHECK");
                    }
                    self.enforced();
                }
                "REFERENCES" => {
                    self.pos += 1;
                    self.references_tail()?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// `[NOT] ENFORCED` after a CHECK.
    pub(super) fn enforced(&mut self) {
        let _ = self.eat_kw("ENFORCED") || self.eat_kws(&["NOT", "ENFORCED"]);
    }

    /// After `REFERENCES`: `tbl (cols) [MATCH …] [ON DELETE|UPDATE action]…`.
    pub(super) fn references_tail(&mut self) -> PResult<()> {
        self.table_name()?;
        self.skip_parens()?;
        loop {
            if self.eat_kw("MATCH") {
                self.ident()?;
            } else if self.is_kw("ON") && (self.is_kw_at(1, "DELETE") || self.is_kw_at(1, "UPDATE"))
            {
                self.pos += 2;
                if !(self.eat_kw("RESTRICT")
                    || self.eat_kw("CASCADE")
                    || self.eat_kws(&["SET", "NULL"])
                    || self.eat_kws(&["SET", "DEFAULT"])
                    || self.eat_kws(&["NO", "ACTION"]))
                {
                    return self.expected("a foreign key action");
                }
            } else {
                return Ok(());
            }
        }
    }

    /// `[FIRST | AFTER col]`.
    pub(super) fn position(&mut self) -> PResult<Option<ColumnPosition>> {
        if self.eat_kw("FIRST") {
            Ok(Some(ColumnPosition::First))
        } else if self.eat_kw("AFTER") {
            Ok(Some(ColumnPosition::After(self.ident()?)))
        } else {
            Ok(None)
        }
    }

    /// `(part, …)` of a key: column names (expression parts flagged). Then index options.
    pub(super) fn key_parts(&mut self) -> PResult<(Vec<String>, bool)> {
        self.expect_punct("(")?;
        let mut cols = Vec::new();
        let mut has_expression = false;
        loop {
            if self.is_punct("(") {
                self.skip_parens()?;
                has_expression = true;
            } else {
                cols.push(self.column_name()?);
                let _ = self.paren_u32()?;
            }
            let _ = self.eat_kw("ASC") || self.eat_kw("DESC");
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        Ok((cols, has_expression))
    }
}

fn fsp(v: Option<u32>) -> u8 {
    v.map_or(0, |v| v.min(6) as u8)
}

fn text_size(len: Option<u32>) -> LobSize {
    match len {
        Some(n) if n < 256 => LobSize::Tiny,
        Some(n) if n < 65_536 => LobSize::Normal,
        Some(n) if n < 16_777_216 => LobSize::Medium,
        Some(_) => LobSize::Long,
        None => LobSize::Normal,
    }
}

fn set_unsigned(dt: &mut DataType, value: bool) {
    match dt {
        DataType::TinyInt { unsigned, .. }
        | DataType::SmallInt { unsigned }
        | DataType::MediumInt { unsigned }
        | DataType::Int { unsigned }
        | DataType::BigInt { unsigned }
        | DataType::Float { unsigned, .. }
        | DataType::Double { unsigned }
        | DataType::Decimal { unsigned, .. } => *unsigned = value,
        _ => {}
    }
}
