//! `--format json`: the whole report, with the exit code and a summary.

use super::Report;
use serde_json::json;

/// The report as one JSON document.
pub fn render(report: &Report) -> String {
    let doc = json!({
        "exitCode": report.exit_code(),
        "summary": report.summary(),
        "strict": report.strict,
        "files": report.files,
        "statements": report.statements,
        "findings": report.findings,
        "problems": report.problems,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
}

/// The document of a run that could not judge at all (exit code 2).
pub fn fatal(message: &str) -> String {
    let doc = json!({"exitCode": 2, "error": message});
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
}
