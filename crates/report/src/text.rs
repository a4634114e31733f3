//! The text report: failing and unevaluated findings grouped by practice, then a summary.

use std::fmt::Write as _;

use phiward_findings::{Report, Status};

/// The practices, in the order HIPAA teams prove them.
pub const PRACTICES: [&str; 7] = [
    "1. Roles, not root",
    "2. Least privilege",
    "3. MFA and federation",
    "4. Credential rotation",
    "5. Audit logs",
    "6. Recertification",
    "7. Automation",
];

/// The report as text; with `colour`, severities and statuses are coloured with ANSI
/// escapes (for terminals).
pub fn render(report: &Report, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    };
    let mut o = String::new();
    for (i, name) in PRACTICES.iter().enumerate() {
        let practice = u8::try_from(i + 1).unwrap_or(0);
        let shown: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.practice == practice && f.status != Status::Pass)
            .collect();
        let passed = report
            .findings
            .iter()
            .filter(|f| f.practice == practice && f.status == Status::Pass)
            .count();
        let _ = writeln!(o, "{}", paint("1", name));
        for f in &shown {
            let status = match f.status {
                Status::Fail if f.suppressed.is_some() => paint("36", "SUPPRESSED"),
                Status::Fail => paint("31", "FAIL"),
                Status::Error => paint("35", "ERROR"),
                Status::NotEvaluated => paint("33", "NOT EVALUATED"),
                Status::Pass => paint("32", "pass"),
            };
            let account = f
                .account
                .as_deref()
                .map(|a| format!(" account {a}:"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {status} {} [{}]{account} {}",
                f.check,
                f.severity.as_str(),
                f.message
            );
            for e in &f.evidence {
                let at = match (e.statement, e.line) {
                    (Some(s), Some(l)) => format!(" statement {s} (line {l})"),
                    (Some(s), None) => format!(" statement {s}"),
                    _ => String::new(),
                };
                let _ = writeln!(o, "      {}{at}: {}", e.source, e.detail);
            }
            if let Some(s) = &f.suppressed {
                let _ = writeln!(
                    o,
                    "      accepted by {} until {}: {}",
                    s.owner, s.expires, s.reason
                );
            } else if f.status == Status::Fail {
                let _ = writeln!(o, "      fix: {}", f.remediation);
            }
        }
        let _ = writeln!(o, "  {passed} passed, {} to look at", shown.len());
    }
    let count = |s: Status| report.findings.iter().filter(|f| f.status == s).count();
    let _ = writeln!(
        o,
        "\n{} findings: {} fail, {} pass, {} error, {} not evaluated",
        report.findings.len(),
        count(Status::Fail),
        count(Status::Pass),
        count(Status::Error),
        count(Status::NotEvaluated)
    );
    for s in &report.skipped {
        let _ = writeln!(o, "skipped: {s}");
    }
    o
}
