//! `phiward who-can` and `phiward can` as one JSON document each: the answer as the
//! access crate serializes it, with the context keys the question fixed.

use phiward_access::paths::Transitive;
use phiward_access::{Can, KnownContext, WhoCan};

use super::known_json;

/// The answer to `who-can`, pretty-printed, with `"transitive"` when asked.
pub fn who_can(
    answer: &WhoCan,
    known: &KnownContext,
    transitive: Option<&[Transitive]>,
) -> Result<String, serde_json::Error> {
    let mut doc = serde_json::to_value(answer)?;
    known_json(&mut doc, known);
    if let Some(t) = transitive {
        if let Some(map) = doc.as_object_mut() {
            map.insert("transitive".into(), serde_json::to_value(t)?);
        }
    }
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// The answer to `can`, pretty-printed.
pub fn can(answer: &Can, known: &KnownContext) -> Result<String, serde_json::Error> {
    let mut doc = serde_json::to_value(answer)?;
    known_json(&mut doc, known);
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
