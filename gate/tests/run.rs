//! The gate's entry point, [`sluice_gate::run`], driven in process as `sluice gate` drives it:
//! the fixture migrations in `tests/migrations/`, the schema dump as the baseline, the registry
//! as an export file (or an address where nothing listens), and every way it cannot judge.

use sluice_gate::report::Report;
use sluice_gate::{BaselineSource, ConnectorSource, GateError, RunOptions, run};
use sluice_proto::CompatibilityLevel;
use sluice_proto::export::RegistryExport;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/migrations")
        .join(name)
}

/// The options of `sluice gate --topic-prefix inv --from-dump schema.sql --database shop <case>`.
fn options(case: &str) -> RunOptions {
    RunOptions {
        migrations: vec![fixture(case)],
        connector: Some(ConnectorSource::TopicPrefix("inv".into())),
        baseline: BaselineSource::Dump(fixture("schema.sql")),
        database: Some("shop".into()),
        ..RunOptions::default()
    }
}

/// A registry export file with only a global level.
fn export_file(dir: &Path, level: CompatibilityLevel) -> PathBuf {
    let export = RegistryExport::new(Some(level));
    registry_file(dir, &serde_json::to_string(&export).unwrap())
}

async fn report(options: &RunOptions) -> Report {
    run(options).await.expect("the gate judges")
}

/// Runs `options`, which cannot judge: the error and its message.
async fn failure(options: &RunOptions) -> (GateError, String) {
    let err = run(options).await.expect_err("the gate cannot judge");
    let message = err.to_string();
    (err, message)
}

/// The failure of a run whose registry file holds `text`.
async fn registry_file_failure(text: &str) -> (GateError, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options("add_nullable");
    opts.registry_file = Some(registry_file(dir.path(), text));
    failure(&opts).await
}

/// A registry file holding `text`.
fn registry_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("registry.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn an_incompatible_migration_fails_under_the_registry_files_level() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options("add_not_null_without_default");
    opts.registry_file = Some(export_file(dir.path(), CompatibilityLevel::Backward));
    assert_eq!(report(&opts).await.exit_code(), 1);

    opts.registry_file = Some(export_file(dir.path(), CompatibilityLevel::None));
    assert_eq!(report(&opts).await.exit_code(), 0);
}

#[tokio::test]
async fn a_compatible_migration_passes() {
    let mut opts = options("add_nullable");
    opts.level = Some(CompatibilityLevel::FullTransitive);
    let report = report(&opts).await;
    assert_eq!(report.exit_code(), 0);
    assert!(!report.findings.is_empty());
}

#[tokio::test]
async fn the_level_override_wins_over_the_registry_files_level() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options("add_not_null_without_default");
    opts.registry_file = Some(export_file(dir.path(), CompatibilityLevel::None));
    opts.level = Some(CompatibilityLevel::Backward);
    assert_eq!(report(&opts).await.exit_code(), 1);
}

#[tokio::test]
async fn the_registry_file_wins_over_a_registry_url() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options("add_nullable");
    opts.registry_file = Some(export_file(dir.path(), CompatibilityLevel::Backward));
    // Nothing listens here: were the URL used, the run would fail.
    opts.registry_urls = vec!["http://127.0.0.1:9".into()];
    assert_eq!(report(&opts).await.exit_code(), 0);
}

#[tokio::test]
async fn an_unreachable_registry_cannot_judge_and_says_what_it_could_not_read() {
    let mut opts = options("add_nullable");
    opts.registry_urls = vec!["http://127.0.0.1:9".into()];
    let (err, message) = failure(&opts).await;
    match &err {
        GateError::Registry { reason, .. } => assert_eq!(reason.status(), 503),
        other => panic!("expected a registry error, got {other:?}"),
    }
    assert!(
        message.starts_with("cannot read the registry's global compatibility level: "),
        "{message}"
    );
}

#[tokio::test]
async fn without_a_connector_or_topic_prefix_it_asks_for_one() {
    let mut opts = options("add_nullable");
    opts.connector = None;
    let (err, message) = failure(&opts).await;
    assert!(matches!(err, GateError::Usage(_)), "{err:?}");
    assert!(message.contains("--connector config.json"), "{message}");
}

#[tokio::test]
async fn from_registry_needs_a_registry() {
    let mut opts = options("add_nullable");
    opts.baseline = BaselineSource::Registry;
    let (_, message) = failure(&opts).await;
    assert!(
        message.starts_with("--from-registry needs the registry"),
        "{message}"
    );
}

#[tokio::test]
async fn a_path_without_migrations_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options("add_nullable");
    opts.migrations = vec![dir.path().to_path_buf()];
    let (_, message) = failure(&opts).await;
    assert!(message.starts_with("no migration files found"), "{message}");
}

#[tokio::test]
async fn a_registry_file_of_another_format_is_refused_with_what_to_do() {
    let (err, message) = registry_file_failure(r#"{"sluiceRegistryExport": 99}"#).await;
    let refused = matches!(
        err,
        GateError::ExportFormat {
            found: 99,
            expected: 1,
            ..
        }
    );
    assert!(refused, "{err:?}");
    assert!(
        message.ends_with("export it again with this version"),
        "{message}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_an_export_is_refused() {
    let (_, message) = registry_file_failure("[1, 2]").await;
    let hint = "is not a registry export (write one with `sluice registry export`)";
    assert!(message.contains(hint), "{message}");
}

#[tokio::test]
async fn a_missing_dump_names_the_file() {
    let mut opts = options("add_nullable");
    opts.baseline = BaselineSource::Dump("/nonexistent/schema.sql".into());
    let (_, message) = failure(&opts).await;
    let expected = "cannot read the schema dump /nonexistent/schema.sql: ";
    assert!(message.starts_with(expected), "{message}");
}
