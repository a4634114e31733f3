//! `phiward who-can` and `phiward can` answers ([`text`], [`json`]), and what every
//! answer about access shares: the conditions and statements behind a grant, and the
//! context keys the question fixed.

use std::io::Write;

use phiward_access::{Condition, KnownContext, Reach, Via};

pub mod json;
pub mod org;
pub mod text;

/// The conditions and granting statements of an answer, one per line, indented.
pub fn evidence_text(
    o: &mut impl Write,
    indent: usize,
    conditions: &[Condition],
    via: &[Via],
) -> std::io::Result<()> {
    let pad = " ".repeat(indent);
    for line in phiward_access::evidence_lines(conditions, via) {
        writeln!(o, "{pad}{line}")?;
    }
    Ok(())
}

/// " (with `aws:SourceIp` = `192.0.2.7`; without `aws:MultiFactorAuthPresent`)" for the
/// keys a question fixes; empty when none.
pub fn known_text(k: &KnownContext) -> String {
    if k.is_empty() {
        return String::new();
    }
    let values: Vec<String> = k
        .values
        .iter()
        .map(|(key, v)| match v {
            phiward_policy::CtxValue::One(s) => format!("`{key}` = `{s}`"),
            phiward_policy::CtxValue::Many(vs) => format!("`{key}` = [`{}`]", vs.join("`, `")),
        })
        .collect();
    let absent: Vec<String> = k.absent.iter().map(|key| format!("`{key}`")).collect();
    let mut parts = Vec::new();
    if !values.is_empty() {
        parts.push(format!("with {}", values.join(", ")));
    }
    if !absent.is_empty() {
        parts.push(format!("without {}", absent.join(", ")));
    }
    format!(" ({})", parts.join("; "))
}

/// The fixed keys in a JSON answer, as `"context"` and `"absent"` (when any).
pub fn known_json(doc: &mut serde_json::Value, k: &KnownContext) {
    let Some(map) = doc.as_object_mut().filter(|_| !k.is_empty()) else {
        return;
    };
    let values: serde_json::Map<String, serde_json::Value> = k
        .values
        .iter()
        .map(|(key, v)| {
            let v = match v {
                phiward_policy::CtxValue::One(s) => serde_json::json!(s),
                phiward_policy::CtxValue::Many(vs) => serde_json::json!(vs),
            };
            (key.clone(), v)
        })
        .collect();
    map.insert("context".into(), values.into());
    map.insert("absent".into(), serde_json::json!(k.absent));
}

/// `allowed` or `conditional`.
pub fn reach(r: Reach) -> &'static str {
    match r {
        Reach::Allowed => "allowed",
        Reach::Conditional => "conditional",
    }
}

/// A value's serde name (`assume_role`, `role_arn`), or `?`.
pub(crate) fn serde_name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
