//! Applying migrations to the table model and judging every schema they change.
//!
//! Statements are applied one at a time, in file and statement order. After each, every
//! captured table it created, altered or renamed gets its Avro key and value schemas derived
//! exactly as capture derives them ([`TableAvro::from_config`]); a schema that differs from the
//! table's previous one is checked against its subject as the registry would check it at
//! registration ([`sluice_compat::check`] under the subject's level). Each statement is judged
//! on its own because capture registers a table's schemas as soon as it reads the DDL
//! statement from the binlog, before any row written with them.
//!
//! Every judged schema is then registered in the simulation (`Subjects::submit`), so later
//! statements are checked against it (a transitive level sees the whole chain). A table that exists in the model but
//! has no subject yet is assumed registered with its current schema first, as capture would do
//! at its snapshot.

use crate::explain;
use crate::hazard;
use crate::migration::{MigrationFile, Statement, line_of};
use crate::report::{
    ChangeKind, Finding, Hazard, HazardKind, Location, Problem, Reason, Report, SubjectCheck,
    one_line,
};
use crate::subjects::Subjects;
use sluice_capture::avro::{GeneratedSchema, TableAvro};
use sluice_capture::config::ConnectorConfig;
use sluice_capture::ddl::{self, DdlStatement};
use sluice_capture::schema::{Catalog, SchemaError, Table, TableChange, TableId};

/// What decides names and judgement besides the migrations.
#[derive(Debug, Clone)]
pub struct GateOptions {
    /// Naming, filters and type handling modes, as capture would run.
    pub connector: ConnectorConfig,
    /// The database of unqualified table names (`--database`); by default the model's only
    /// database, if it has one.
    pub default_database: Option<String>,
    /// Hazards are errors.
    pub strict: bool,
    /// Whether the current model knows column lengths and integer widths (not when it was
    /// rebuilt from the registry): narrowing warnings need them.
    pub exact_types: bool,
}

/// Applies `migrations` to `catalog` and judges every change against `subjects`.
pub fn judge(
    catalog: Catalog,
    migrations: &[MigrationFile],
    subjects: &mut Subjects,
    opts: &GateOptions,
) -> Report {
    let default_database = opts.default_database.clone().or_else(|| {
        let mut dbs = catalog.tables().map(|t| t.id.database.clone());
        let first = dbs.next()?;
        dbs.all(|d| d == first).then_some(first)
    });
    let mut judge = Judge {
        baseline: catalog.clone(),
        catalog,
        subjects,
        opts,
        report: Report {
            strict: opts.strict,
            files: migrations.len(),
            ..Report::default()
        },
    };
    for file in migrations {
        // Each file starts in the default database, as a migration tool runs it.
        let mut db = default_database.clone();
        for statement in file.statements() {
            judge.report.statements += 1;
            judge.statement(&statement, &mut db);
        }
    }
    judge.report
}

struct Judge<'a> {
    /// The model before any migration: what capture registered at its snapshot, the first
    /// version of a subject the registry does not have.
    baseline: Catalog,
    catalog: Catalog,
    subjects: &'a mut Subjects,
    opts: &'a GateOptions,
    report: Report,
}

fn location(s: &Statement<'_>) -> Location {
    Location {
        file: s.file.to_owned(),
        line: s.line,
        statement: one_line(s.text, 200),
    }
}

/// The tables a statement names (whose models before it the judgement needs).
fn named_tables(stmt: &DdlStatement, db: Option<&str>) -> Vec<TableId> {
    let ids: Vec<&TableId> = match stmt {
        DdlStatement::CreateTable(c) => vec![&c.table],
        DdlStatement::CreateTableLike { table, .. } => vec![table],
        DdlStatement::AlterTable { table, .. } => vec![table],
        DdlStatement::DropTable { tables, .. } => tables.iter().collect(),
        DdlStatement::RenameTable { renames, .. } => renames.iter().map(|(from, _)| from).collect(),
        DdlStatement::CreateIndex { table, .. } | DdlStatement::DropIndex { table, .. } => {
            vec![table]
        }
        _ => Vec::new(),
    };
    ids.into_iter().map(|id| id.in_database(db)).collect()
}

