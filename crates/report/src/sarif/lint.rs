//! Lint findings as SARIF 2.1.0: one run whose tool lists every rule, and one result per
//! finding at its file, line and column.

use phiward_findings::lint::{FileReport, Finding, Severity};
use phiward_lint::{Rule, RULES};
use serde_json::{json, Value};

use super::{file_log, rule_level, rule_security_severity, uri, DOCS_URL};

/// One run whose tool lists every rule, and one result per finding.
pub fn lint(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r)).collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| result(&r.path, f)))
        .collect();
    file_log(rules, results)
}

fn rule(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": one_paragraph(&r.section("What"))},
        "help": {
            "text": format!("{}\n\nFix: {}", one_paragraph(&r.section("Why")), r.fix),
            "markdown": r.doc_markdown(),
        },
        "helpUri": format!("{DOCS_URL}/rules/{}.md", r.id),
        "defaultConfiguration": {"level": rule_level(r.severity)},
        "properties": {
            "tags": ["security", "iam"],
            "precision": "high",
            "problem.severity": match r.severity {
                Severity::Info => "recommendation",
                s => s.as_str(),
            },
            "security-severity": rule_security_severity(r.severity),
        },
    })
}

fn result(path: &str, f: &Finding) -> Value {
    let index = RULES.iter().position(|r| r.id == f.id).unwrap_or(0);
    json!({
        "ruleId": f.id,
        "ruleIndex": index,
        "level": rule_level(f.severity),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(path)},
                "region": {"startLine": f.line, "startColumn": f.column},
            },
        }],
    })
}

/// Markdown text joined into one paragraph (line breaks become spaces).
fn one_paragraph(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
