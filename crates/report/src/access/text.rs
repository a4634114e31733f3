//! `phiward who-can` and `phiward can` as text: one principal or capability per line,
//! with its conditions and statements.

use std::io::Write;

use phiward_access::paths::Transitive;
use phiward_access::{Can, KnownContext, Reach, WhoCan};

use super::{evidence_text, known_text, reach, serde_name};

/// The answer to `who-can ACTION RESOURCE`; `transitive` when `--transitive` was asked.
pub fn who_can(
    o: &mut impl Write,
    answer: &WhoCan,
    known: &KnownContext,
    transitive: Option<&[Transitive]>,
) -> std::io::Result<()> {
    let with = known_text(known);
    writeln!(o, "who can {} on {}{with}:", answer.action, answer.resource)?;
    for g in &answer.principals {
        let n = g.actions.len();
        let acts = if n == 1 {
            g.actions.join("")
        } else {
            format!("{n} actions")
        };
        writeln!(o, "  {} ({:?}): {}, {acts}", g.arn, g.kind, reach(g.access))?;
        evidence_text(o, 6, &g.conditions, &g.via)?;
    }
    if answer.principals.is_empty() {
        writeln!(o, "  nobody")?;
    }
    if let Some(transitive) = transitive {
        writeln!(o, "and through role assumption or escalation:")?;
        for t in transitive {
            let steps: Vec<String> = t
                .path
                .iter()
                .map(|s| format!("--{}--> {}", serde_name(s.technique), s.to))
                .collect();
            let how = match t.access {
                Reach::Allowed => "",
                Reach::Conditional => " (conditional)",
            };
            writeln!(o, "  {}{how} {}", t.arn, steps.join(" "))?;
        }
        if transitive.is_empty() {
            writeln!(o, "  nobody else")?;
        }
    }
    for n in &answer.notes {
        writeln!(o, "note: {n}")?;
    }
    Ok(())
}

/// The answer to `can PRINCIPAL [ACTION [RESOURCE]]`.
pub fn can(o: &mut impl Write, answer: &Can, known: &KnownContext) -> std::io::Result<()> {
    let with = known_text(known);
    writeln!(o, "{}{with} can:", answer.principal)?;
    for c in &answer.capabilities {
        writeln!(o, "  {} on {}: {}", c.action, c.resource, reach(c.access))?;
        evidence_text(o, 6, &c.conditions, &c.via)?;
    }
    if answer.capabilities.is_empty() {
        writeln!(o, "  nothing")?;
    }
    for n in &answer.notes {
        writeln!(o, "note: {n}")?;
    }
    Ok(())
}
