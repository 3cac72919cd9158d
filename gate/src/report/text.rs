//! Human text, coloured when printing to a terminal.

use super::{ChangeKind, Report, Verdict, diff};

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn red(self, s: &str) -> String {
        self.paint("31;1", s)
    }
    fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn yellow(self, s: &str) -> String {
        self.paint("33;1", s)
    }
    fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// The report as text; `explain` adds a diff of the old and new schema of each change.
pub fn render(report: &Report, style: Style, explain: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let change = match f.change {
            ChangeKind::Created => "created",
            ChangeKind::Altered => "altered",
            ChangeKind::Dropped => "dropped",
            ChangeKind::Renamed => "renamed",
        };
        out.push_str(&format!(
            "{}:{}: {} {change}\n    {}\n",
            f.location.file,
            f.location.line,
            f.table,
            style.dim(&f.location.statement)
        ));
        if f.change == ChangeKind::Dropped {
            out.push_str("    no schema change: the topic and its subjects stay; no new events\n");
        }
        for c in &f.checks {
            let verdict = match c.verdict {
                Verdict::Compatible => style.green("compatible"),
                Verdict::NewSubject => style.green("new subject"),
                Verdict::AlreadyRegistered => style.green("already registered"),
                Verdict::Incompatible => style.red("INCOMPATIBLE"),
            };
            let against = c
                .against_version
                .map(|v| format!(" with version {v}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {} [{}]: {verdict}{against}\n",
                c.subject, c.level
            ));
            if let Some(note) = &c.note {
                out.push_str(&format!("      {}\n", style.dim(&format!("note: {note}"))));
            }
            for r in &c.reasons {
                out.push_str(&format!("      {}\n", r.message));
                out.push_str(&format!("      fix: {}\n", r.fix));
                out.push_str(&format!(
                    "      {}\n",
                    style.dim(&format!("rule: {}", r.rule))
                ));
            }
            if explain {
                match &c.old_schema {
                    Some(old) => {
                        for line in diff::lines(old, &c.new_schema) {
                            let l = match line {
                                diff::Line::Same(t) => format!("       {t}"),
                                diff::Line::Removed(t) => style.red(&format!("     - {t}")),
                                diff::Line::Added(t) => style.green(&format!("     + {t}")),
                            };
                            out.push_str(&l);
                            out.push('\n');
                        }
                    }
                    None => {
                        for line in c.new_schema.lines() {
                            out.push_str(&style.green(&format!("     + {line}")));
                            out.push('\n');
                        }
                    }
                }
            }
        }
        for h in &f.hazards {
            let label = if report.strict {
                style.red("error")
            } else {
                style.yellow("warning")
            };
            out.push_str(&format!(
                "    {label}: {}\n      fix: {}\n",
                h.message, h.fix
            ));
        }
    }
    for p in &report.problems {
        out.push_str(&format!(
            "{}:{}: {} {}\n    {}\n    {}\n",
            p.location.file,
            p.location.line,
            style.red("cannot judge:"),
            p.message,
            style.dim(&p.location.statement),
            p.hint
        ));
    }
    let s = report.summary();
    let verdict = match report.exit_code() {
        0 => style.green("PASS"),
        1 => style.red("FAIL"),
        _ => style.red("ERROR"),
    };
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    out.push_str(&format!(
        "{verdict}: {} in {}; {}, {} incompatible, {}{}, {} not judged\n",
        n(report.statements, "statement", "statements"),
        n(report.files, "file", "files"),
        n(s.changes, "schema change", "schema changes"),
        s.incompatible,
        n(s.hazards, "hazard", "hazards"),
        if report.strict {
            " (errors: --strict)"
        } else {
            ""
        },
        s.problems
    ));
    out
}
