//! IaC findings as SARIF 2.1.0 for GitHub code scanning: results at the template's file,
//! line and column.

use phiward_findings::iac::{Finding, Severity};
use phiward_iac::check::Outcome;
use serde_json::{json, Value};

use super::{file_log, rule_level, rule_security_severity, uri, DOCS_URL};

fn rules() -> Vec<(String, String, Severity, String, String)> {
    let mut out: Vec<(String, String, Severity, String, String)> = phiward_lint::RULES
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.title.to_string(),
                r.severity,
                r.fix.to_string(),
                format!("{DOCS_URL}/rules/{}.md", r.id),
            )
        })
        .collect();
    out.extend(phiward_iac::rules::RULES.iter().map(|r| {
        (
            r.id.to_string(),
            r.title.to_string(),
            r.severity,
            r.fix.to_string(),
            format!("{DOCS_URL}/iac.md#{}", r.id.to_lowercase()),
        )
    }));
    out
}

/// SARIF 2.1.0: every rule, one result per finding (suppressed ones carry a
/// `suppressions` entry, as code scanning expects).
pub fn iac(o: &Outcome) -> String {
    let rules = rules();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|(id, title, sev, fix, uri)| {
            json!({
                "id": id,
                "shortDescription": {"text": title},
                "help": {"text": format!("Fix: {fix}")},
                "helpUri": uri,
                "defaultConfiguration": {"level": rule_level(*sev)},
                "properties": {
                    "tags": ["security", "iam", "iac"],
                    "security-severity": rule_security_severity(*sev),
                },
            })
        })
        .collect();
    let results: Vec<Value> = o.findings.iter().map(|f| result(f, &rules)).collect();
    file_log(descriptors, results)
}

fn result(f: &Finding, rules: &[(String, String, Severity, String, String)]) -> Value {
    let mut text = if f.resource.is_empty() {
        f.message.clone()
    } else {
        format!("{}: {}", f.resource, f.message)
    };
    for d in &f.detail {
        text.push_str(&format!("\n{d}"));
    }
    if !f.depends_on.is_empty() {
        text.push_str(&format!(
            "\nDepends on values known only at deployment: {}",
            f.depends_on.join("; ")
        ));
    }
    let mut r = json!({
        "ruleId": f.id,
        "ruleIndex": rules.iter().position(|r| r.0 == f.id).unwrap_or(0),
        "level": rule_level(f.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&f.file)},
            "region": {"startLine": f.line, "startColumn": f.column},
        }}],
    });
    if let (Some(s), Some(obj)) = (&f.suppressed, r.as_object_mut()) {
        obj.insert(
            "suppressions".into(),
            json!([{"kind": "inSource", "justification": s}]),
        );
    }
    r
}
