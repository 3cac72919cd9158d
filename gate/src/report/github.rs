//! `--format github`: GitHub Actions workflow commands, so each problem is annotated on the
//! migration's line in the pull request (`::error file=…,line=…,title=…::message`).

use super::Report;

/// Escapes a message (`%`, CR, LF) as the workflow command syntax requires.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per incompatibility, hazard and problem, then a notice with the summary.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut line = |level: &str, file: &str, at: u32, title: &str, message: &str| {
        out.push_str(&format!(
            "::{level} file={},line={at},title={}::{}\n",
            property(file),
            property(title),
            data(message)
        ));
    };
    for f in &report.findings {
        for c in &f.checks {
            if let Some(note) = &c.note {
                line(
                    "notice",
                    &f.location.file,
                    f.location.line,
                    &c.subject,
                    note,
                );
            }
            for r in &c.reasons {
                line(
                    "error",
                    &f.location.file,
                    f.location.line,
                    &format!("{} incompatible ({})", c.subject, c.level),
                    &format!("{}. {}", r.message, r.fix),
                );
            }
        }
        for h in &f.hazards {
            let level = if report.strict { "error" } else { "warning" };
            line(
                level,
                &f.location.file,
                f.location.line,
                &format!("{}: consumers may break", f.table),
                &format!("{}. {}", h.message, h.fix),
            );
        }
    }
    for p in &report.problems {
        line(
            "error",
            &p.location.file,
            p.location.line,
            "sluice gate cannot judge this statement",
            &format!("{}. {}", p.message, p.hint),
        );
    }
    let s = report.summary();
    out.push_str(&format!(
        "::notice title=sluice gate::{} schema changes, {} incompatible, {} hazards, {} not judged\n",
        s.changes, s.incompatible, s.hazards, s.problems
    ));
    out
}

/// The annotation of a run that could not judge at all (exit code 2).
pub fn fatal(message: &str) -> String {
    format!(
        "::error title=sluice gate cannot judge::{}\n",
        data(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(data("50%\nx"), "50%25%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