/// The table a statement that does not parse is about, guessed from the words after `TABLE`.
fn guess_table(text: &str, db: Option<&str>) -> Option<TableId> {
    let words: Vec<&str> = text.split_whitespace().take(12).collect();
    let at = words.iter().position(|w| w.eq_ignore_ascii_case("TABLE"))?;
    let name = words[at + 1..].iter().find(|w| {
        !["IF", "NOT", "EXISTS"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    })?;
    let name = name.split('(').next().unwrap_or_default().replace('`', "");
    let id = match name.split_once('.') {
        Some((d, t)) => TableId::new(d, t),
        None => TableId::new(db.unwrap_or_default(), name),
    };
    Some(id)
}

impl Judge<'_> {
    fn captured(&self, id: &TableId) -> bool {
        self.opts.connector.filters.table_included(id)
    }

    fn problem(&mut self, s: &Statement<'_>, message: String, hint: &str) {
        self.report.problems.push(Problem {
            location: location(s),
            message,
            hint: hint.to_owned(),
        });
    }

    fn statement(&mut self, s: &Statement<'_>, db: &mut Option<String>) {
        let parsed = match ddl::parse(s.text, db.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                // A statement on a table the connector does not capture cannot matter; but text
                // holding several statements (an unterminated quote swallows the rest of the
                // file) is never skipped on a guess.
                let single = !s.text.contains(';');
                let guessed = guess_table(s.text, db.as_deref());
                if single && guessed.as_ref().is_some_and(|id| !self.captured(id)) {
                    return;
                }
                let line = s.line + line_of(s.text, e.offset) - 1;
                self.report.problems.push(Problem {
                    location: Location {
                        line,
                        ..location(s)
                    },
                    message: format!(
                        "cannot parse the statement: {} near \"{}\"",
                        e.message, e.near
                    ),
                    hint:
                        "Fix the SQL (the gate reads MySQL/MariaDB syntax); if MySQL accepts it, \
                           split it into simpler statements and report the case to Sluice."
                            .to_owned(),
                });
                return;
            }
        };
        for stmt in &parsed {
            if let DdlStatement::Use(name) = stmt {
                *db = Some(name.clone());
                continue;
            }
            let named = named_tables(stmt, db.as_deref());
            if let Some(id) = named.iter().find(|id| id.database.is_empty()) {
                self.problem(
                    s,
                    format!("table {} has no database: the name is unqualified and no database is in use", id.table),
                    "Qualify the name (db.table), add a USE statement, or pass --database.",
                );
                continue;
            }
            let before: Vec<(TableId, Option<Table>)> = named
                .into_iter()
                .map(|id| {
                    let t = self.catalog.table(&id).cloned();
                    (id, t)
                })
                .collect();
            let old = |id: &TableId| {
                before
                    .iter()
                    .find(|(b, _)| b == id)
                    .and_then(|(_, t)| t.clone())
            };
            match self.catalog.apply(stmt, db.as_deref()) {
                Ok(changes) => {
                    for change in &changes {
                        // `ALTER TABLE a RENAME TO b, ADD …`: the rename judges b as it ends.
                        let renamed_here = |id: &TableId| {
                            changes
                                .iter()
                                .any(|c| matches!(c, TableChange::Renamed { to, .. } if to == id))
                        };
                        if matches!(change, TableChange::Altered(id) if renamed_here(id)) {
                            continue;
                        }
                        // `RENAME TABLE t TO t_old, t_new TO t`: t does not go away.
                        if matches!(change, TableChange::Renamed { from, to } if renamed_here(from) && !self.captured(to))
                        {
                            continue;
                        }
                        self.change(s, stmt, change, &old);
                    }
                }
                Err(SchemaError::UnknownTable(id)) => {
                    if self.captured(&id) {
                        let hint = if id.database.is_empty() {
                            "Qualify the table name, add a USE statement, or pass --database."
                        } else {
                            "Start from a schema that has it: --from mysql://… or --from-dump \
                             schema.sql (or create it in an earlier migration)."
                        };
                        self.problem(s, format!("table {id} is not in the current schema"), hint);
                    }
                }
                Err(SchemaError::Inconsistent { table, message }) => {
                    if self.captured(&table) {
                        self.problem(
                            s,
                            format!("the statement does not fit table {table}: {message}"),
                            "Check the migration against the current schema (--from or --from-dump).",
                        );
                    }
                }
                Err(e) => self.problem(s, e.to_string(), "Check the statement."),
            }
        }
    }

    fn change(
        &mut self,
        s: &Statement<'_>,
        stmt: &DdlStatement,
        change: &TableChange,
        old: &dyn Fn(&TableId) -> Option<Table>,
    ) {
        match change {
            TableChange::Created(id) => self.judge_table(s, stmt, ChangeKind::Created, None, id),
            TableChange::Altered(id) => {
                let before = old(id);
                self.judge_table(s, stmt, ChangeKind::Altered, before.as_ref(), id);
            }
            TableChange::Renamed { from, to } => {
                // Only a captured table has a topic to leave (`_new → t` in an online schema
                // change tool's swap is t's new definition, judged against t's subjects).
                let before = old(from).filter(|_| self.captured(from));
                if self.captured(to) {
                    self.judge_table(s, stmt, ChangeKind::Renamed, before.as_ref(), to);
                } else if before.is_some() {
                    let hazards = vec![Hazard {
                        kind: HazardKind::TopicChanged,
                        column: None,
                        message: format!(
                            "table {from} is renamed to {to}, which the connector does not capture: its changes stop"
                        ),
                        fix: "Keep the table's name, or add the new name to the connector's table.include.list."
                            .to_owned(),
                    }];
                    self.report.findings.push(Finding {
                        location: location(s),
                        table: from.to_string(),
                        change: ChangeKind::Renamed,
                        checks: Vec::new(),
                        hazards,
                    });
                }
            }
            TableChange::Dropped(id) => {
                if self.captured(id) {
                    self.report.findings.push(Finding {
                        location: location(s),
                        table: id.to_string(),
                        change: ChangeKind::Dropped,
                        checks: Vec::new(),
                        hazards: Vec::new(),
                    });
                }
            }
            TableChange::Truncated(_) => {}
            TableChange::Reload(id) => {
                if self.captured(id) {
                    self.problem(
                        s,
                        format!("CREATE TABLE {id} … SELECT: its columns come from the query and only the server knows them"),
                        "Write the CREATE TABLE with its columns, then fill it with INSERT … SELECT.",
                    );
                }
            }
        }
    }

    fn avro(&mut self, s: &Statement<'_>, table: &Table) -> Option<TableAvro> {
        match TableAvro::from_config(table, &self.opts.connector) {
            Ok(a) => Some(a),
            Err(e) => {
                self.problem(
                    s,
                    e.to_string(),
                    "Rename the table or column, or set schema.name.adjustment.mode=avro and field.name.adjustment.mode=avro in the connector config.",
                );
                None
            }
        }
    }

    fn judge_table(
        &mut self,
        s: &Statement<'_>,
        stmt: &DdlStatement,
        kind: ChangeKind,
        before: Option<&Table>,
        id: &TableId,
    ) {
        if !self.captured(id) {
            return;
        }
        let Some(after) = self.catalog.table(id).cloned() else {
            return;
        };
        let Some(new) = self.avro(s, &after) else {
            return;
        };
        let old = match before {
            Some(b) => match self.avro(s, b) {
                Some(a) => Some(a),
                None => return,
            },
            None => None,
        };
        // A subject the registry does not have starts with what capture registered at its
        // snapshot: the table of that name in the model the migrations started from.
        let seed = match self.baseline.table(id).cloned() {
            Some(b) => match self.avro(s, &b) {
                Some(a) => Some(a),
                None => return,
            },
            None => None,
        };
        let seed = seed.as_ref();
        let mut checks = Vec::new();
        let key_changed = old.as_ref().map(|o| o.key.as_ref().map(|k| &k.canonical))
            != Some(new.key.as_ref().map(|k| &k.canonical));
        if let (true, Some(key)) = (key_changed || old.is_none(), &new.key) {
            let seed_key = seed.and_then(|o| o.key.as_ref());
            match self.check(&new.key_subject(), key, seed_key, before, &after, stmt) {
                Ok(c) => checks.push(c),
                Err(message) => {
                    self.problem(s, message, "Fix or re-export the registry subject.");
                }
            }
        }
        let value_changed =
            old.as_ref().map(|o| &o.envelope.canonical) != Some(&new.envelope.canonical);
        if value_changed || old.is_none() {
            let seed_value = seed.map(|o| &o.envelope);
            match self.check(
                &new.value_subject(),
                &new.envelope,
                seed_value,
                before,
                &after,
                stmt,
            ) {
                Ok(c) => checks.push(c),
                Err(message) => {
                    self.problem(s, message, "Fix or re-export the registry subject.");
                }
            }
        }
        let mut hazards = hazard::find(before, &after, stmt, kind, &self.opts.connector);
        if !self.opts.exact_types {
            hazards.retain(|h| h.kind != HazardKind::Narrowed);
        }
        // Narrowing the registry already refuses is said once, as its incompatibility.
        let refused: Vec<&str> = checks
            .iter()
            .flat_map(|c| c.reasons.iter().filter_map(|r| r.column.as_deref()))
            .collect();
        hazards.retain(|h| {
            h.kind != HazardKind::Narrowed
                || !h
                    .column
                    .as_deref()
                    .is_some_and(|c| refused.iter().any(|r| r.eq_ignore_ascii_case(c)))
        });
        if checks.is_empty() && hazards.is_empty() {
            return;
        }
        self.report.findings.push(Finding {
            location: location(s),
            table: id.to_string(),
            change: kind,
            checks,
            hazards,
        });
    }

    /// Checks `new` against `subject` (seeded with `seed` when the subject has no version), as
    /// the registry would at registration, and words the outcome.
    fn check(
        &mut self,
        subject: &str,
        new: &GeneratedSchema,
        seed: Option<&GeneratedSchema>,
        before: Option<&Table>,
        after: &Table,
        stmt: &DdlStatement,
    ) -> Result<SubjectCheck, String> {
        let level = self.subjects.level(subject);
        let submitted = self.subjects.submit(subject, new, seed)?;
        let mut check = SubjectCheck {
            subject: subject.to_owned(),
            level,
            verdict: submitted.verdict,
            against_version: None,
            reasons: Vec::new(),
            registry_messages: submitted.messages,
            note: submitted.drift.map(|v| {
                format!(
                    "the registry's latest version ({v}) of {subject} is not the current schema's: the schema the gate started from may be behind (or ahead of) what capture registered; verdicts are against the registry"
                )
            }),
            old_schema: submitted.latest,
            new_schema: submitted.text,
        };
        if let Some((number, old_text)) = submitted.failing {
            check.against_version = Some(number);
            check.reasons = explain::reasons(level, &old_text, new, before, after, stmt);
            check.old_schema = Some(old_text);
            if check.reasons.is_empty() {
                check.reasons.push(Reason {
                    column: None,
                    message: format!(
                        "the new schema of {subject} cannot follow version {number} under {level}"
                    ),
                    fix:
                        "See the registry's messages, or run with --explain to compare the schemas."
                            .to_owned(),
                    rule: check.registry_messages.first().cloned().unwrap_or_default(),
                });
            }
        }
        Ok(check)
    }
}
