//! Every class of DDL change, as a real migration file in `tests/migrations/<case>/`, judged
//! against the schema dump `tests/migrations/schema.sql` under each compatibility level.
//!
//! With no registry the first version of each subject is the dump's schema (as capture would
//! register it at its snapshot); later files see what earlier ones registered, so the
//! transitive levels differ where a migration chain does.

use sluice_gate::baseline;
use sluice_gate::migration::{self, MigrationFile};
use sluice_gate::report::{HazardKind, Report, Verdict};
use sluice_gate::subjects::Subjects;
use sluice_gate::{GateOptions, connector_for_prefix, judge};
use sluice_proto::CompatibilityLevel as L;
use std::path::PathBuf;

fn dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/migrations")
        .join(case)
}

fn run(case: &str, level: L, strict: bool) -> Report {
    let dump_path = dir("schema.sql");
    let dump = MigrationFile::new(
        dump_path.display().to_string(),
        std::fs::read_to_string(&dump_path).unwrap(),
    );
    let catalog = baseline::from_dump(&dump, Some("shop")).unwrap();
    let migrations = migration::load(&[dir(case)]).unwrap();
    let opts = GateOptions {
        connector: connector_for_prefix("inv").unwrap(),
        default_database: Some("shop".into()),
        strict,
        exact_types: true,
    };
    judge(
        catalog,
        &migrations,
        &mut Subjects::empty(Some(level)),
        &opts,
    )
}

const LEVELS: [L; 6] = [
    L::Backward,
    L::BackwardTransitive,
    L::Forward,
    L::ForwardTransitive,
    L::Full,
    L::FullTransitive,
];

/// Asserts the exit code under each of [`LEVELS`] (and 0 under NONE).
fn expect_exit(case: &str, codes: [i32; 6]) {
    for (level, code) in LEVELS.iter().zip(codes) {
        let report = run(case, *level, false);
        assert_eq!(
            report.exit_code(),
            code,
            "{case} under {level}: {}",
            sluice_gate::report::text::render(
                &report,
                sluice_gate::report::text::Style { colour: false },
                false
            )
        );
    }
    assert_eq!(
        run(case, L::None, false).exit_code(),
        0,
        "{case} under NONE"
    );
}

fn reasons(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .flat_map(|f| f.checks.iter().flat_map(|c| c.reasons.iter()))
        .map(|r| format!("{} | {}", r.message, r.fix))
        .collect()
}

fn hazards(report: &Report) -> Vec<HazardKind> {
    report
        .findings
        .iter()
        .flat_map(|f| f.hazards.iter().map(|h| h.kind))
        .collect()
}

#[test]
fn adding_a_nullable_column_passes_every_level() {
    expect_exit("add_nullable", [0, 0, 0, 0, 0, 0]);
    let report = run("add_nullable", L::Full, false);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        report.findings[0].checks[0].subject,
        "inv.shop.customers-value"
    );
    assert_eq!(report.findings[0].checks[0].verdict, Verdict::Compatible);
}

#[test]
fn rejects_not_null_column_without_default_under_backward() {
    expect_exit("add_not_null_without_default", [1, 1, 0, 0, 1, 1]);
    let report = run("add_not_null_without_default", L::Backward, false);
    let f = &report.findings[0];
    assert!(f.location.file.ends_with("V1__phone.sql"));
    assert_eq!(f.location.line, 1);
    assert_eq!(f.table, "shop.customers");
    assert_eq!(
        reasons(&report),
        [
            "ADD COLUMN phone VARCHAR(20) NOT NULL without DEFAULT: readers of the new schema need a default for 'phone' to read old records (BACKWARD) | Add DEFAULT '' or make the column NULL."
        ]
    );
}

#[test]
fn a_not_null_column_with_default_passes_every_level() {
    expect_exit("add_not_null_with_default", [0, 0, 0, 0, 0, 0]);
}

#[test]
fn dropping_a_required_column_breaks_forward_only() {
    expect_exit("drop_required_column", [0, 0, 1, 1, 1, 1]);
    let r = reasons(&run("drop_required_column", L::Forward, false));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].starts_with("DROP COLUMN email: readers of the old schema need a value for 'email'"),
        "{r:?}"
    );
}

