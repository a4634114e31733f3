//! IaC findings as one JSON document, and the policy documents `phiward iac parse` reads
//! from templates.

use phiward_iac::check::Outcome;
use serde_json::{json, Value};

/// `{"findings": [...], "notes": [...]}`, pretty-printed.
pub fn json(o: &Outcome) -> String {
    let doc = json!({"findings": o.findings, "notes": o.notes, "inputError": o.input_error});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Every policy document of the plans as the account will hold it, with where it is
/// written and what it could not know: `{"documents": [...], "problems": [...]}`.
pub fn documents(plans: &[phiward_iac::Plan]) -> String {
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
    let problems: Vec<&phiward_iac::plan::Problem> =
        plans.iter().flat_map(|p| &p.problems).collect();
    let mut s = serde_json::to_string_pretty(&json!({"documents": docs, "problems": problems}))
        .unwrap_or_default();
    s.push('\n');
    s
}
