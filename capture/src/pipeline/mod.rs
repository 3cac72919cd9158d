//! The capture pipeline of one connector task: snapshot, then stream, every record's schema
//! registered before it is produced, offsets committed behind Kafka's acknowledgements.
//!
//! ## Algorithm
//! 1. Read the committed offset. None (or a snapshot that did not complete) and a snapshot
//!    mode that reads data: run the consistent snapshot; emit each row as `op: r` with its
//!    snapshot marker; record every table model in the schema history at the snapshot
//!    position (with its `SHOW CREATE TABLE` text); with `include.schema.changes`, write
//!    Debezium's snapshot statements to the schema change topic, each with its `ddl`; wait for every record to be acknowledged; commit `{position,
//!    snapshot_completed: true}`.
//! 2. Restore the table models in force at the offset from the schema history, and stream
//!    from the offset: by GTID when it carries a GTID state and the server has GTIDs, by file
//!    and position otherwise (`resume`). The first transaction after a mid-transaction
//!    offset skips the rows events already emitted (`event`).
//! 3. For each event: `Begin` opens a transaction; `Rows` are encoded with the prepared
//!    table (schemas registered first, [`schemas::SchemaGate`]) and sent, then a checkpoint
//!    `{transaction start, events done}` is recorded; `SchemaChange` registers the new schemas
//!    of the captured tables it changed *before* anything after it is emitted, records the
//!    models in the history at the position after the statement, then checkpoints past it;
//!    `Commit` checkpoints past the transaction.
//! 4. Checkpoints become the committed offset once Kafka acknowledged every record before
//!    them ([`emit::Emitter`]).
//!
//! A registry rejection fails the task before the statement's checkpoint: the offset stays
//! before the DDL, and `restart` (after the operator relaxes the level) replays it.

pub mod emit;
pub mod heartbeat;
pub mod offset;
mod resume;
mod run;
mod schema_topic;
pub mod schemas;
mod transaction;

pub use offset::SourceOffset;
pub use run::{CaptureRunner, RegistryFactory, SinkFactory};