#[test]
fn dropping_a_nullable_column_passes_every_level() {
    expect_exit("drop_nullable_column", [0, 0, 0, 0, 0, 0]);
}

#[test]
fn renaming_a_required_column_breaks_both_directions_and_warns() {
    expect_exit("rename_column", [1, 1, 1, 1, 1, 1]);
    let report = run("rename_column", L::Full, false);
    let r = reasons(&report);
    assert!(
        r.iter().any(|m| m.contains("which carry 'email' instead")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|m| m.contains("new records carry 'email_address' instead")),
        "{r:?}"
    );
    assert_eq!(hazards(&report), [HazardKind::ColumnRenamed]);
}

#[test]
fn renaming_a_nullable_column_passes_the_registry_but_warns() {
    expect_exit("rename_nullable_column", [0, 0, 0, 0, 0, 0]);
    let report = run("rename_nullable_column", L::Full, false);
    assert_eq!(hazards(&report), [HazardKind::ColumnRenamed]);
    assert_eq!(run("rename_nullable_column", L::Full, true).exit_code(), 1);
}

#[test]
fn widening_an_integer_passes_backward_and_fails_forward() {
    expect_exit("widen_integer", [0, 0, 1, 1, 1, 1]);
    let r = reasons(&run("widen_integer", L::Forward, false));
    assert!(
        r[0].contains(
            "'score' changed from INT to BIGINT; readers of the old schema cannot read new records"
        ),
        "{r:?}"
    );
}

#[test]
fn narrowing_hidden_by_the_mapping_is_a_warning_or_a_strict_error() {
    expect_exit("narrow_integer_hidden", [0, 0, 0, 0, 0, 0]);
    let report = run("narrow_integer_hidden", L::Backward, false);
    assert_eq!(hazards(&report), [HazardKind::Narrowed]);
    assert_eq!(
        run("narrow_integer_hidden", L::Backward, true).exit_code(),
        1
    );
}

#[test]
fn narrowing_the_registry_sees_fails_backward_on_key_and_value() {
    expect_exit("narrow_integer_visible", [1, 1, 0, 0, 1, 1]);
    let report = run("narrow_integer_visible", L::Backward, false);
    let subjects: Vec<(&str, Verdict)> = report.findings[0]
        .checks
        .iter()
        .map(|c| (c.subject.as_str(), c.verdict))
        .collect();
    assert_eq!(
        subjects,
        [
            ("inv.shop.orders-key", Verdict::Incompatible),
            ("inv.shop.orders-value", Verdict::Incompatible)
        ]
    );
    // Said once, as the incompatibility, not again as a narrowing warning.
    assert!(hazards(&report).is_empty());
}

#[test]
fn a_decimal_scale_change_passes_the_registry_but_warns() {
    expect_exit("decimal_scale", [0, 0, 0, 0, 0, 0]);
    assert_eq!(
        hazards(&run("decimal_scale", L::Full, false)),
        [HazardKind::DecimalChanged]
    );
    assert_eq!(run("decimal_scale", L::Full, true).exit_code(), 1);
}

#[test]
fn removing_an_enum_symbol_warns_and_adding_one_does_not() {
    expect_exit("enum_symbol_removed", [0, 0, 0, 0, 0, 0]);
    assert_eq!(
        hazards(&run("enum_symbol_removed", L::Backward, false)),
        [HazardKind::EnumSymbolsRemoved]
    );
    assert_eq!(run("enum_symbol_removed", L::Backward, true).exit_code(), 1);
    expect_exit("enum_symbol_added", [0, 0, 0, 0, 0, 0]);
    assert!(hazards(&run("enum_symbol_added", L::Backward, true)).is_empty());
    assert_eq!(run("enum_symbol_added", L::Backward, true).exit_code(), 0);
}

