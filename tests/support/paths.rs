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

/// The project's shared test data (`../shared` beside the workspace root), if it is there.
///
/// `SLUICE_SHARED_DIR` overrides the location. Tests that replay shared data skip, saying so, when this is
/// `None` — which it never is under CI.
///
/// # Panics
/// Under CI (`CI` set) when the directory is missing: CI always has `../shared`, so its absence is a
/// broken checkout, not a reason to skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SLUICE_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("..").join("shared"),
    };
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing, and CI must replay the shared conformance data",
            dir.display()
        );
        return None;
    }
    Some(dir.canonicalize().unwrap_or(dir))
}

/// The Python interpreter for the interop tests: `SLUICE_PYTHON`, else `.venv/bin/python` in the workspace
/// root (which `scripts/test.sh` creates), else `None`.
pub fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("SLUICE_PYTHON") {
        return Some(PathBuf::from(python));
    }
    let venv = workspace_root().join(".venv").join("bin").join("python");
    venv.is_file().then_some(venv)
}
