//! Where things are: the workspace root, the built `sluice` binary, the shared test data and the Python venv.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("the sluice-e2e crate lives one level below the workspace root")
        .to_path_buf()
}

/// The `sluice` binary that `cargo build --workspace` produced.
///
/// `SLUICE_BIN` overrides the location. Otherwise it is found next to the running test: test executables live
/// in `<target>/<profile>/deps/`, the binary in `<target>/<profile>/`, so this also follows
/// `CARGO_TARGET_DIR` and `--release`.
///
/// # Panics
///
/// If the binary does not exist, with the command that builds it.
pub fn sluice_binary() -> PathBuf {
    let path = match std::env::var_os("SLUICE_BIN") {
        Some(path) => PathBuf::from(path),
        None => binary_beside_current_exe(),
    };
    assert!(
        path.is_file(),
        "the sluice binary is not at {}: build it first with `cargo build --workspace` \
         (scripts/test.sh does), or point SLUICE_BIN at it",
        path.display()
    );
    path
}

fn binary_beside_current_exe() -> PathBuf {
    let exe = std::env::current_exe().expect("the path of the running test executable");
    let mut dir = exe.parent().expect("the test executable is in a directory");
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir = dir.parent().expect("deps/ is inside the profile directory");
    }
    dir.join(format!("sluice{}", std::env::consts::EXE_SUFFIX))
}

/// The project's shared test data (`../shared`): [`sluice_test_data::shared_dir`], the one rule for every
/// test (present: found; absent under CI: a failure; absent elsewhere: skipped, saying so).
pub use sluice_test_data::{shared, shared_dir};

/// The Python interpreter for the interop tests: `SLUICE_PYTHON`, else `.venv/bin/python` in the workspace
/// root (which `scripts/test.sh` creates), else `None`.
pub fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("SLUICE_PYTHON") {
        return Some(PathBuf::from(python));
    }
    let venv = workspace_root().join(".venv").join("bin").join("python");
    venv.is_file().then_some(venv)
}
