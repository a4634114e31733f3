//! The paths as one JSON document: each path with its steps and the permissions behind
//! them, the graph's notes, and the context keys the question fixed.

use phiward_access::{Graph, KnownContext, Path};
use serde_json::json;

/// `{"to", "paths": [{"from", "to", "access", "steps"}], "notes"}`, pretty-printed.
pub fn render(
    g: &Graph,
    paths: &[Path],
    to: &str,
    known: &KnownContext,
) -> Result<String, serde_json::Error> {
    let arn = |i: usize| g.nodes.get(i).map(|n| n.arn.as_str());
    let list: Vec<_> = paths
        .iter()
        .map(|p| {
            json!({
                "from": arn(p.from),
                "to": arn(p.to),
                "access": p.access,
                "steps": p.edges.iter().filter_map(|&k| g.edges.get(k)).map(|e| json!({
                    "from": arn(e.from),
                    "to": arn(e.to),
                    "technique": e.technique,
                    "access": e.access,
                    "assumes": e.assumes(),
                    "permissions": g.steps(e),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut doc = json!({"to": to, "paths": list, "notes": g.notes});
    crate::access::known_json(&mut doc, known);
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
