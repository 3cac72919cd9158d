//! Writing DDL to the schema change topic `<prefix>` (`include.schema.changes`, Debezium's
//! default): one record per statement that changed captured tables, after the table schemas it
//! produced were registered; from the snapshot, the database-level statements Debezium
//! records (charset `SET`, `DROP`/`CREATE DATABASE`, `USE`) with no table changes; and while
//! streaming, `CREATE`/`ALTER`/`DROP DATABASE` on captured databases, also with none.

use super::emit::Emitter;
use super::schemas::SchemaGate;
use crate::avro::{SchemaChangeSchemas, SourceInfo, TableChangeRecord};
use crate::error::CaptureError;
use crate::schema::{Catalog, TableChange, TableId};
use crate::sink::RecordSink;
use sluice_proto::RegistryClient;
use sluice_proto::framing::write_header;

/// The schema change topic of one connector, its schemas registered.
#[derive(Debug)]
pub(crate) struct SchemaTopic {
    schemas: SchemaChangeSchemas,
    topic: String,
    key_id: u32,
    value_id: u32,
}

fn quoted(id: &TableId) -> String {
    format!("\"{}\".\"{}\"", id.database, id.table)
}

/// `source.table` of a schema change record as Debezium writes it: the tables of the statement's
/// changes in `database` (a rename: its new name), joined with `,` in the iteration order of the
/// `java.util.HashSet<TableId>` that `io.debezium.connector.binlog.BinlogSourceInfo.table()`
/// streams (see [`java_hash_set_order`]).
fn source_tables(changes: &[TableChange], database: &str) -> String {
    let mut ids: Vec<&TableId> = Vec::new();
    for c in changes {
        let id = match c {
            TableChange::Renamed { to, .. } => to,
            TableChange::Created(id)
            | TableChange::Altered(id)
            | TableChange::Reload(id)
            | TableChange::Dropped(id)
            | TableChange::Truncated(id) => id,
        };
        if id.database == database && !ids.contains(&id) {
            ids.push(id);
        }
    }
    let keys: Vec<String> = ids
        .iter()
        .map(|id| format!("{}.{}", id.database, id.table))
        .collect();
    java_hash_set_order(&keys)
        .into_iter()
        .map(|i| ids[i].table.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Java's `String.hashCode` (over UTF-16 code units, wrapping), which `TableId.hashCode` is for
/// its `catalog.table` id.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The order in which a `java.util.HashSet` copied from a set of `keys` (inserted in this order)
/// iterates them: by bucket (`HashMap.hash`: `h ^ (h >>> 16)`, masked to the table size, which
/// `HashSet(Collection)` sizes to `max(n / .75 + 1, 16)` rounded up to a power of two), and in a
/// bucket by insertion order. Returns indices into `keys`.
fn java_hash_set_order(keys: &[String]) -> Vec<usize> {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let wanted = ((keys.len() as f32 / 0.75) as usize + 1).max(16);
    let size = wanted.next_power_of_two();
    let bucket = |k: &str| {
        #[allow(clippy::cast_sign_loss)]
        let h = java_string_hash(k) as u32;
        (h ^ (h >> 16)) as usize & (size - 1)
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| bucket(&keys[i]));
    order
}

/// One table event of a statement as Debezium's DDL parser signals it.
struct TableEvent<'a> {
    /// `CREATE`, `ALTER` or `DROP`.
    kind: &'static str,
    /// The table the record describes (a rename: its new name).
    subject: &'a TableId,
    /// The change the event's statement text is looked up by.
    change: &'a TableChange,
    /// The consecutive changes in the subject's database (`DdlChanges.getEventsByDatabase`).
    group: &'a [TableChange],
}

/// The database a change's event belongs to (`DdlChanges.getDatabase`: its table's).
fn change_database(change: &TableChange) -> &str {
    match change {
        TableChange::Renamed { to, .. } => &to.database,
        TableChange::Created(id)
        | TableChange::Altered(id)
        | TableChange::Reload(id)
        | TableChange::Dropped(id)
        | TableChange::Truncated(id) => &id.database,
    }
}

/// The table events of a statement's changes, in order. A rename followed by an alteration of
/// the renamed table (`ALTER TABLE t RENAME TO u, ADD …`) is one event, as
/// `AlterTableParserListener` signals one `TableAlteredEvent` with the previous id; a
/// truncation is none (Sluice writes no TRUNCATE record).
fn table_events(changes: &[TableChange]) -> Vec<TableEvent<'_>> {
    let mut groups: Vec<&[TableChange]> = Vec::new();
    let mut start = 0;
    for i in 1..=changes.len() {
        if i == changes.len() || change_database(&changes[i]) != change_database(&changes[start]) {
            if start < i {
                groups.push(&changes[start..i]);
            }
            start = i;
        }
    }
    let mut events = Vec::new();
    for group in groups {
        let mut i = 0;
        while i < group.len() {
            let change = &group[i];
            i += 1;
            let (kind, subject) = match change {
                TableChange::Created(id) => ("CREATE", id),
                TableChange::Altered(id) | TableChange::Reload(id) => ("ALTER", id),
                TableChange::Dropped(id) => ("DROP", id),
                TableChange::Renamed { to, .. } => {
                    if matches!(group.get(i), Some(TableChange::Altered(id)) if id == to) {
                        i += 1;
                    }
                    ("ALTER", to)
                }
                TableChange::Truncated(_) => continue,
            };
            events.push(TableEvent {
                kind,
                subject,
                change,
                group,
            });
        }
    }
    events
}

