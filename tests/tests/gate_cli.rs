//! `sluice gate` as CI runs it: the real binary against a running Sluice registry (over HTTP),
//! the same registry exported to a file, every report format, and the exit codes.

use serde_json::{Value, json};
use sluice_capture::avro::TableAvro;
use sluice_capture::schema::{Catalog, TableId};
use sluice_e2e::SluiceServer;
use sluice_e2e::gate::sluice;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    sluice_e2e::paths::workspace_root().join("gate/tests/migrations")
}

/// A registry holding the schemas capture registers for the fixture dump (prefix `inv`).
fn registry_with_baseline() -> SluiceServer {
    let mut server = SluiceServer::start(&[]);
    let dump = std::fs::read_to_string(fixtures().join("schema.sql")).unwrap();
    let mut catalog = Catalog::new();
    catalog.apply_sql(&dump, Some("shop")).unwrap();
    let connector = sluice_gate::connector_for_prefix("inv").unwrap();
    for table in ["customers", "orders"] {
        let t = catalog.table(&TableId::new("shop", table)).unwrap();
        let avro = TableAvro::from_config(t, &connector).unwrap();
        let key = avro.key.as_ref().unwrap();
        for (subject, schema) in [
            (avro.key_subject(), &key.canonical),
            (avro.value_subject(), &avro.envelope.canonical),
        ] {
            let (status, body) = server.request(
                "POST",
                &format!("/subjects/{subject}/versions"),
                Some(&json!({ "schema": schema })),
            );
            assert_eq!(status, 200, "{body}");
        }
    }
    server
}

fn gate(dir: &Path, registry: &[&str], case: &str, extra: &[&str]) -> sluice_e2e::gate::Run {
    let dump = fixtures().join("schema.sql");
    let migrations = fixtures().join(case);
    let mut args = vec![
        "gate",
        "--from-dump",
        dump.to_str().unwrap(),
        "--database",
        "shop",
        "--topic-prefix",
        "inv",
    ];
    args.extend_from_slice(registry);
    args.push(migrations.to_str().unwrap());
    args.extend_from_slice(extra);
    sluice(dir, &args)
}

