//! From a TABLE_MAP event and the table model to a row layout: how to read each column of the
//! rows events that follow, checked against the model.
//!
//! Every TABLE_MAP carries the column count and, per column, the binlog type and its metadata
//! (lengths, precision/scale, fractional digits); with `binlog_row_metadata=FULL` also the
//! column names, signedness, charsets and ENUM/SET members. [`TableLayout::build`] pairs each
//! binlog column with the model's column at the same position and accepts the pair only when
//! the binlog type is one the model's type is written as (and DECIMAL precision/scale, BIT
//! width and fractional digits agree; names, signedness and ENUM/SET members too when the
//! metadata has them). Otherwise the model is wrong and rows would be mis-decoded, so building
//! fails with an error naming the table, the position and the first disagreement.
//!
//! Lengths are taken from the binlog metadata, never from the model (a CHAR(n)'s byte length
//! depends on its charset): the model decides what a value *means* (signedness, text or bytes,
//! charset, BINARY padding), the binlog how it is *laid out*.

use super::decode::Charset;
use crate::schema::{DataType, Table};
use mysql_common::binlog::events::{OptionalMetadataField, TableMapEvent};
use mysql_common::constants::ColumnType;
use std::sync::Arc;

/// How to read one column's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ColumnCodec {
    /// Little-endian integer of `bytes` (1, 2, 3, 4, 8).
    Int {
        bytes: u8,
        unsigned: bool,
    },
    Year,
    Float,
    Double,
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// Character data with a `len_bytes` little-endian length prefix.
    Text {
        len_bytes: u8,
        charset: Charset,
        json: bool,
    },
    /// Binary data with a length prefix; BINARY(n) is padded back to `pad_to` with zeros.
    Bytes {
        len_bytes: u8,
        pad_to: usize,
        geometry: bool,
    },
    /// MySQL's binary JSON with a length prefix.
    Json {
        len_bytes: u8,
    },
    Enum {
        bytes: u8,
    },
    Set {
        bytes: u8,
    },
    Bit {
        bytes: u8,
    },
    Date,
    Time2 {
        fsp: u8,
    },
    TimeOld,
    DateTime2 {
        fsp: u8,
    },
    DateTimeOld,
    Timestamp2 {
        fsp: u8,
    },
    TimestampOld,
}

/// A table's row layout for the rows events after one TABLE_MAP.
#[derive(Debug, Clone)]
pub(crate) struct TableLayout {
    pub(crate) table: Arc<Table>,
    pub(crate) codecs: Vec<ColumnCodec>,
}

/// What optional metadata says, per column.
#[derive(Debug, Default)]
struct Meta {
    names: Option<Vec<String>>,
    /// Per numeric column (binlog order of numeric columns): unsigned?
    unsigned: Option<Vec<bool>>,
    /// Per character column: collation id.
    charsets: Option<Vec<u16>>,
    enum_values: Option<Vec<Vec<String>>>,
    set_values: Option<Vec<Vec<String>>>,
}

fn read_meta(tme: &TableMapEvent<'_>, n_char: usize) -> Meta {
    let mut meta = Meta::default();
    for field in tme.iter_optional_meta() {
        let Ok(field) = field else { break };
        match field {
            OptionalMetadataField::ColumnName(names) => {
                meta.names = names
                    .iter_names()
                    .map(|n| n.map(|n| n.name().into_owned()))
                    .collect::<Result<_, _>>()
                    .ok();
            }
            OptionalMetadataField::Signedness(bits) => {
                meta.unsigned = Some(bits.iter().by_vals().collect());
            }
            OptionalMetadataField::DefaultCharset(d) => {
                let mut all = vec![d.default_charset(); n_char];
                for nd in d.iter_non_default().flatten() {
                    if let Some(slot) = all.get_mut(nd.column_index() as usize) {
                        *slot = nd.charset();
                    }
                }
                meta.charsets = Some(all);
            }
            OptionalMetadataField::ColumnCharset(c) => {
                meta.charsets = c.iter_charsets().collect::<Result<_, _>>().ok();
            }
            OptionalMetadataField::EnumStrValue(v) => {
                meta.enum_values = v
                    .iter_values()
                    .map(|vals| {
                        vals.map(|vals| vals.values().iter().map(|x| x.value().into()).collect())
                    })
                    .collect::<Result<_, _>>()
                    .ok();
            }
            OptionalMetadataField::SetStrValue(v) => {
                meta.set_values = v
                    .iter_values()
                    .map(|vals| {
                        vals.map(|vals| vals.values().iter().map(|x| x.value().into()).collect())
                    })
                    .collect::<Result<_, _>>()
                    .ok();
            }
            _ => {}
        }
    }
    meta
}

