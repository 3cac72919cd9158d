//! `--format junit`: JUnit XML, one test case per judged subject, hazard and problem, so CI
//! systems show the gate in their test reports.

use super::{Report, Verdict};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

struct Case {
    class: String,
    name: String,
    failure: Option<(String, String)>,
}

/// The report as a JUnit `<testsuites>` document.
pub fn render(report: &Report) -> String {
    let mut cases = Vec::new();
    for f in &report.findings {
        let class = format!("{}:{}", f.location.file, f.location.line);
        for c in &f.checks {
            let failure = (c.verdict == Verdict::Incompatible).then(|| {
                let body = c
                    .reasons
                    .iter()
                    .map(|r| format!("{}\nFix: {}\nRule: {}", r.message, r.fix, r.rule))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                (
                    format!("{} is incompatible under {}", c.subject, c.level),
                    format!("{}\n\n{body}", f.location.statement),
                )
            });
            cases.push(Case {
                class: class.clone(),
                name: format!("{} {} ({})", f.table, c.subject, c.level),
                failure,
            });
        }
        for h in &f.hazards {
            cases.push(Case {
                class: class.clone(),
                name: format!("{} {} hazard", f.table, h.kind.as_str()),
                failure: report
                    .strict
                    .then(|| (h.message.clone(), format!("{}\nFix: {}", h.message, h.fix))),
            });
        }
    }
    for p in &report.problems {
        cases.push(Case {
            class: format!("{}:{}", p.location.file, p.location.line),
            name: "statement can be judged".into(),
            failure: Some((
                p.message.clone(),
                format!("{}\n{}\n{}", p.location.statement, p.message, p.hint),
            )),
        });
    }
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"sluice gate\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"schema compatibility\" tests=\"{}\" failures=\"{failures}\">\n",
        cases.len(),
        cases.len()
    ));
    for c in &cases {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml(&c.class),
            xml(&c.name)
        ));
        match &c.failure {
            None => out.push_str("/>\n"),
            Some((message, body)) => out.push_str(&format!(
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                xml(message),
                xml(body)
            )),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The document of a run that could not judge at all (exit code 2): one failing test case.
pub fn fatal(message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sluice gate\" tests=\"1\" failures=\"1\">\n  <testsuite name=\"schema compatibility\" tests=\"1\" failures=\"1\">\n    <testcase classname=\"sluice gate\" name=\"migrations can be judged\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n  </testsuite>\n</testsuites>\n",
        xml(message),
        xml(message)
    )
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("a<b & 'c'\u{1}"), "a&lt;b &amp; &apos;c&apos;");
    }
}
