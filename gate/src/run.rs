//! The gate's one entry point, [`run`]: from the inputs `sluice gate` is given (migration paths,
//! where the current schema comes from, the registry as a URL or an export file, the
//! connector) to the [`Report`], with no process, terminal or exit code involved.
//!
//! The steps: find the connector settings; load the migrations; read the registry (all the
//! connector's subjects with `--from-registry`, else only what the migrations touch: a dry run
//! of the judge names those subjects, and only they are fetched); build the baseline; judge.

use crate::error::GateError;
use crate::judge::{GateOptions, judge};
use crate::migration::{self, MigrationFile};
use crate::report::Report;
use crate::subjects::Subjects;
use crate::{baseline, connector_for_prefix, connector_from_file};
use sluice_capture::config::ConnectorConfig;
use sluice_capture::schema::Catalog;
use sluice_proto::CompatibilityLevel;
use sluice_proto::export::{EXPORT_FORMAT, RegistryExport};
use sluice_registry_client::HttpRegistryClient;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where the connector settings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorSource {
    /// A Kafka Connect registration file (`--connector config.json`).
    File(PathBuf),
    /// Capture's defaults for this `topic.prefix` (`--topic-prefix`).
    TopicPrefix(String),
}

/// Where the table model the migrations start from comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BaselineSource {
    /// No tables: the migrations create what they change.
    #[default]
    Empty,
    /// A live server, `mysql://user:password@host:port` (`--from`).
    Database(String),
    /// A schema dump (`--from-dump`).
    Dump(PathBuf),
    /// The registry's latest schemas for the connector's topics (`--from-registry`).
    Registry,
}

/// Everything one gate run is told; the CLI fills it from its arguments.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Migration files or directories (their `*.sql` files), applied in name order.
    pub migrations: Vec<PathBuf>,
    /// The connector; `None` is a usage error that says what to pass.
    pub connector: Option<ConnectorSource>,
    pub baseline: BaselineSource,
    /// Registry URLs, tried in order; ignored when [`registry_file`](Self::registry_file) is
    /// given.
    pub registry_urls: Vec<String>,
    /// `user:password` for HTTP Basic authentication to the registry.
    pub registry_user_info: Option<String>,
    /// A file written by `sluice registry export`: the registry with no network.
    pub registry_file: Option<PathBuf>,
    /// Database of unqualified table names in migrations and dumps.
    pub database: Option<String>,
    /// Judge every subject under this level instead of the registry's.
    pub level: Option<CompatibilityLevel>,
    /// Changes the registry accepts but consumers do not are errors, not warnings.
    pub strict: bool,
}

