//! The store's schema migrations, embedded at build time and applied at connect.
//!
//! The SQL lives in `registry/migrations/{sqlite,postgres}/NNNN_<name>.sql`; the lists below
//! must name the same files (a unit test checks it). The store's format version is the number
//! of the last migration.

use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// The migrations of each backend, embedded at build time: (version, description, SQL).
/// A unit test checks these lists against the files in `registry/migrations/`.
pub(super) const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../../migrations/sqlite/0001_init.sql"),
)];
pub(super) const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../../migrations/postgres/0001_init.sql"),
)];

/// A schema as stored: its id, the caller's fingerprint and content.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

pub(super) async fn migrator(migrations: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    // Resolving embedded migrations cannot fail.
    Migrator::new(Embedded(migrations))
        .await
        .expect("embedded migrations resolve")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FORMAT_VERSION;
    use std::path::Path;

    fn migration_files(backend: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn embedded_migrations_match_the_migration_files() {
        for (backend, embedded) in [
            ("sqlite", SQLITE_MIGRATIONS),
            ("postgres", POSTGRES_MIGRATIONS),
        ] {
            let expected: Vec<String> = embedded
                .iter()
                .map(|(v, d, _)| format!("{v:04}_{d}.sql"))
                .collect();
            assert_eq!(migration_files(backend), expected, "{backend}");
            assert_eq!(embedded.last().map(|m| m.0), Some(FORMAT_VERSION));
        }
    }
}
