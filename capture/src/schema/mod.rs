//! The table model: what capture knows about every table's columns, keys and defaults.
//!
//! The model is built from DDL (binlog QUERY events, snapshot `SHOW CREATE TABLE`, schema dumps)
//! and is what the Avro mapping reads. Types keep everything the mapping needs: signedness,
//! lengths, precision and scale, fractional-second precision, ENUM/SET members, charsets, and
//! the column default as written.

//!
//! [`Catalog`] holds every known database and table and applies parsed DDL
//! ([`crate::ddl::DdlStatement`]) to them, reporting each [`TableChange`].

mod build;
mod catalog;
mod keys;
mod model;

pub use catalog::{Catalog, SchemaError, TableChange};
pub use model::{Column, ColumnDefault, DataType, Database, GeometryKind, LobSize, Table, TableId};

#[cfg(test)]
mod tests;
