//! Lint findings as text: `path:line:column: severity[ID] message` and the fix.

use phiward_findings::lint::FileReport;
use phiward_findings::lint::Severity;

/// `path:line:column: severity[ID] message`, then `  fix: ...`, for each finding.
pub fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for f in &r.findings {
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n  fix: {}\n",
                r.path, f.line, f.column, f.severity, f.id, f.message, f.fix
            ));
        }
    }
    out
}

/// One line counting files and findings by severity.
pub fn summary(reports: &[FileReport]) -> String {
    let count = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity == s)
            .count()
    };
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let files = plural(reports.len(), "file", "files");
    if e + w + i == 0 {
        return format!("{files} linted: no findings");
    }
    format!(
        "{files} linted: {}, {}, {}",
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(i, "info", "info")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(summary(&[]), "0 files linted: no findings");
        let r = FileReport {
            path: "x".into(),
            findings: vec![phiward_lint::unreadable("cannot read `x`")],
        };
        assert_eq!(
            summary(std::slice::from_ref(&r)),
            "1 file linted: 1 error, 0 warnings, 0 info"
        );
        assert_eq!(
            text(&[r]),
            "x:1:1: error[PW000] cannot read `x`\n  fix: check the path and permissions, and save the policy as UTF-8 JSON\n"
        );
    }
}