#[test]
fn judges_under_the_subject_level_from_a_live_registry_and_from_its_export() {
    let mut server = registry_with_baseline();
    let url = server.base_url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let live = ["--registry", url.as_str()];

    // BACKWARD (the default): a NOT NULL column without default is refused.
    let run = gate(dir.path(), &live, "add_not_null_without_default", &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("inv.shop.customers-value [BACKWARD]: INCOMPATIBLE with version 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("fix: Add DEFAULT '' or make the column NULL."),
        "{}",
        run.stdout
    );

    // The subject's own level decides: FORWARD accepts it.
    let (status, _) = server.request(
        "PUT",
        "/config/inv.shop.customers-value",
        Some(&json!({"compatibility": "FORWARD"})),
    );
    assert_eq!(status, 200);
    let run = gate(dir.path(), &live, "add_not_null_without_default", &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("[FORWARD]: compatible"),
        "{}",
        run.stdout
    );
    // --level overrides it.
    let run = gate(
        dir.path(),
        &live,
        "add_not_null_without_default",
        &["--level", "full"],
    );
    assert_eq!(run.code, 1, "{run:?}");

    // A level set on a subject before its first version counts (Confluent keeps it).
    let (status, _) = server.request(
        "PUT",
        "/config/inv.shop.payments-value",
        Some(&json!({"compatibility": "FULL"})),
    );
    assert_eq!(status, 200);
    let run = gate(dir.path(), &live, "create_then_drop_column", &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("inv.shop.payments-value [FULL]: INCOMPATIBLE"),
        "{}",
        run.stdout
    );

    // The export gives the same verdicts with no network.
    let export = dir.path().join("registry.json");
    let run = sluice(
        dir.path(),
        &[
            "registry",
            "export",
            "--registry",
            &url,
            "-o",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert_eq!(exported["sluiceRegistryExport"], 1);
    assert_eq!(exported["subjects"].as_array().unwrap().len(), 4);
    // (GET /subjects lists subjects with versions only, so the export cannot see payments'
    // level; the live run above can.)
    let offline = ["--registry-file", export.to_str().unwrap()];
    // The file wins over a registry URL CI sets in the environment.
    let dump = fixtures().join("schema.sql");
    let out = std::process::Command::new(sluice_e2e::paths::sluice_binary())
        .args([
            "gate",
            "--from-dump",
            dump.to_str().unwrap(),
            "--database",
            "shop",
        ])
        .args(["--topic-prefix", "inv", offline[0], offline[1]])
        .arg(fixtures().join("add_nullable"))
        .env("SLUICE_REGISTRY_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    for case in [
        "add_not_null_without_default",
        "drop_required_column",
        "primary_key_change",
    ] {
        let a = gate(dir.path(), &live, case, &["--format", "json"]);
        let b = gate(dir.path(), &offline, case, &["--format", "json"]);
        assert_eq!(a.code, b.code, "{case}");
        assert_eq!(a.stdout, b.stdout, "{case}");
    }
    drop(server);
}

#[test]
fn rebuilds_the_current_schema_from_the_registry() {
    let server = registry_with_baseline();
    let dir = tempfile::tempdir().unwrap();
    let from_registry = |case: &str| {
        let migrations = fixtures().join(case);
        sluice(
            dir.path(),
            &[
                "gate",
                "--from-registry",
                "--registry",
                server.base_url(),
                "--topic-prefix",
                "inv",
                "--database",
                "shop",
                migrations.to_str().unwrap(),
            ],
        )
    };
    let run = from_registry("add_not_null_without_default");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("ADD COLUMN phone VARCHAR(20) NOT NULL without DEFAULT"),
        "{}",
        run.stdout
    );
    // Widths are unknown in a rebuilt model: no narrowing warning is guessed.
    let run = from_registry("narrow_integer_hidden");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("narrows"), "{}", run.stdout);
    // What the registry does tell (ENUM symbols) still warns.
    let run = from_registry("enum_symbol_removed");
    assert!(
        run.stdout.contains("loses the values 'gone'"),
        "{}",
        run.stdout
    );
}

#[test]
fn renders_json_junit_github_and_explained_text() {
    let dir = tempfile::tempdir().unwrap();
    let case = "add_not_null_without_default";

    let json_run = gate(dir.path(), &[], case, &["--format", "json"]);
    assert_eq!(json_run.code, 1);
    let doc: Value = serde_json::from_str(&json_run.stdout).unwrap();
    assert_eq!(doc["exitCode"], 1);
    assert_eq!(doc["summary"]["incompatible"], 1);
    let check = &doc["findings"][0]["checks"][0];
    assert_eq!(check["subject"], "inv.shop.customers-value");
    assert_eq!(check["level"], "BACKWARD");
    assert_eq!(check["verdict"], "incompatible");
    assert_eq!(check["reasons"][0]["column"], "phone");

    let junit = gate(dir.path(), &[], case, &["--format", "junit"]).stdout;
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(junit.contains("tests=\"1\" failures=\"1\""), "{junit}");
    assert!(
        junit.contains(
            "<failure message=\"inv.shop.customers-value is incompatible under BACKWARD\">"
        ),
        "{junit}"
    );

    let github = gate(dir.path(), &[], case, &["--format", "github"]).stdout;
    let first = github.lines().next().unwrap();
    assert!(first.starts_with("::error file="), "{github}");
    assert!(first.contains("V1__phone.sql,line=1,title=inv.shop.customers-value incompatible (BACKWARD)::ADD COLUMN phone"), "{github}");

    let explained = gate(dir.path(), &[], case, &["--explain"]).stdout;
    assert!(
        explained.contains("+               \"name\": \"phone\","),
        "{explained}"
    );
}

#[test]
fn cannot_judge_is_exit_code_two_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = fixtures().join("add_nullable");
    let m = migrations.to_str().unwrap();

    let run = sluice(dir.path(), &["gate", m]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--connector config.json"),
        "{}",
        run.stderr
    );

    let run = gate(
        dir.path(),
        &["--registry", "http://127.0.0.1:9"],
        "add_nullable",
        &[],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot read the registry's global compatibility level"),
        "{}",
        run.stderr
    );

    // CI formats carry a fatal error too, not only stderr.
    let run = gate(
        dir.path(),
        &["--registry", "http://127.0.0.1:9"],
        "add_nullable",
        &["--format", "github"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .starts_with("::error title=sluice gate cannot judge::cannot read the registry"),
        "{}",
        run.stdout
    );
    let run = gate(
        dir.path(),
        &["--registry", "http://127.0.0.1:9"],
        "add_nullable",
        &["--format", "junit"],
    );
    assert!(
        run.stdout
            .contains("<failure message=\"cannot read the registry"),
        "{}",
        run.stdout
    );

    let run = gate(dir.path(), &[], "add_nullable", &["--level", "SIDEWAYS"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("unknown compatibility level \"SIDEWAYS\""),
        "{}",
        run.stderr
    );

    let run = gate(dir.path(), &[], "unparseable", &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout
            .contains("V1__broken.sql:2: cannot judge: cannot parse the statement"),
        "{}",
        run.stdout
    );

    let run = sluice(
        dir.path(),
        &["gate", "--topic-prefix", "inv", "/nonexistent/V1__x.sql"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read /nonexistent/V1__x.sql"),
        "{}",
        run.stderr
    );
}
