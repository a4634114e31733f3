//! `phiward who-can --snapshot ORG`: who in any account of an organization can act on a
//! resource of one of them, and (with `--transitive`) who reaches it by assuming roles
//! across accounts.

use std::io::Write;

use phiward_access::org::OrgWhoCan;
use phiward_access::{KnownContext, Reach};

use super::{evidence_text, known_json, known_text};

/// The answer as JSON, with the context keys the question fixed.
pub fn json(answer: &OrgWhoCan, known: &KnownContext) -> Result<String, serde_json::Error> {
    let mut doc = serde_json::to_value(answer)?;
    known_json(&mut doc, known);
    serde_json::to_string_pretty(&doc).map(|s| s + "\n")
}

/// The answer as text: each principal with its account, conditions and statements, then
/// the cross-account role chains when `transitive`.
pub fn text(
    o: &mut impl Write,
    answer: &OrgWhoCan,
    known: &KnownContext,
    pattern: &str,
    resource: &str,
    transitive: bool,
) -> std::io::Result<()> {
    let owner = answer.resource_account.as_deref().unwrap_or("unknown");
    writeln!(
        o,
        "who can {pattern} on {resource} (account {owner}){}:",
        known_text(known)
    )?;
    for g in &answer.principals {
        let how = match g.access {
            Reach::Allowed => "allowed",
            Reach::Conditional => "conditional",
        };
        writeln!(
            o,
            "  {} ({:?}): {how}, {}",
            g.arn,
            g.kind,
            g.actions.join(" ")
        )?;
        evidence_text(o, 6, &g.conditions, &g.via)?;
    }
    if answer.principals.is_empty() {
        writeln!(o, "  nobody")?;
    }
    if transitive {
        writeln!(o, "and by assuming roles, across accounts:")?;
        for p in &answer.transitive {
            let steps: Vec<String> = p
                .steps
                .iter()
                .map(|s| format!("--assume_role--> {}", s.arn))
                .collect();
            let how = match p.access {
                Reach::Allowed => "",
                Reach::Conditional => " (conditional)",
            };
            writeln!(o, "  {}{how} {}", p.from, steps.join(" "))?;
        }
        if answer.transitive.is_empty() {
            writeln!(o, "  nobody else")?;
        }
    }
    for n in &answer.notes {
        writeln!(o, "note: {n}")?;
    }
    Ok(())
}
