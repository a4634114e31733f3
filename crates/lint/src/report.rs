//! Rendering findings: text for people, one JSON document for programs, and SARIF 2.1.0
//! for code-scanning services such as GitHub's.

use serde_json::{json, Value};

use crate::{Finding, Rule, Severity, RULES};

/// Where the rule pages live; SARIF `helpUri`s point there.
pub const RULES_URL: &str = "https://github.com/phiward/phiward/blob/main/docs/rules";

/// The findings of one input file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// Its findings, by position.
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// Whether the file could not be read or parsed (`PW000`, `PW001`).
    pub fn input_error(&self) -> bool {
        self.findings.iter().any(|f| {
            f.id == crate::rules::UNREADABLE_FILE.id || f.id == crate::rules::INVALID_POLICY.id
        })
    }
}

/// Whether any file could not be read or parsed.
pub fn input_error(reports: &[FileReport]) -> bool {
    reports.iter().any(FileReport::input_error)
}

/// Whether any finding is at or above `fail_on`.
pub fn fails(reports: &[FileReport], fail_on: Severity) -> bool {
    reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= fail_on)
}

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

/// `{"files": [{"path", "findings": [{"id", "severity", "line", "column", "message",
/// "fix"}]}]}`, pretty-printed.
pub fn json(reports: &[FileReport]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        files: &'a [FileReport],
    }
    // Serializing plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&Doc { files: reports }).unwrap_or_default();
    s.push('\n');
    s
}

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
        "defaultConfiguration": {"level": r.severity.sarif_level()},
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
        "level": f.severity.sarif_level(),
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

    #[test]
    fn summaries() {
        assert_eq!(summary(&[]), "0 files linted: no findings");
        let f = crate::unreadable("cannot read `x`");
        let r = FileReport {
            path: "x".into(),
            findings: vec![f],
        };
        assert_eq!(
            summary(std::slice::from_ref(&r)),
            "1 file linted: 1 error, 0 warnings, 0 info"
        );
        assert!(input_error(std::slice::from_ref(&r)));
        assert!(fails(&[r], Severity::Error));
    }
}
