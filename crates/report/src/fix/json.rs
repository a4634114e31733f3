//! `phiward fix`'s summary as JSON: every fix, proved or not, with its code.

use phiward_iac::fix::Proved;
use serde_json::json;

/// The summary as JSON.
pub fn json(proved: &[Proved]) -> String {
    let items: Vec<serde_json::Value> = proved
        .iter()
        .map(|p| {
            json!({
                "name": p.fix.name,
                "title": p.fix.title,
                "targets": p.fix.targets.iter().map(|(c, r, m)| json!({"check": c, "resource": r, "message": m})).collect::<Vec<_>>(),
                "proved": p.proof.is_ok(),
                "reason": p.proof.as_ref().err(),
                "cloudformation": p.fix.cloudformation,
                "terraform": p.fix.terraform,
                "cli": p.fix.cli,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({"fixes": items})).unwrap_or_default();
    s.push('\n');
    s
}