/// The statement text Debezium's MySQL DDL parser attaches to the events of a multi-table
/// statement: per dropped table and per renamed pair (see `DdlStatement::DropTable` and
/// `DdlStatement::RenameTable`); other events carry the whole DDL. Empty when the DDL does not
/// parse.
fn event_statements(ddl: &str, database: Option<&str>) -> Vec<(TableChange, String)> {
    let Ok(statements) = crate::ddl::parse(ddl, database) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for statement in statements {
        match statement {
            crate::ddl::DdlStatement::DropTable {
                tables, statements, ..
            } => out.extend(tables.into_iter().map(TableChange::Dropped).zip(statements)),
            crate::ddl::DdlStatement::RenameTable {
                renames,
                statements,
            } => out.extend(
                renames
                    .into_iter()
                    .map(|(from, to)| TableChange::Renamed { from, to })
                    .zip(statements),
            ),
            _ => {}
        }
    }
    out
}

impl SchemaTopic {
    /// Registers `<prefix>-key` and `<prefix>-value`.
    pub(crate) async fn register<R: RegistryClient>(
        gate: &SchemaGate<R>,
        prefix: &str,
        connector: &'static str,
    ) -> Result<Self, CaptureError> {
        let schemas = SchemaChangeSchemas::new(connector)
            .map_err(|e| CaptureError::Definite(format!("schema change topic schemas: {e}")))?;
        let key_id = gate
            .register_schema(&format!("{prefix}-key"), &schemas.key.canonical)
            .await?;
        let value_id = gate
            .register_schema(&format!("{prefix}-value"), &schemas.value.canonical)
            .await?;
        Ok(Self {
            schemas,
            topic: prefix.to_owned(),
            key_id,
            value_id,
        })
    }

