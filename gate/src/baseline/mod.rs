//! The table model the migrations start from: a schema dump, a live database, or the schemas
//! already in the registry.

use crate::error::GateError;
use crate::migration::MigrationFile;
use sluice_capture::config::ConnectorConfig;
use sluice_capture::ddl;
use sluice_capture::schema::Catalog;

mod from_registry;

pub use from_registry::from_registry;

/// The model a schema dump (`mysqldump --no-data`, or any file of CREATE statements) describes.
/// Unqualified names belong to `database`. Statements the model does not need (SET, LOCK
/// TABLES, INSERT, views, routines) are skipped; one that does not parse is an error with its
/// line.
pub fn from_dump(dump: &MigrationFile, database: Option<&str>) -> Result<Catalog, GateError> {
    let mut catalog = Catalog::new();
    let mut db = database.map(str::to_owned);
    for s in dump.statements() {
        let fail = |reason: String| GateError::Dump {
            path: dump.path.clone(),
            line: s.line,
            reason,
        };
        let parsed = ddl::parse(s.text, db.as_deref()).map_err(|e| fail(e.to_string()))?;
        for stmt in &parsed {
            if let ddl::DdlStatement::Use(name) = stmt {
                db = Some(name.clone());
            }
            catalog
                .apply(stmt, db.as_deref())
                .map_err(|e| fail(e.to_string()))?;
        }
    }
    if let Some(t) = catalog.tables().find(|t| t.id.database.is_empty()) {
        return Err(GateError::Dump {
            path: dump.path.clone(),
            line: 1,
            reason: format!(
                "table {} has no database: the dump names none (no USE, no qualified names); pass --database",
                t.id.table
            ),
        });
    }
    Ok(catalog)
}

/// The model of the tables `connector` captures, read from the server at `url`
/// (`mysql://user:password@host:port`) with `SHOW CREATE TABLE`, as capture's snapshot reads it.
pub async fn from_database(url: &str, connector: &ConnectorConfig) -> Result<Catalog, GateError> {
    sluice_capture::snapshot::read_current_catalog(url, connector)
        .await
        .map_err(|e| GateError::Database(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_capture::schema::TableId;

    #[test]
    fn a_mysqldump_builds_the_model_and_skips_the_rest() {
        let dump = MigrationFile::new(
            "schema.sql",
            "/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `orders`;\n\
             CREATE TABLE `orders` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `qty` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\
             LOCK TABLES `orders` WRITE;\nUNLOCK TABLES;\n",
        );
        let catalog = from_dump(&dump, Some("shop")).unwrap();
        let t = catalog.table(&TableId::new("shop", "orders")).unwrap();
        assert_eq!(t.primary_key, ["id"]);
        assert_eq!(t.columns.len(), 2);
    }

    #[test]
    fn a_dump_without_a_database_needs_one_named() {
        let dump = MigrationFile::new("schema.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        let err = from_dump(&dump, None).unwrap_err().to_string();
        assert!(err.contains("pass --database"), "{err}");
        assert!(from_dump(&dump, Some("shop")).is_ok());
    }

    #[test]
    fn a_dump_statement_that_does_not_parse_names_file_and_line() {
        let dump = MigrationFile::new(
            "schema.sql",
            "CREATE TABLE a (id INT);\n\nCREATE TABLE b (id INT,,);\n",
        );
        let err = from_dump(&dump, Some("shop")).unwrap_err().to_string();
        assert!(err.starts_with("schema.sql:3:"), "{err}");
    }
}
