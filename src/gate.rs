//! `sluice gate` and `sluice registry export`: wiring of the gate crate to files, the registry
//! over HTTP and the source database.

use crate::cli::{Colour, ExportArgs, GateArgs, GateFormat, RegistryAccess};
use anyhow::{Context, bail};
use sluice_gate::baseline;
use sluice_gate::migration::{self, MigrationFile};
use sluice_gate::report::{self, Report};
use sluice_gate::subjects::Subjects;
use sluice_gate::{GateOptions, judge};
use sluice_proto::export::RegistryExport;
use sluice_registry_client::HttpRegistryClient;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Runs the gate; every failure to judge is exit code 2 with a message on stderr.
pub(crate) async fn run(args: GateArgs) -> ExitCode {
    match gate(&args).await {
        Ok(report) => {
            let colour = match args.color {
                Colour::Always => true,
                Colour::Never => false,
                Colour::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let text = match args.format {
                GateFormat::Text => {
                    report::text::render(&report, report::text::Style { colour }, args.explain)
                }
                GateFormat::Json => report::json::render(&report),
                GateFormat::Junit => report::junit::render(&report),
                GateFormat::Github => report::github::render(&report),
            };
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                eprintln!("error: cannot write the report: {e}");
                return ExitCode::from(2);
            }
            ExitCode::from(u8::try_from(report.exit_code()).unwrap_or(2))
        }
        Err(e) => {
            let message = format!("{e:#}");
            eprintln!("error: {message}");
            // CI formats carry the failure too, where CI looks for it.
            let doc = match args.format {
                GateFormat::Github => Some(report::github::fatal(&message)),
                GateFormat::Junit => Some(report::junit::fatal(&message)),
                GateFormat::Json => Some(report::json::fatal(&message)),
                GateFormat::Text => None,
            };
            if let Some(doc) = doc {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(doc.as_bytes()).and_then(|()| out.flush());
            }
            ExitCode::from(2)
        }
    }
}

fn client(access: &RegistryAccess) -> anyhow::Result<HttpRegistryClient> {
    HttpRegistryClient::new(
        access.registry.clone(),
        access.registry_user_info.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn gate(args: &GateArgs) -> anyhow::Result<Report> {
    let connector = match (&args.connector, &args.topic_prefix) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the connector config {}", path.display()))?;
            sluice_gate::connector_from_file(&path.display().to_string(), &text)?
        }
        (None, Some(prefix)) => sluice_gate::connector_for_prefix(prefix)?,
        (None, None) => bail!(
            "say which subjects to check: --connector config.json (the connector's JSON), or --topic-prefix PREFIX"
        ),
    };
    // The offline file wins over a URL (which may come from SLUICE_REGISTRY_URL in CI).
    let urls: &[String] = if args.registry_file.is_some() {
        &[]
    } else {
        &args.access.registry
    };
    if args.from_registry && urls.is_empty() && args.registry_file.is_none() {
        bail!("--from-registry needs the registry: --registry URL or --registry-file FILE");
    }
    let migrations = migration::load(&args.migrations)?;
    if migrations.is_empty() {
        bail!("no migration files found in the paths given (directories are searched for *.sql)");
    }
    let opts = GateOptions {
        connector,
        default_database: args.database.clone(),
        strict: args.strict,
        exact_types: !args.from_registry,
    };
    let prefix = format!("{}.", opts.connector.topic_prefix);

    // The registry: a file, or the subjects this run needs, fetched over HTTP.
    let mut export = match &args.registry_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the registry file {}", path.display()))?;
            let export = serde_json::from_str::<RegistryExport>(&text).with_context(|| {
                format!(
                    "{} is not a registry export (write one with `sluice registry export`)",
                    path.display()
                )
            })?;
            if export.format != sluice_proto::export::EXPORT_FORMAT {
                bail!(
                    "{} is a registry export of format {}; this sluice reads format {}: export it again with this version",
                    path.display(),
                    export.format,
                    sluice_proto::export::EXPORT_FORMAT
                );
            }
            export
        }
        None => RegistryExport::new(None),
    };
    let remote = if urls.is_empty() {
        None
    } else {
        Some(client(&args.access)?)
    };
    if let (Some(remote), true) = (&remote, args.from_registry) {
        export = remote
            .export(|s| s.starts_with(&prefix))
            .await
            .context("cannot read the registry")?;
    }

    let catalog = if let Some(url) = &args.from {
        baseline::from_database(url, &opts.connector).await?
    } else if let Some(path) = &args.from_dump {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the schema dump {}", path.display()))?;
        let dump = MigrationFile::new(path.display().to_string(), text);
        baseline::from_dump(&dump, args.database.as_deref())?
    } else if args.from_registry {
        baseline::from_registry(
            &Subjects::new(export.clone(), None),
            &opts.connector.topic_prefix,
        )
    } else {
        sluice_capture::schema::Catalog::new()
    };

    if let (Some(remote), false) = (&remote, args.from_registry) {
        // A dry run names the subjects the migrations touch; only those are fetched.
        let dry = judge(
            catalog.clone(),
            &migrations,
            &mut Subjects::empty(args.level),
            &opts,
        );
        let wanted: BTreeSet<&str> = dry
            .findings
            .iter()
            .flat_map(|f| f.checks.iter().map(|c| c.subject.as_str()))
            .collect();
        export.compatibility_level = remote
            .global_level()
            .await
            .context("cannot read the registry's global compatibility level")?;
        for subject in wanted {
            if let Some(s) = remote
                .subject_export(subject)
                .await
                .with_context(|| format!("cannot read subject {subject} from the registry"))?
            {
                export.subjects.push(s);
            }
        }
    }
    let mut subjects = Subjects::new(export, args.level);
    Ok(judge(catalog, &migrations, &mut subjects, &opts))
}

/// `sluice registry export`.
pub(crate) async fn export(args: ExportArgs) -> anyhow::Result<()> {
    if args.access.registry.is_empty() {
        bail!("say which registry to export: --registry URL (or SLUICE_REGISTRY_URL)");
    }
    let remote = client(&args.access)?;
    let prefix = args.subject_prefix.unwrap_or_default();
    let export = remote
        .export(|s| s.starts_with(&prefix))
        .await
        .context("cannot read the registry")?;
    let mut text = serde_json::to_string_pretty(&export)?;
    text.push('\n');
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
