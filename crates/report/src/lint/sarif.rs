//! Lint findings as SARIF 2.1.0: one run whose tool lists every rule, and one result per
//! finding at its file, line and column.

use phiward_findings::lint::FileReport;
use phiward_findings::lint::{Finding, Severity};
use phiward_lint::{Rule, RULES};
use serde_json::{json, Value};

/// Where the rule pages live; SARIF `helpUri`s point there.
pub const RULES_URL: &str = "https://github.com/phiward/phiward/blob/main/docs/rules";

/// SARIF 2.1.0: one run whose tool lists every rule, and one result per finding.
pub fn sarif(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| sarif_rule(r)).collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| sarif_result(&r.path, f)))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "phiward",
                "informationUri": "https://github.com/phiward/phiward",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub code scanning ranks security results by this score (0.0 to 10.0).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn sarif_rule(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": one_paragraph(&r.section("What"))},
        "help": {
            "text": format!("{}\n\nFix: {}", one_paragraph(&r.section("Why")), r.fix),
            "markdown": r.doc_markdown(),
        },
        "helpUri": format!("{RULES_URL}/{}.md", r.id),
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "tags": ["security", "iam"],
            "precision": "high",
            "problem.severity": match r.severity {
                Severity::Info => "recommendation",
                s => s.as_str(),
            },
            "security-severity": security_severity(r.severity),
        },
    })
}

fn sarif_result(path: &str, f: &Finding) -> Value {
    let index = RULES.iter().position(|r| r.id == f.id).unwrap_or(0);
    json!({
        "ruleId": f.id,
        "ruleIndex": index,
        "level": level(f.severity),
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

/// A path as a URI reference: `/` separators, characters outside RFC 3986's unreserved
/// set percent-encoded, absolute paths as `file://` URIs.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let b = path.as_bytes();
    let drive =
        b.len() > 1 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':');
    let (mut out, rest) = if drive {
        (
            format!("file:///{}", path.get(..2).unwrap_or("")),
            path.get(2..).unwrap_or(""),
        )
    } else if path.starts_with('/') {
        ("file://".to_string(), path.as_str())
    } else {
        (String::new(), path.as_str())
    };
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF 2.1.0 `level` of a rule's severity: `error`, `warning` or `note`.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("policies/a b.json"), "policies/a%20b.json");
        assert_eq!(uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(uri("C:\\p\\x.json"), "file:///C:/p/x.json");
        assert_eq!(uri("dir/ümlaut.json"), "dir/%C3%BCmlaut.json");
    }
}
