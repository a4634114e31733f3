//! Audit findings as SARIF 2.1.0. They are about AWS resources, not files: each result's
//! location is a logical location (the resource ARN), and evidence statements become
//! related logical locations. Suppressed findings carry a SARIF `suppressions` entry with
//! the justification.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use phiward_findings::{Report, Severity, Status};

use super::log;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The report as a SARIF 2.1.0 log: one rule per check seen, one result per failing
/// finding.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.check).or_insert_with(|| {
            json!({
                "id": f.check,
                "name": f.title,
                "shortDescription": {"text": f.title},
                "help": {"text": f.remediation},
                "defaultConfiguration": {"level": level(f.severity)},
                "properties": {
                    "tags": f.hipaa,
                    "practice": f.practice,
                    "security-severity": match f.severity {
                        Severity::Critical => "9.5",
                        Severity::High => "8.0",
                        Severity::Medium => "5.5",
                        Severity::Low => "3.0",
                        Severity::Info => "0.0",
                    },
                },
            })
        });
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| {
            let related: Vec<Value> = f
                .evidence
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let at = match (e.statement, e.line) {
                        (Some(s), Some(l)) => format!(" statement {s} (line {l})"),
                        _ => String::new(),
                    };
                    json!({
                        "id": i,
                        "message": {"text": format!("{}{at}: {}", e.source, e.detail)},
                        "logicalLocations": [{"fullyQualifiedName": e.source, "kind": "policy"}],
                    })
                })
                .collect();
            let mut r = json!({
                "ruleId": f.check,
                "ruleIndex": index.get(f.check).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]}],
                "relatedLocations": related,
                "partialFingerprints": {"phiward/v1": format!("{}|{}", f.check, f.resource)},
            });
            if let (Some(a), Some(map)) = (&f.account, r.as_object_mut()) {
                map.insert("properties".into(), json!({"account": a}));
            }
            if let (Some(s), Some(map)) = (&f.suppressed, r.as_object_mut()) {
                map.insert(
                    "suppressions".into(),
                    json!([{"kind": "external", "status": "accepted",
                            "justification": format!("{} ({}, until {})", s.reason, s.owner, s.expires)}]),
                );
            }
            r
        })
        .collect();
    let log = log(
        ("version", report.tool.trim_start_matches("phiward ")),
        rules.into_values().collect(),
        results,
        vec![(
            "properties",
            json!({"account": report.account, "as_of": report.as_of, "skipped": report.skipped}),
        )],
    );
    serde_json::to_string_pretty(&log)
}
