//! IaC findings as text: `file:line:column: severity[ID] resource: message`, the details,
//! what the finding depends on, and the fix or why it is accepted.

use phiward_findings::lint::Severity;
use phiward_iac::check::Outcome;

/// `file:line:column: severity[ID] resource: message`, details, placeholders, fix.
pub fn text(o: &Outcome) -> String {
    let mut out = String::new();
    for f in &o.findings {
        let res = if f.resource.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.resource)
        };
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {res}{}\n",
            f.file,
            f.line,
            f.column,
            f.severity.as_str(),
            f.id,
            f.message
        ));
        for d in &f.detail {
            out.push_str(&format!("  {d}\n"));
        }
        if !f.depends_on.is_empty() {
            out.push_str(&format!(
                "  depends on values known only at deployment: {}\n",
                f.depends_on.join("; ")
            ));
        }
        match &f.suppressed {
            Some(s) => out.push_str(&format!("  suppressed: {s}\n")),
            None => out.push_str(&format!("  fix: {}\n", f.fix)),
        }
    }
    for n in &o.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

/// One line counting findings.
pub fn summary(o: &Outcome, files: usize) -> String {
    let open = |s: Severity| {
        o.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == s)
            .count()
    };
    let suppressed = o.findings.iter().filter(|f| f.suppressed.is_some()).count();
    format!(
        "{files} file(s) checked: {} error(s), {} warning(s), {} info, {suppressed} suppressed",
        open(Severity::Error),
        open(Severity::Warning),
        open(Severity::Info)
    )
}
