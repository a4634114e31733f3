//! `phiward trail` answers as one JSON document each, pretty-printed.

use phiward_trail::unused::PrincipalUnused;
use phiward_trail::usage::Usage;
use phiward_trail::verify::Report;
use serde_json::json;

use super::PolicyAnswer;

fn pretty(doc: &impl serde::Serialize) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}

/// `trail usage`: the usage as the trail crate serializes it.
pub fn usage(u: &Usage) -> Result<String, serde_json::Error> {
    pretty(u)
}

/// `trail unused`: `{"since", "until", "principals"}`.
pub fn unused(u: &Usage, answer: &[PrincipalUnused]) -> Result<String, serde_json::Error> {
    pretty(&json!({"since": u.since, "until": u.until, "principals": answer}))
}

/// `trail policy`: the policy, the diff, lint findings and notes.
pub fn policy(a: &PolicyAnswer<'_>) -> Result<String, serde_json::Error> {
    let g = a.generated;
    pretty(&json!({
        "principal": a.principal, "since": a.usage.since, "until": a.usage.until,
        "calls": a.of.calls, "policy": g.document, "dependentActions": g.dependent,
        "deniedOnly": g.denied_only, "notes": g.notes, "diff": a.diff, "lint": a.lint,
    }))
}

/// `trail verify`: the report as the trail crate serializes it.
pub fn verify(r: &Report) -> Result<String, serde_json::Error> {
    pretty(r)
}
