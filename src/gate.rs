//! `sluice gate` and `sluice registry export`: arguments into the gate library's options, its
//! report or failure onto standard output, standard error and the exit code.

use crate::cli::{Colour, ExportArgs, GateArgs, GateFormat, RegistryAccess};
use anyhow::{Context, bail};
use sluice_gate::report;
use sluice_gate::{BaselineSource, ConnectorSource, RunOptions};
use sluice_registry_client::HttpRegistryClient;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Runs the gate; every failure to judge is exit code 2 with a message on stderr.
pub(crate) async fn run(args: GateArgs) -> ExitCode {
    match sluice_gate::run(&options(&args)).await {
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
            let message = e.to_string();
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

/// The gate library's options, as the arguments give them.
fn options(args: &GateArgs) -> RunOptions {
    let connector = match (&args.connector, &args.topic_prefix) {
        (Some(path), _) => Some(ConnectorSource::File(path.clone())),
        (None, Some(prefix)) => Some(ConnectorSource::TopicPrefix(prefix.clone())),
        (None, None) => None,
    };
    let baseline = if let Some(url) = &args.from {
        BaselineSource::Database(url.clone())
    } else if let Some(path) = &args.from_dump {
        BaselineSource::Dump(path.clone())
    } else if args.from_registry {
        BaselineSource::Registry
    } else {
        BaselineSource::Empty
    };
    RunOptions {
        migrations: args.migrations.clone(),
        connector,
        baseline,
        registry_urls: args.access.registry.clone(),
        registry_user_info: args.access.registry_user_info.clone(),
        registry_file: args.registry_file.clone(),
        database: args.database.clone(),
        level: args.level,
        strict: args.strict,
    }
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
