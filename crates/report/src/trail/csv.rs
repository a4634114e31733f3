//! `phiward trail` answers as CSV: one row per principal and action (or per integrity
//! problem), RFC 4180 quoting, `\n` line ends.

use std::io::Write;

use phiward_trail::unused::PrincipalUnused;
use phiward_trail::usage::Usage;
use phiward_trail::verify::Report;

/// Quotes a CSV field when it needs it (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes one CSV row, each field quoted when it needs it; `trail who-accessed` on a lake
/// uses it too.
pub fn row(o: &mut impl Write, fields: &[&str]) -> std::io::Result<()> {
    let row: Vec<String> = fields.iter().map(|f| field(f)).collect();
    writeln!(o, "{}", row.join(","))
}

/// `trail usage`: one row per principal and action.
pub fn usage(o: &mut impl Write, u: &Usage) -> std::io::Result<()> {
    row(
        o,
        &[
            "principal",
            "kind",
            "action",
            "count",
            "denied",
            "first_seen",
            "last_seen",
            "resources",
        ],
    )?;
    for p in &u.principals {
        let kind = serde_json::to_value(p.kind)?;
        let kind = kind.as_str().unwrap_or("");
        for a in &p.actions {
            row(
                o,
                &[
                    &p.principal,
                    kind,
                    &a.action,
                    &a.count.to_string(),
                    &a.denied.to_string(),
                    &a.first_seen,
                    &a.last_seen,
                    &a.resources.join(" "),
                ],
            )?;
        }
    }
    Ok(())
}

/// `trail unused`: one row per principal and unused action.
pub fn unused(o: &mut impl Write, answer: &[PrincipalUnused]) -> std::io::Result<()> {
    row(o, &["principal", "service", "level", "action"])?;
    for p in answer {
        for s in &p.unused {
            for (level, actions) in &s.levels {
                for a in actions {
                    row(o, &[&p.principal, &s.service, level, a])?;
                }
            }
        }
    }
    Ok(())
}

/// `trail verify`: one row per integrity problem.
pub fn verify(o: &mut impl Write, report: &Report) -> std::io::Result<()> {
    row(o, &["kind", "detail"])?;
    for f in &report.findings {
        let (k, d) = super::describe(f);
        row(o, &[k, &d])?;
    }
    Ok(())
}
