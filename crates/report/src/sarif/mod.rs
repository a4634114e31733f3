//! SARIF 2.1.0, the one writer for every command that reports to code-scanning services:
//! the log, phiward as its tool, and what the commands' results share. Audit findings are
//! about AWS resources ([`render`]: logical locations); lint and IaC findings are about
//! files ([`lint()`], [`iac()`]: a file, line and column).

use serde_json::{json, Map, Value};

use phiward_findings::lint::Severity;

mod audit;
mod iac;
mod lint;

pub use audit::render;
pub use iac::iac;
pub use lint::lint;

/// Where the documentation lives; rules' `helpUri`s point into it.
pub const DOCS_URL: &str = "https://github.com/phiward/phiward/blob/main/docs";

/// A log of one run of phiward: the driver's `version` fields, its rules, the results,
/// and what else the run says (its properties, how columns are counted).
fn log(
    version: (&str, &str),
    rules: Vec<Value>,
    results: Vec<Value>,
    run: Vec<(&str, Value)>,
) -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), "phiward".into());
    driver.insert(version.0.into(), version.1.into());
    driver.insert(
        "informationUri".into(),
        "https://github.com/phiward/phiward".into(),
    );
    driver.insert("rules".into(), Value::Array(rules));
    let mut fields = Map::new();
    fields.insert("tool".into(), json!({ "driver": driver }));
    fields.insert("results".into(), Value::Array(results));
    for (k, v) in run {
        fields.insert(k.into(), v);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [fields],
    })
}

/// The log of a run over files (lint, IaC): columns counted in characters, pretty-printed
/// with a final newline.
fn file_log(rules: Vec<Value>, results: Vec<Value>) -> String {
    let log = log(
        ("semanticVersion", env!("CARGO_PKG_VERSION")),
        rules,
        results,
        vec![("columnKind", "unicodeCodePoints".into())],
    );
    // A tree of strings and numbers always serializes.
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// The `level` of a lint or IaC rule's severity: `error`, `warning` or `note`.
fn rule_level(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// GitHub code scanning ranks security results by this score (0.0 to 10.0).
fn rule_security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// A path as a URI reference: `/` separators, no leading `./`, characters outside RFC
/// 3986's unreserved set percent-encoded, absolute paths as `file://` URIs.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let b = path.as_bytes();
    let drive =
        b.len() > 1 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':');
    let (mut out, rest) = if drive {
        (
            format!("file:///{}", path.get(..2).unwrap_or("")),
            path.get(2..).unwrap_or(""),
        )
    } else if path.starts_with('/') {
        ("file://".to_string(), path)
    } else {
        (String::new(), path)
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
        assert_eq!(uri("./policies/a.json"), "policies/a.json");
        assert_eq!(uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(uri("C:\\p\\x.json"), "file:///C:/p/x.json");
        assert_eq!(uri("dir/ümlaut.json"), "dir/%C3%BCmlaut.json");
    }
}