    /// Emits the records of one DDL statement for the changes to captured tables
    /// (`included`); nothing when it changed none.
    ///
    /// Debezium (`BinlogDatabaseSchema.parseDdl`) writes one record per table event of the
    /// statement, each with the statement text its parser attached to that event
    /// ([`event_statements`]) and one entry in `tableChanges`; it groups consecutive events
    /// by their database and, before each event, names in `source` that database and every
    /// table of the group (`BinlogOffsetContext.tableEvent`, `BinlogSourceInfo.table()`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn emit<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        catalog: &Catalog,
        included: impl Fn(&TableId) -> bool,
        changes: &[TableChange],
        database: Option<&str>,
        ddl: Option<&str>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let texts = ddl
            .map(|d| event_statements(d, database))
            .unwrap_or_default();
        for event in table_events(changes) {
            if !included(event.subject) {
                continue;
            }
            let record = TableChangeRecord {
                kind: event.kind,
                id: quoted(event.subject),
                table: if event.kind == "DROP" {
                    None
                } else {
                    catalog.table(event.subject)
                },
            };
            let text = texts
                .iter()
                .find(|(c, _)| c == event.change)
                .map(|(_, t)| t.as_str())
                .or(ddl);
            let database = if event.subject.database.is_empty() {
                database.unwrap_or_default()
            } else {
                event.subject.database.as_str()
            };
            let tables = source_tables(event.group, &event.subject.database);
            let mut source = *source;
            source.db = database;
            source.table = Some(&tables);
            self.write(emitter, database, text, &[record], &source)
                .await?;
        }
        Ok(())
    }

    /// Emits the record of a statement that changes no table (`tableChanges` empty), naming
    /// the statement's database and `table` in `source`.
    pub(crate) async fn emit_statement<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        database: &str,
        ddl: &str,
        table: Option<&str>,
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let mut source = *source;
        source.db = database;
        source.table = table;
        self.write(emitter, database, Some(ddl), &[], &source).await
    }

    async fn write<S: RecordSink>(
        &self,
        emitter: &mut Emitter<S>,
        database: &str,
        ddl: Option<&str>,
        records: &[TableChangeRecord<'_>],
        source: &SourceInfo<'_>,
    ) -> Result<(), CaptureError> {
        let mut key = Vec::with_capacity(32);
        write_header(self.key_id, &mut key);
        self.schemas.encode_key(database, &mut key);
        let mut value = Vec::with_capacity(1024);
        write_header(self.value_id, &mut value);
        self.schemas.encode_value(
            source,
            source.ts_ms,
            Some(database),
            ddl,
            records,
            &mut value,
        );
        emitter.raw(&self.topic, &key, &value).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(changes: &[TableChange]) -> Vec<(&'static str, String, usize)> {
        table_events(changes)
            .iter()
            .map(|e| (e.kind, quoted(e.subject), e.group.len()))
            .collect()
    }

    #[test]
    fn a_multi_table_drop_is_one_event_per_table_each_with_its_own_statement() {
        let t = |n: &str| TableId::new("diff", n);
        let changes = [TableChange::Dropped(t("a")), TableChange::Dropped(t("b"))];
        assert_eq!(
            events(&changes),
            [
                ("DROP", "\"diff\".\"a\"".into(), 2),
                ("DROP", "\"diff\".\"b\"".into(), 2)
            ]
        );
        let texts = event_statements(
            "DROP TABLE `diff`.`a`,`diff`.`b` /* generated by server */",
            Some("diff"),
        );
        assert_eq!(
            texts,
            [
                (changes[0].clone(), "DROP TABLE `diff`.`a`".to_owned()),
                (changes[1].clone(), "DROP TABLE `diff`.`b`".to_owned())
            ]
        );
    }

    #[test]
    fn a_multi_table_rename_is_one_alter_event_per_pair_named_by_the_new_table() {
        let t = |n: &str| TableId::new("diff", n);
        let changes = [
            TableChange::Renamed {
                from: t("a"),
                to: t("c"),
            },
            TableChange::Renamed {
                from: t("b"),
                to: t("d"),
            },
        ];
        assert_eq!(
            events(&changes),
            [
                ("ALTER", "\"diff\".\"c\"".into(), 2),
                ("ALTER", "\"diff\".\"d\"".into(), 2)
            ]
        );
        let texts = event_statements("RENAME TABLE a TO c, diff.b TO diff.d", Some("diff"));
        assert_eq!(
            texts,
            [
                (changes[0].clone(), "RENAME TABLE a TO c".to_owned()),
                (
                    changes[1].clone(),
                    "RENAME TABLE diff.b TO diff.d".to_owned()
                )
            ]
        );
    }

    #[test]
    fn an_alter_table_that_renames_and_alters_is_one_event_with_the_whole_statement() {
        let t = |n: &str| TableId::new("diff", n);
        let changes = [
            TableChange::Renamed {
                from: t("a"),
                to: t("b"),
            },
            TableChange::Altered(t("b")),
        ];
        assert_eq!(events(&changes), [("ALTER", "\"diff\".\"b\"".into(), 2)]);
        assert!(
            event_statements("ALTER TABLE a RENAME TO b, ADD COLUMN x INT", Some("diff"))
                .is_empty()
        );
    }

    #[test]
    fn events_are_grouped_by_consecutive_database_and_truncations_are_none() {
        let changes = [
            TableChange::Dropped(TableId::new("x", "a")),
            TableChange::Dropped(TableId::new("y", "b")),
            TableChange::Dropped(TableId::new("y", "c")),
            TableChange::Truncated(TableId::new("y", "d")),
        ];
        assert_eq!(
            events(&changes),
            [
                ("DROP", "\"x\".\"a\"".into(), 1),
                ("DROP", "\"y\".\"b\"".into(), 3),
                ("DROP", "\"y\".\"c\"".into(), 3)
            ]
        );
    }

    #[test]
    fn java_string_hash_matches_javas() {
        // Values of "…".hashCode() in Java.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("Hello, World!"), 1_498_789_909);
        // Non-ASCII: hashed as UTF-16 code units ("é" is one, "😀" two).
        assert_eq!(java_string_hash("é"), 233);
        assert_eq!(java_string_hash("😀"), 1_772_899);
    }

    #[test]
    fn source_table_of_one_table_is_its_name_and_a_rename_names_the_new_table() {
        let t = |n: &str| TableId::new("diff", n);
        assert_eq!(
            source_tables(&[TableChange::Altered(t("customers"))], "diff"),
            "customers"
        );
        let rename = TableChange::Renamed {
            from: t("old"),
            to: t("new"),
        };
        assert_eq!(source_tables(&[rename], "diff"), "new");
    }

    #[test]
    fn source_table_of_several_tables_follows_java_hash_set_order_within_the_database() {
        let t = |d: &str, n: &str| TableId::new(d, n);
        // Buckets of a 16-slot HashSet: "inv.a" hashes to 100361636 (bucket 15 after
        // spreading), "inv.b" to 100361637 (bucket 14): b iterates first.
        let changes = [
            TableChange::Dropped(t("inv", "a")),
            TableChange::Dropped(t("inv", "b")),
            TableChange::Dropped(t("other", "c")),
        ];
        assert_eq!(source_tables(&changes, "inv"), "b,a");
        assert_eq!(source_tables(&changes, "other"), "c");
    }

    #[test]
    fn java_hash_set_order_keeps_insertion_order_within_a_bucket_and_grows_past_twelve() {
        // "Aa" and "BB" have the same Java hash: one bucket, insertion order.
        let keys = ["BB".to_owned(), "Aa".to_owned()];
        assert_eq!(java_hash_set_order(&keys), vec![0, 1]);
        // 12 keys: the copy's table has 32 buckets (12 / .75 + 1 = 17).
        let keys: Vec<String> = (0..12).map(|i| format!("k{i}")).collect();
        let order = java_hash_set_order(&keys);
        let bucket = |k: &str| {
            let h = java_string_hash(k) as u32;
            (h ^ (h >> 16)) & 31
        };
        assert!(
            order
                .windows(2)
                .all(|w| bucket(&keys[w[0]]) <= bucket(&keys[w[1]]))
        );
    }
}
