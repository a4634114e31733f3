//! IaC findings as text for people, one JSON document for programs, and SARIF 2.1.0 for
//! GitHub code scanning (results at the template's file, line and column).

use serde_json::{json, Value};

use crate::check::Outcome;
use crate::finding::{Finding, Severity};

/// Where rule pages live.
const RULES_URL: &str = "https://github.com/phiward/phiward/blob/main/docs";

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

/// `{"findings": [...], "notes": [...]}`, pretty-printed.
pub fn json(o: &Outcome) -> String {
    let doc = json!({"findings": o.findings, "notes": o.notes, "inputError": o.input_error});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn rules() -> Vec<(String, String, Severity, String, String)> {
    let mut out: Vec<(String, String, Severity, String, String)> = phiward_lint::RULES
        .iter()
        .map(|r| {
            let sev = match r.severity {
                phiward_lint::Severity::Error => Severity::Error,
                phiward_lint::Severity::Warning => Severity::Warning,
                phiward_lint::Severity::Info => Severity::Info,
            };
            (
                r.id.to_string(),
                r.title.to_string(),
                sev,
                r.fix.to_string(),
                format!("{RULES_URL}/rules/{}.md", r.id),
            )
        })
        .collect();
    out.extend(crate::rules::RULES.iter().map(|r| {
        (
            r.id.to_string(),
            r.title.to_string(),
            r.severity,
            r.fix.to_string(),
            format!("{RULES_URL}/iac.md#{}", r.id.to_lowercase()),
        )
    }));
    out
}

/// SARIF 2.1.0: every rule, one result per finding (suppressed ones carry a
/// `suppressions` entry, as code scanning expects).
pub fn sarif(o: &Outcome) -> String {
    let rules = rules();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|(id, title, sev, fix, uri)| {
            json!({
                "id": id,
                "shortDescription": {"text": title},
                "help": {"text": format!("Fix: {fix}")},
                "helpUri": uri,
                "defaultConfiguration": {"level": level(*sev)},
                "properties": {"tags": ["security", "iam", "iac"], "security-severity": match sev {
                    Severity::Error => "8.0", Severity::Warning => "5.0", Severity::Info => "2.0" }},
            })
        })
        .collect();
    let results: Vec<Value> = o.findings.iter().map(|f| result(f, &rules)).collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "phiward",
                "informationUri": "https://github.com/phiward/phiward",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
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
        "level": level(f.severity),
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

/// A relative path as a URI reference (`/` separators, spaces and the like escaped).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Every policy document of the plans as the account will hold it, with where it is
/// written and what it could not know: `{"documents": [...], "problems": [...]}`.
pub fn documents(plans: &[crate::Plan]) -> String {
    let docs: Vec<Value> = plans
        .iter()
        .flat_map(|p| &p.docs)
        .map(|(d, _)| {
            json!({
                "file": d.origin.file,
                "resource": d.origin.resource,
                "path": d.origin.path,
                "line": d.origin.pos.line,
                "column": d.origin.pos.column,
                "place": d.place,
                "kind": d.kind,
                "document": serde_json::from_str::<Value>(&d.text).unwrap_or(Value::Null),
                "dependsOn": d.unknown(),
            })
        })
        .collect();
    let problems: Vec<&crate::plan::Problem> = plans.iter().flat_map(|p| &p.problems).collect();
    let mut s = serde_json::to_string_pretty(&json!({"documents": docs, "problems": problems}))
        .unwrap_or_default();
    s.push('\n');
    s
}

/// The SARIF 2.1.0 `level` of a rule's severity: `error`, `warning` or `note`.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}
