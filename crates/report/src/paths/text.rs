//! The paths as text: each path with its steps, the permissions behind each step, and
//! their conditions and statements.

use std::io::Write;

use phiward_access::{Graph, KnownContext, Path, Reach};

use crate::access::{evidence_text, known_text, serde_name};

/// `N paths to TARGET:`, then each path.
pub fn render(
    o: &mut impl Write,
    g: &Graph,
    paths: &[Path],
    to: &str,
    known: &KnownContext,
) -> std::io::Result<()> {
    let name = |i: usize| g.nodes.get(i).map_or("?", |n| n.arn.as_str());
    writeln!(
        o,
        "{} path{} to {to}{}:",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        known_text(known)
    )?;
    for p in paths {
        let how = match p.access {
            Reach::Allowed => "",
            Reach::Conditional => " (conditional)",
        };
        writeln!(o, "\n{} -> {}{how}", name(p.from), name(p.to))?;
        for e in p.edges.iter().filter_map(|&k| g.edges.get(k)) {
            let t = serde_name(e.technique);
            writeln!(o, "  {} --{t}--> {}", name(e.from), name(e.to))?;
            for s in &g.steps(e) {
                writeln!(o, "      {} on {}", s.action, s.resource)?;
                evidence_text(o, 8, &s.conditions, &s.via)?;
            }
            if let Some(a) = e.assumes() {
                writeln!(o, "      assumes {a}")?;
            }
        }
    }
    for n in &g.notes {
        writeln!(o, "note: {n}")?;
    }
    Ok(())
}