#[test]
fn a_primary_key_change_fails_the_key_subject_under_backward() {
    expect_exit("primary_key_change", [1, 1, 0, 0, 1, 1]);
    let report = run("primary_key_change", L::Backward, false);
    let f = &report.findings[0];
    assert_eq!(f.checks.len(), 1, "the value schema does not change");
    assert_eq!(f.checks[0].subject, "inv.shop.orders-key");
    assert!(
        f.checks[0].reasons[0]
            .message
            .starts_with("the primary key changed from (id) to (id, customer_id)"),
        "{:?}",
        f.checks[0].reasons
    );
    assert_eq!(hazards(&report), [HazardKind::PrimaryKeyChanged]);
}

#[test]
fn creating_and_dropping_tables_pass_and_are_reported() {
    expect_exit("create_and_drop_tables", [0, 0, 0, 0, 0, 0]);
    let report = run("create_and_drop_tables", L::FullTransitive, false);
    let summary: Vec<(String, Vec<Verdict>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.table.clone(),
                f.checks.iter().map(|c| c.verdict).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "shop.payments".to_string(),
                vec![Verdict::NewSubject, Verdict::NewSubject]
            ),
            ("shop.audit_log".to_string(), vec![])
        ]
    );
}

#[test]
fn a_multi_statement_migration_blames_the_breaking_statement_and_its_line() {
    expect_exit("multi_statement", [1, 1, 0, 0, 1, 1]);
    let report = run("multi_statement", L::Backward, false);
    let verdicts: Vec<(u32, Verdict)> = report
        .findings
        .iter()
        .map(|f| (f.location.line, f.checks[0].verdict))
        .collect();
    assert_eq!(
        verdicts,
        [(2, Verdict::Compatible), (4, Verdict::Incompatible)]
    );
    assert_eq!(report.statements, 4);
}

#[test]
fn migrations_across_files_are_judged_against_the_versions_before_them() {
    // V1 drops the nullable `nickname` (a string), V2 adds it back as an INT: the latest
    // version has no such field, the first one has it as a string.
    expect_exit("several_files", [0, 1, 0, 1, 0, 1]);
    let report = run("several_files", L::BackwardTransitive, false);
    let last = report.findings.last().unwrap();
    assert!(last.location.file.ends_with("V2__nickname_again.sql"));
    assert_eq!(last.checks[0].against_version, Some(1));
}

#[test]
fn an_unparseable_statement_on_a_captured_table_cannot_be_judged() {
    let report = run("unparseable", L::Backward, false);
    assert_eq!(report.exit_code(), 2);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].location.line, 2);
    assert!(
        report.problems[0]
            .message
            .starts_with("cannot parse the statement")
    );
}

#[test]
fn a_table_missing_from_the_current_schema_cannot_be_judged() {
    let report = run("unknown_table", L::Backward, false);
    assert_eq!(report.exit_code(), 2);
    assert_eq!(
        report.problems[0].message,
        "table shop.ghosts is not in the current schema"
    );
}

#[test]
fn statements_on_tables_the_connector_does_not_capture_are_not_judged() {
    let dump_path = dir("schema.sql");
    let dump = MigrationFile::new("schema.sql", std::fs::read_to_string(&dump_path).unwrap());
    let catalog = baseline::from_dump(&dump, Some("shop")).unwrap();
    let connector = sluice_gate::connector_from_file(
        "connector.json",
        r#"{"name": "shop", "config": {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "database.hostname": "db", "database.user": "cdc", "database.server.id": "7",
            "topic.prefix": "inv", "table.include.list": "shop\\.customers,shop\\.orders"}}"#,
    )
    .unwrap();
    let opts = GateOptions {
        connector,
        default_database: Some("shop".into()),
        strict: true,
        exact_types: true,
    };
    let migrations = migration::load(&[dir("excluded_table")]).unwrap();
    let report = judge(catalog, &migrations, &mut Subjects::empty(None), &opts);
    assert_eq!(report.exit_code(), 0, "{report:?}");
    let tables: Vec<&str> = report.findings.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(tables, ["shop.customers"]);
}

