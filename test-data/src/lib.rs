//! # sluice-test-data: the one way tests find `../shared`
//!
//! The conformance data the tests replay (Confluent's and Debezium's cases, see each folder's README)
//! lives in `../shared` beside the workspace root, outside this repository. Every test that reads it
//! finds it through [`shared`] (or [`shared_dir`]), so the rule is the same everywhere:
//!
//! * present: the path is returned;
//! * absent under CI (`CI` set): the test **fails**: CI always has `../shared`, so its absence is a broken
//!   checkout, never a reason to pass;
//! * absent elsewhere (a user's clone): `None`, after a `SKIPPED:` line on stderr naming what did not run.
//!
//! `SLUICE_SHARED_DIR` points elsewhere. This crate has no dependencies and no I/O beyond `stat`; it is a
//! dev-dependency only and never part of the binary.

use std::path::PathBuf;

/// `../shared` (or `SLUICE_SHARED_DIR`), if it is there.
///
/// # Panics
/// Under CI when it is missing.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SLUICE_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("..").join("shared"),
    };
    if dir.is_dir() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing, and CI must replay the shared conformance data",
        dir.display()
    );
    None
}

/// `<shared>/<relative>` for the test described by `what`, or `None` after saying on stderr that `what`
/// did not run.
///
/// # Panics
/// Under CI when `../shared` or the file or folder within it is missing.
pub fn shared(relative: &str, what: &str) -> Option<PathBuf> {
    let Some(dir) = shared_dir() else {
        eprintln!("SKIPPED: {what}: ../shared is absent (needed: {relative})");
        return None;
    };
    let path = dir.join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing from ../shared, and CI must replay it ({what})",
        path.display()
    );
    eprintln!("SKIPPED: {what}: {} is absent", path.display());
    None
}

/// The workspace root: this crate's parent directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("test-data").is_dir());
    }
}