impl TableLayout {
    /// The layout for `table`'s rows as `tme` describes them; `Err` says why they disagree.
    pub(crate) fn build(tme: &TableMapEvent<'_>, table: Arc<Table>) -> Result<Self, String> {
        let n = tme.columns_count() as usize;
        let mut types = Vec::with_capacity(n);
        for i in 0..n {
            let ty = tme
                .get_column_type(i)
                .map_err(|e| format!("column {}: {e}", i + 1))?
                .ok_or_else(|| format!("column {}: no type", i + 1))?;
            types.push(ty);
        }
        let n_char = types.iter().filter(|t| t.is_character_type()).count();
        let meta = read_meta(tme, n_char);
        if n != table.columns.len() {
            let binlog_names = meta
                .names
                .as_ref()
                .map(|n| format!(" ({})", n.join(", ")))
                .unwrap_or_default();
            let model: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(format!(
                "the binlog row has {n} columns{binlog_names}, the table model has {} ({})",
                table.columns.len(),
                model.join(", ")
            ));
        }
        if let Some(names) = &meta.names {
            for (i, (b, c)) in names.iter().zip(&table.columns).enumerate() {
                if !b.eq_ignore_ascii_case(&c.name) {
                    return Err(format!(
                        "column {} is `{b}` in the binlog but `{}` in the table model",
                        i + 1,
                        c.name
                    ));
                }
            }
        }
        let (mut numeric, mut character, mut enums, mut sets) = (0, 0, 0, 0);
        let mut codecs = Vec::with_capacity(n);
        for (i, (&ty, col)) in types.iter().zip(&table.columns).enumerate() {
            let raw_meta = tme.get_column_metadata(i).unwrap_or(&[]);
            let name = meta
                .names
                .as_ref()
                .and_then(|n| n.get(i))
                .map_or(col.name.as_str(), String::as_str);
            let fail = |why: String| format!("column `{name}`: {why}");
            if ty.is_numeric_type() {
                if let (Some(u), Some(model_unsigned)) = (
                    meta.unsigned.as_ref().and_then(|u| u.get(numeric)),
                    unsigned_of(&col.data_type),
                ) && *u != model_unsigned
                {
                    return Err(fail(format!(
                        "the binlog says {}, the table model says {}",
                        signed_word(*u),
                        signed_word(model_unsigned)
                    )));
                }
                numeric += 1;
            }
            let collation = if ty.is_character_type() {
                character += 1;
                meta.charsets
                    .as_ref()
                    .and_then(|c| c.get(character - 1))
                    .copied()
            } else {
                None
            };
            let charset = col
                .charset
                .as_deref()
                .map(Charset::from_name)
                .or_else(|| collation.map(Charset::from_collation_id))
                .unwrap_or(Charset::Utf8);
            let codec = codec_for(&col.data_type, ty, raw_meta, charset).map_err(fail)?;
            match (&col.data_type, ty) {
                (DataType::Enum(members), ColumnType::MYSQL_TYPE_ENUM) => {
                    let binlog = meta.enum_values.as_ref().and_then(|v| v.get(enums));
                    enums += 1;
                    check_members("ENUM", members, binlog).map_err(fail)?;
                }
                (DataType::Set(members), ColumnType::MYSQL_TYPE_SET) => {
                    let binlog = meta.set_values.as_ref().and_then(|v| v.get(sets));
                    sets += 1;
                    check_members("SET", members, binlog).map_err(fail)?;
                }
                _ => {}
            }
            codecs.push(codec);
        }
        Ok(Self { table, codecs })
    }
}

fn signed_word(unsigned: bool) -> &'static str {
    if unsigned { "UNSIGNED" } else { "SIGNED" }
}

fn unsigned_of(t: &DataType) -> Option<bool> {
    Some(match t {
        DataType::TinyInt { unsigned, .. }
        | DataType::SmallInt { unsigned }
        | DataType::MediumInt { unsigned }
        | DataType::Int { unsigned }
        | DataType::BigInt { unsigned }
        | DataType::Float { unsigned, .. }
        | DataType::Double { unsigned }
        | DataType::Decimal { unsigned, .. } => *unsigned,
        DataType::Boolean => false,
        _ => return None,
    })
}