/// Judges `case` with a connector config (JSON `config` object members) instead of the defaults.
fn run_with(case: &str, level: L, strict: bool, config: &str, database: Option<&str>) -> Report {
    let dump_path = dir("schema.sql");
    let dump = MigrationFile::new("schema.sql", std::fs::read_to_string(&dump_path).unwrap());
    let catalog = baseline::from_dump(&dump, Some("shop")).unwrap();
    let connector = sluice_gate::connector_from_file(
        "connector.json",
        &format!(
            r#"{{"connector.class": "io.debezium.connector.mysql.MySqlConnector",
                "database.hostname": "db", "database.user": "cdc", "database.server.id": "7",
                "topic.prefix": "inv" {config}}}"#
        ),
    )
    .unwrap();
    let opts = GateOptions {
        connector,
        default_database: database.map(str::to_owned),
        strict,
        exact_types: true,
    };
    let migrations = migration::load(&[dir(case)]).unwrap();
    judge(
        catalog,
        &migrations,
        &mut Subjects::empty(Some(level)),
        &opts,
    )
}

#[test]
fn a_dropped_and_recreated_table_is_judged_against_its_old_subject() {
    expect_exit("recreate_table", [1, 1, 1, 1, 1, 1]);
    let report = run("recreate_table", L::Backward, false);
    let created = report.findings.last().unwrap();
    assert_eq!(created.change, sluice_gate::report::ChangeKind::Created);
    assert_eq!(created.checks[1].verdict, Verdict::Incompatible);
    assert_eq!(
        created.checks[1].reasons[0].column.as_deref(),
        Some("email")
    );
}

#[test]
fn an_online_schema_change_swap_is_judged_at_the_rename() {
    let captured = r#", "table.include.list": "shop\\.customers,shop\\.orders""#;
    let report = run_with(
        "online_schema_change_swap",
        L::Backward,
        true,
        captured,
        Some("shop"),
    );
    assert_eq!(report.exit_code(), 1, "{report:#?}");
    let f = &report.findings[0];
    assert_eq!((f.location.line, f.table.as_str()), (4, "shop.customers"));
    let verdicts: Vec<(&str, Verdict)> = f
        .checks
        .iter()
        .map(|c| (c.subject.as_str(), c.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("inv.shop.customers-key", Verdict::AlreadyRegistered),
            ("inv.shop.customers-value", Verdict::Incompatible)
        ]
    );
    // The copy is not captured: no topic change is reported for the swap.
    assert!(hazards(&report).is_empty(), "{:?}", hazards(&report));
}

#[test]
fn a_rename_that_only_changes_letter_case_is_a_rename_for_consumers() {
    let report = run("rename_case_only", L::Backward, false);
    assert_eq!(hazards(&report), [HazardKind::ColumnRenamed]);
}

#[test]
fn excluded_columns_raise_no_hazards() {
    let excluded = r#", "column.exclude.list": "shop\\.customers\\.status""#;
    let report = run_with(
        "enum_symbol_removed",
        L::Backward,
        true,
        excluded,
        Some("shop"),
    );
    assert_eq!(report.exit_code(), 0, "{report:#?}");
    assert!(
        report.findings.is_empty(),
        "the value schema does not change either"
    );
}

#[test]
fn renaming_and_altering_a_table_in_one_statement_is_one_finding() {
    let report = run("rename_table_and_alter", L::Backward, false);
    let tables: Vec<&str> = report.findings.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(tables, ["shop.purchases"]);
    assert_eq!(hazards(&report), [HazardKind::TopicChanged]);
}

