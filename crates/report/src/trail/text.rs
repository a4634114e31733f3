//! `phiward trail` answers as text.

use std::io::Write;

use phiward_trail::unused::PrincipalUnused;
use phiward_trail::usage::Usage;
use phiward_trail::verify::Report;

use super::{levels_line, PolicyAnswer};

/// Services listed per principal in text; JSON and CSV list all.
const SERVICES: usize = 12;

/// Resources listed per action in text.
const RESOURCES: usize = 10;

/// `trail usage`: the window, then per principal its actions with counts and resources.
pub fn usage(o: &mut impl Write, u: &Usage) -> std::io::Result<()> {
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
            for r in a.resources.iter().take(RESOURCES) {
                writeln!(o, "      {r}")?;
            }
            if a.resources.len() > RESOURCES {
                writeln!(o, "      ... {} more", a.resources.len() - RESOURCES)?;
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

/// `trail unused`: per principal, the granted actions it never used, by service.
pub fn unused(o: &mut impl Write, u: &Usage, answer: &[PrincipalUnused]) -> std::io::Result<()> {
    let since = u.since.as_deref().unwrap_or("the beginning");
    writeln!(o, "unused access, {since} .. {}:", u.until)?;
    for p in answer {
        let seen = p
            .last_seen
            .as_deref()
            .map_or("no calls".to_string(), |t| format!("last call {t}"));
        writeln!(
            o,
            "\n{}: {} of {} granted actions unused ({seen})",
            p.principal, p.unused_count, p.granted
        )?;
        for s in p.unused.iter().take(SERVICES) {
            writeln!(o, "  {}: {}", s.service, levels_line(s))?;
        }
        if p.unused.len() > SERVICES {
            let more = p.unused.len() - SERVICES;
            writeln!(o, "  ... {more} more services (--format json lists them)")?;
        }
    }
    Ok(())
}

/// `trail policy`: the policy, what was added or left out, the diff against today and
/// the lint findings.
pub fn policy(o: &mut impl Write, a: &PolicyAnswer<'_>) -> std::io::Result<()> {
    let (g, d) = (a.generated, a.diff);
    let since = a.usage.since.as_deref().unwrap_or("the beginning");
    writeln!(
        o,
        "least-privilege policy for {} from {} calls, {since} .. {}:\n{}",
        a.principal, a.of.calls, a.usage.until, a.document
    )?;
    for n in &g.notes {
        writeln!(o, "note: {n}")?;
    }
    if !g.dependent.is_empty() {
        writeln!(o, "dependent actions added: {}", g.dependent.join(", "))?;
    }
    if !g.denied_only.is_empty() {
        writeln!(
            o,
            "left out (only ever denied): {}",
            g.denied_only.join(", ")
        )?;
    }
    writeln!(
        o,
        "\nagainst today: {} actions granted, {} in the generated policy",
        d.granted_today, d.generated
    )?;
    if d.kept.is_empty() {
        writeln!(o, "  = kept 0")?;
    } else {
        writeln!(o, "  = kept {}: {}", d.kept.len(), d.kept.join(", "))?;
    }
    writeln!(o, "  - removed {}:", d.removed_count)?;
    for s in &d.removed {
        writeln!(o, "      {}: {}", s.service, levels_line(s))?;
    }
    if !d.added.is_empty() {
        writeln!(
            o,
            "  + not granted by identity policies today: {}",
            d.added.join(", ")
        )?;
    }
    if a.lint.is_empty() {
        writeln!(o, "lint: clean")?;
    }
    for f in a.lint {
        writeln!(o, "lint: {} {} {}", f.id, f.severity, f.message)?;
    }
    Ok(())
}

/// `trail verify`: the counts, then one line per integrity problem.
pub fn verify(o: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let span = match (&report.from, &report.to) {
        (Some(a), Some(b)) => format!(", {a} .. {b}"),
        _ => String::new(),
    };
    writeln!(
        o,
        "{} digests ({} signatures valid), {} log files listed ({} intact), {} not yet digested{span}",
        report.digests, report.digests_valid, report.logs, report.logs_valid, report.logs_pending
    )?;
    for f in &report.findings {
        let (k, d) = super::describe(f);
        writeln!(o, "{k}: {d}")?;
    }
    if report.findings.is_empty() && report.digests > 0 {
        writeln!(o, "no integrity problem found")?;
    }
    Ok(())
}