fn check_members(kind: &str, model: &[String], binlog: Option<&Vec<String>>) -> Result<(), String> {
    let Some(binlog) = binlog else { return Ok(()) };
    let same = model.len() == binlog.len()
        && model
            .iter()
            .zip(binlog)
            .all(|(m, b)| m.trim_end_matches(' ') == b.trim_end_matches(' '));
    if same {
        Ok(())
    } else {
        Err(format!(
            "{kind} members are ({}) in the binlog but ({}) in the table model",
            quote_all(binlog),
            quote_all(model)
        ))
    }
}

fn quote_all(v: &[String]) -> String {
    v.iter()
        .map(|m| format!("'{m}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Byte length of a `MYSQL_TYPE_STRING` column from its two metadata bytes.
fn string_max_len(meta: &[u8]) -> usize {
    let (b0, b1) = (usize::from(meta[0]), usize::from(meta[1]));
    if b0 & 0x30 != 0x30 {
        b1 | (((b0 & 0x30) ^ 0x30) << 4)
    } else {
        b1
    }
}

fn byte(meta: &[u8], i: usize) -> Result<u8, String> {
    meta.get(i)
        .copied()
        .ok_or_else(|| "missing TABLE_MAP metadata".to_string())
}

/// The codec for a model type written as binlog type `ty` with metadata `meta`.
fn codec_for(
    model: &DataType,
    ty: ColumnType,
    meta: &[u8],
    charset: Charset,
) -> Result<ColumnCodec, String> {
    use ColumnCodec as C;
    use ColumnType::*;
    use DataType as D;
    let fsp_of = |expected: u8| -> Result<u8, String> {
        let fsp = byte(meta, 0)?;
        if fsp == expected {
            Ok(fsp)
        } else {
            Err(format!(
                "fractional seconds precision is {fsp} in the binlog but {expected} in the table model"
            ))
        }
    };
    let codec = match (model, ty) {
        (D::Boolean | D::TinyInt { .. }, MYSQL_TYPE_TINY) => C::Int {
            bytes: 1,
            unsigned: unsigned_of(model) == Some(true),
        },
        (D::SmallInt { unsigned }, MYSQL_TYPE_SHORT) => C::Int {
            bytes: 2,
            unsigned: *unsigned,
        },
        (D::MediumInt { unsigned }, MYSQL_TYPE_INT24) => C::Int {
            bytes: 3,
            unsigned: *unsigned,
        },
        (D::Int { unsigned }, MYSQL_TYPE_LONG) => C::Int {
            bytes: 4,
            unsigned: *unsigned,
        },
        (D::BigInt { unsigned }, MYSQL_TYPE_LONGLONG) => C::Int {
            bytes: 8,
            unsigned: *unsigned,
        },
        (D::Float { .. }, MYSQL_TYPE_FLOAT) => C::Float,
        (D::Float { .. } | D::Double { .. }, MYSQL_TYPE_DOUBLE) => C::Double,
        (
            D::Decimal {
                precision, scale, ..
            },
            MYSQL_TYPE_NEWDECIMAL,
        ) => {
            let (p, s) = (byte(meta, 0)?, byte(meta, 1)?);
            if u32::from(p) != *precision || u32::from(s) != *scale {
                return Err(format!(
                    "DECIMAL({p},{s}) in the binlog but DECIMAL({precision},{scale}) in the table model"
                ));
            }
            C::Decimal {
                precision: p,
                scale: s,
            }
        }
        (D::Year, MYSQL_TYPE_YEAR) => C::Year,
        (D::Date, MYSQL_TYPE_NEWDATE | MYSQL_TYPE_DATE) => C::Date,
        (D::Time(fsp), MYSQL_TYPE_TIME2) => C::Time2 { fsp: fsp_of(*fsp)? },
        (D::Time(0), MYSQL_TYPE_TIME) => C::TimeOld,
        (D::DateTime(fsp), MYSQL_TYPE_DATETIME2) => C::DateTime2 { fsp: fsp_of(*fsp)? },
        (D::DateTime(0), MYSQL_TYPE_DATETIME) => C::DateTimeOld,
        (D::Timestamp(fsp), MYSQL_TYPE_TIMESTAMP2) => C::Timestamp2 { fsp: fsp_of(*fsp)? },
        (D::Timestamp(0), MYSQL_TYPE_TIMESTAMP) => C::TimestampOld,
        (D::Char(_), MYSQL_TYPE_STRING) => C::Text {
            len_bytes: if string_max_len(meta) > 255 { 2 } else { 1 },
            charset,
            json: false,
        },
        (D::Binary(n), MYSQL_TYPE_STRING) => C::Bytes {
            len_bytes: if string_max_len(meta) > 255 { 2 } else { 1 },
            pad_to: *n as usize,
            geometry: false,
        },
        (D::VarChar(_), MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING) => C::Text {
            len_bytes: varchar_len_bytes(meta)?,
            charset,
            json: false,
        },
        (D::VarBinary(_), MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING) => C::Bytes {
            len_bytes: varchar_len_bytes(meta)?,
            pad_to: 0,
            geometry: false,
        },
        (D::Text(_), MYSQL_TYPE_BLOB) => C::Text {
            len_bytes: byte(meta, 0)?,
            charset,
            json: false,
        },
        // MariaDB's JSON is LONGTEXT.
        (D::Json, MYSQL_TYPE_BLOB) => C::Text {
            len_bytes: byte(meta, 0)?,
            charset: Charset::Utf8,
            json: true,
        },
        (D::Json, MYSQL_TYPE_JSON) => C::Json {
            len_bytes: byte(meta, 0)?,
        },
        (D::Blob(_), MYSQL_TYPE_BLOB) | (D::Vector(_), MYSQL_TYPE_VECTOR) => C::Bytes {
            len_bytes: byte(meta, 0)?,
            pad_to: 0,
            geometry: false,
        },
        (D::Geometry(_), MYSQL_TYPE_GEOMETRY) => C::Bytes {
            len_bytes: byte(meta, 0)?,
            pad_to: 0,
            geometry: true,
        },
        (D::Enum(_), MYSQL_TYPE_ENUM) => C::Enum {
            bytes: byte(meta, 1)?,
        },
        (D::Set(_), MYSQL_TYPE_SET) => C::Set {
            bytes: byte(meta, 1)?,
        },
        (D::Bit(n), MYSQL_TYPE_BIT) => {
            let (bits, bytes) = (u32::from(byte(meta, 0)?), u32::from(byte(meta, 1)?));
            if bytes * 8 + bits != *n {
                return Err(format!(
                    "BIT({}) in the binlog but BIT({n}) in the table model",
                    bytes * 8 + bits
                ));
            }
            C::Bit {
                bytes: n.div_ceil(8) as u8,
            }
        }
        _ => {
            return Err(format!(
                "the binlog type is {} but the table model says {model:?}",
                binlog_type_name(ty)
            ));
        }
    };
    if let C::Enum { bytes } | C::Set { bytes } = codec
        && !matches!(bytes, 1 | 2 | 3 | 4 | 8)
    {
        return Err(format!("unexpected ENUM/SET storage size {bytes}"));
    }
    Ok(codec)
}

fn varchar_len_bytes(meta: &[u8]) -> Result<u8, String> {
    let max = u16::from_le_bytes([byte(meta, 0)?, byte(meta, 1)?]);
    Ok(if max > 255 { 2 } else { 1 })
}

/// MySQL's name for a binlog column type.
pub(crate) fn binlog_type_name(ty: ColumnType) -> &'static str {
    use ColumnType::*;
    match ty {
        MYSQL_TYPE_TINY => "TINYINT",
        MYSQL_TYPE_SHORT => "SMALLINT",
        MYSQL_TYPE_INT24 => "MEDIUMINT",
        MYSQL_TYPE_LONG => "INT",
        MYSQL_TYPE_LONGLONG => "BIGINT",
        MYSQL_TYPE_FLOAT => "FLOAT",
        MYSQL_TYPE_DOUBLE => "DOUBLE",
        MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL => "DECIMAL",
        MYSQL_TYPE_YEAR => "YEAR",
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => "DATE",
        MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => "TIME",
        MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2 => "DATETIME",
        MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2 => "TIMESTAMP",
        MYSQL_TYPE_STRING => "CHAR/BINARY",
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING => "VARCHAR/VARBINARY",
        MYSQL_TYPE_BLOB | MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB => {
            "TEXT/BLOB"
        }
        MYSQL_TYPE_JSON => "JSON",
        MYSQL_TYPE_ENUM => "ENUM",
        MYSQL_TYPE_SET => "SET",
        MYSQL_TYPE_BIT => "BIT",
        MYSQL_TYPE_GEOMETRY => "GEOMETRY",
        MYSQL_TYPE_VECTOR => "VECTOR",
        _ => "an unsupported type",
    }
}