#[test]
fn an_unqualified_name_with_no_database_cannot_be_judged() {
    let report = run_with("unqualified_without_database", L::Backward, false, "", None);
    // The dump's tables are all in `shop`, so that is the default; with two databases there is none.
    assert_eq!(report.exit_code(), 1, "{report:#?}");
    let dump = MigrationFile::new(
        "two.sql",
        "CREATE TABLE a.customers (id INT PRIMARY KEY); CREATE TABLE b.customers (id INT PRIMARY KEY);",
    );
    let catalog = baseline::from_dump(&dump, None).unwrap();
    let opts = GateOptions {
        connector: connector_for_prefix("inv").unwrap(),
        default_database: None,
        strict: false,
        exact_types: true,
    };
    let migrations = migration::load(&[dir("unqualified_without_database")]).unwrap();
    let report = judge(catalog, &migrations, &mut Subjects::empty(None), &opts);
    assert_eq!(report.exit_code(), 2, "{report:#?}");
    assert!(
        report.problems[0]
            .message
            .starts_with("table customers has no database"),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_subject_the_gate_cannot_read_is_a_problem_beside_the_other_findings() {
    let dump_path = dir("schema.sql");
    let dump = MigrationFile::new("schema.sql", std::fs::read_to_string(&dump_path).unwrap());
    let catalog = baseline::from_dump(&dump, Some("shop")).unwrap();
    let export: sluice_proto::export::RegistryExport = serde_json::from_str(
        r#"{"sluiceRegistryExport": 1, "subjects": [{"subject": "inv.shop.customers-value",
            "versions": [{"subject": "inv.shop.customers-value", "version": 1, "id": 1,
                          "schema": "{\"type\": \"record\"}"}]}]}"#,
    )
    .unwrap();
    let opts = GateOptions {
        connector: connector_for_prefix("inv").unwrap(),
        default_database: None,
        strict: false,
        exact_types: true,
    };
    let migrations = migration::load(&[dir("rename_nullable_column")]).unwrap();
    let report = judge(
        catalog,
        &migrations,
        &mut Subjects::new(export, None),
        &opts,
    );
    assert_eq!(report.exit_code(), 2);
    assert!(
        report.problems[0]
            .message
            .starts_with("version 1 of subject inv.shop.customers-value does not parse"),
        "{:?}",
        report.problems
    );
    assert_eq!(hazards(&report), [HazardKind::ColumnRenamed]);
}

#[test]
fn a_registry_ahead_of_the_dump_is_noted_and_judged_against() {
    // The registry has a version with a `vip` column the dump does not know (a stale dump).
    let mut ahead = sluice_capture::schema::Catalog::new();
    ahead
        .apply_sql(
            &std::fs::read_to_string(dir("schema.sql")).unwrap(),
            Some("shop"),
        )
        .unwrap();
    ahead
        .apply_sql(
            "ALTER TABLE customers ADD COLUMN vip BOOLEAN NULL",
            Some("shop"),
        )
        .unwrap();
    let connector = connector_for_prefix("inv").unwrap();
    let table = ahead
        .table(&sluice_capture::schema::TableId::new("shop", "customers"))
        .unwrap();
    let avro = sluice_capture::avro::TableAvro::from_config(table, &connector).unwrap();
    let export: sluice_proto::export::RegistryExport = serde_json::from_value(serde_json::json!({
        "sluiceRegistryExport": 1,
        "subjects": [{"subject": "inv.shop.customers-value", "versions": [
            {"subject": "inv.shop.customers-value", "version": 4, "id": 9,
             "schema": avro.envelope.canonical}]}]
    }))
    .unwrap();
    let dump = MigrationFile::new(
        "schema.sql",
        std::fs::read_to_string(dir("schema.sql")).unwrap(),
    );
    let catalog = baseline::from_dump(&dump, Some("shop")).unwrap();
    let opts = GateOptions {
        connector,
        default_database: None,
        strict: false,
        exact_types: true,
    };
    let migrations = migration::load(&[dir("add_nullable")]).unwrap();
    let report = judge(
        catalog,
        &migrations,
        &mut Subjects::new(export, None),
        &opts,
    );
    let check = &report.findings[0].checks[0];
    assert!(
        check.note.as_deref().is_some_and(
            |n| n.starts_with("the registry's latest version (4) of inv.shop.customers-value")
        ),
        "{check:?}"
    );
    // Judged against the registry's version 4 (dropping `vip`, nullable, is compatible).
    assert_eq!(check.verdict, Verdict::Compatible);
    assert_eq!(report.exit_code(), 0);
    // A dump that matches the registry gets no note.
    let report = run("add_nullable", L::Backward, false);
    assert!(report.findings[0].checks[0].note.is_none());
}
