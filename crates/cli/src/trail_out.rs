//! Text and CSV renderings of `phiward trail` answers.

use std::io::Write;

use anyhow::Result;
use phiward_trail::usage::Usage;

/// Quotes a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(crate) fn csv_row(o: &mut impl Write, fields: &[&str]) -> std::io::Result<()> {
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    writeln!(o, "{}", row.join(","))
}

pub(crate) fn usage_text(o: &mut impl Write, u: &Usage) -> Result<()> {
    let since = u.since.as_deref().unwrap_or("the beginning");
    writeln!(
        o,
        "{} .. {}: {} files, {} records, {} counted, {} outside the window",
        since, u.until, u.files, u.records, u.counted, u.outside_window
    )?;
    for p in &u.principals {
        let kind = serde_json::to_value(p.kind)?;
        writeln!(
            o,
            "\n{} ({}): {} calls, {} denied, {} .. {}",
            p.principal,
            kind.as_str().unwrap_or(""),
            p.calls,
            p.denied,
            p.first_seen,
            p.last_seen
        )?;
        for a in &p.actions {
            let denied = if a.denied > 0 {
                format!(", {} denied", a.denied)
            } else {
                String::new()
            };
            writeln!(
                o,
                "  {}  {} calls{denied}  {} .. {}",
                a.action, a.count, a.first_seen, a.last_seen
            )?;
            for r in a.resources.iter().take(10) {
                writeln!(o, "      {r}")?;
            }
            if a.resources.len() > 10 {
                writeln!(o, "      ... {} more", a.resources.len() - 10)?;
            }
        }
        for e in &p.unknown_events {
            writeln!(o, "  (no known action) {}  {} calls", e.event, e.count)?;
        }
        for e in &p.no_permission_events {
            writeln!(o, "  (no permission needed) {}  {} calls", e.event, e.count)?;
        }
    }
    Ok(())
}

pub(crate) fn usage_csv(o: &mut impl Write, u: &Usage) -> Result<()> {
    csv_row(
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
            csv_row(
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
