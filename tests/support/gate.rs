//! Running `sluice gate` (and other one-shot commands) and collecting what they said.

use crate::paths::sluice_binary;
use std::process::Command;

/// Exit code, stdout and stderr of one `sluice` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `sluice ARGS…` in `dir` to completion.
///
/// # Panics
///
/// If the binary cannot be started or is killed by a signal.
pub fn sluice(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::new(sluice_binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SLUICE_LOG", "warn")
        .output()
        .expect("the sluice binary runs");
    Run {
        code: out.status.code().expect("sluice exits with a code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
