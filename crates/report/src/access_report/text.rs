//! The access report as text, grouped by person, principal and resource.

use std::io::Write;

use phiward_access::employee::AccessReport;

use super::{kind, mapped, scope};
use crate::access::{evidence_text, reach};

/// Each person, the users and roles they hold, and what each reaches by access level.
pub fn render(r: &AccessReport) -> std::io::Result<String> {
    let mut o = Vec::new();
    writeln!(o, "access per person ({}):", scope(r.phi_only))?;
    for p in &r.people {
        let email = p
            .email
            .as_deref()
            .map(|e| format!(" <{e}>"))
            .unwrap_or_default();
        writeln!(o, "{}{email}", p.person)?;
        for h in &p.principals {
            writeln!(
                o,
                "  {} {} ({})",
                kind(h.kind),
                h.arn,
                mapped(h.mapped_by).replace('_', " ")
            )?;
            if h.resources.is_empty() {
                writeln!(o, "    reaches none of them")?;
            }
            for res in &h.resources {
                let phi = if res.phi { " [PHI]" } else { "" };
                writeln!(o, "    {}{phi}", res.arn)?;
                for l in &res.levels {
                    for g in &l.grants {
                        let acts = g.actions.join(", ");
                        writeln!(o, "      {}: {acts}: {}", l.level, reach(g.access))?;
                        evidence_text(&mut o, 8, &g.conditions, &g.via)?;
                    }
                }
            }
        }
    }
    if r.people.is_empty() {
        writeln!(o, "  nobody")?;
    }
    for n in &r.notes {
        writeln!(o, "note: {n}")?;
    }
    // Every piece written is a `str`.
    Ok(String::from_utf8_lossy(&o).into_owned())
}