/// Runs the gate: the report of every migration, or why it could not judge at all.
pub async fn run(options: &RunOptions) -> Result<Report, GateError> {
    let connector = connector(options.connector.as_ref())?;
    // The offline file wins over a URL (which may come from SLUICE_REGISTRY_URL in CI).
    let urls: &[String] = if options.registry_file.is_some() {
        &[]
    } else {
        &options.registry_urls
    };
    let from_registry = options.baseline == BaselineSource::Registry;
    if from_registry && urls.is_empty() && options.registry_file.is_none() {
        return Err(GateError::Usage(
            "--from-registry needs the registry: --registry URL or --registry-file FILE".to_owned(),
        ));
    }
    let migrations = migration::load(&options.migrations)?;
    if migrations.is_empty() {
        return Err(GateError::Usage(
            "no migration files found in the paths given (directories are searched for *.sql)"
                .to_owned(),
        ));
    }
    let opts = GateOptions {
        connector,
        default_database: options.database.clone(),
        strict: options.strict,
        exact_types: !from_registry,
    };
    let prefix = format!("{}.", opts.connector.topic_prefix);

    // The registry: a file, or the subjects this run needs, fetched over HTTP.
    let mut export = match &options.registry_file {
        Some(path) => read_export(path)?,
        None => RegistryExport::new(None),
    };
    let remote = if urls.is_empty() {
        None
    } else {
        Some(
            HttpRegistryClient::new(urls.to_vec(), options.registry_user_info.as_deref())
                .map_err(GateError::RegistryClient)?,
        )
    };
    if let (Some(remote), true) = (&remote, from_registry) {
        export = remote
            .export(|s| s.starts_with(&prefix))
            .await
            .map_err(registry("the registry"))?;
    }

    let catalog = match &options.baseline {
        BaselineSource::Database(url) => baseline::from_database(url, &opts.connector).await?,
        BaselineSource::Dump(path) => {
            let text = read("schema dump", path)?;
            let dump = MigrationFile::new(path.display().to_string(), text);
            baseline::from_dump(&dump, options.database.as_deref())?
        }
        BaselineSource::Registry => baseline::from_registry(
            &Subjects::new(export.clone(), None),
            &opts.connector.topic_prefix,
        ),
        BaselineSource::Empty => Catalog::new(),
    };

    if let (Some(remote), false) = (&remote, from_registry) {
        fetch_touched(
            remote,
            &catalog,
            &migrations,
            options.level,
            &opts,
            &mut export,
        )
        .await?;
    }
    let mut subjects = Subjects::new(export, options.level);
    Ok(judge(catalog, &migrations, &mut subjects, &opts))
}

/// The connector settings capture would run with.
fn connector(source: Option<&ConnectorSource>) -> Result<ConnectorConfig, GateError> {
    match source {
        Some(ConnectorSource::File(path)) => {
            let text = read("connector config", path)?;
            connector_from_file(&path.display().to_string(), &text)
        }
        Some(ConnectorSource::TopicPrefix(prefix)) => connector_for_prefix(prefix),
        None => Err(GateError::Usage(
            "say which subjects to check: --connector config.json (the connector's JSON), or --topic-prefix PREFIX"
                .to_owned(),
        )),
    }
}

/// A registry export file of the format this build reads.
fn read_export(path: &Path) -> Result<RegistryExport, GateError> {
    let text = read("registry file", path)?;
    let export =
        serde_json::from_str::<RegistryExport>(&text).map_err(|e| GateError::NotAnExport {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    if export.format != EXPORT_FORMAT {
        return Err(GateError::ExportFormat {
            path: path.display().to_string(),
            found: export.format,
            expected: EXPORT_FORMAT,
        });
    }
    Ok(export)
}

/// Adds to `export` the registry's global level and the subjects the migrations touch, as a
/// dry run of the judge (with no registry) names them.
async fn fetch_touched(
    remote: &HttpRegistryClient,
    catalog: &Catalog,
    migrations: &[MigrationFile],
    level: Option<CompatibilityLevel>,
    opts: &GateOptions,
    export: &mut RegistryExport,
) -> Result<(), GateError> {
    let dry = judge(
        catalog.clone(),
        migrations,
        &mut Subjects::empty(level),
        opts,
    );
    let wanted: BTreeSet<&str> = dry
        .findings
        .iter()
        .flat_map(|f| f.checks.iter().map(|c| c.subject.as_str()))
        .collect();
    export.compatibility_level = remote
        .global_level()
        .await
        .map_err(registry("the registry's global compatibility level"))?;
    for subject in wanted {
        let found = remote
            .subject_export(subject)
            .await
            .map_err(registry(&format!("subject {subject} from the registry")))?;
        export.subjects.extend(found);
    }
    Ok(())
}

fn read(what: &'static str, path: &Path) -> Result<String, GateError> {
    std::fs::read_to_string(path).map_err(|e| GateError::ReadInput {
        what,
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn registry(what: &str) -> impl FnOnce(sluice_proto::RegistryError) -> GateError + '_ {
    move |reason| GateError::Registry {
        what: what.to_owned(),
        reason,
    }
}
