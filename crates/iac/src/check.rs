//! `phiward iac check`: every finding for a set of templates and plans — unreadable
//! input, lint rules at template positions, IaC rules, and with a snapshot or a baseline
//! the new access the change brings.

use chrono::{DateTime, Utc};
use phiward_access::AccessModel;
use phiward_checks::{Audit, Config};
use phiward_snapshot::Snapshot;
use rayon::prelude::*;

use crate::doc::Origin;
use crate::finding::Finding;
use crate::plan::Plan;
use crate::rules::finding;

/// What to compare against.
#[derive(Debug)]
pub struct Options<'a> {
    /// The deployed account, when given.
    pub snapshot: Option<&'a Snapshot>,
    /// The templates and plans as they were (the merge base), when given.
    pub baseline: Option<&'a [Plan]>,
    /// Thresholds, PHI tags and suppressions.
    pub config: &'a Config,
    /// The action catalog for the lint rules that need it.
    pub catalog: Option<&'a phiward_catalog::Catalog>,
    /// The account id when there is no snapshot (`--parameters AWS::AccountId=...`).
    pub account: Option<String>,
    /// The moment suppressions expire against.
    pub now: DateTime<Utc>,
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every finding, by file and position.
    pub findings: Vec<Finding>,
    /// What the answers could not account for (stand-ins, policies not found).
    pub notes: Vec<String>,
    /// Whether some input could not be read (exit 2).
    pub input_error: bool,
}

/// Checks `plans`.
pub fn check(plans: &[Plan], opts: &Options<'_>) -> Outcome {
    let mut out = Outcome::default();
    for p in plans.iter().chain(opts.baseline.unwrap_or(&[])) {
        for pr in &p.problems {
            out.findings
                .push(finding("PW400", &pr.origin, pr.message.clone()));
            out.input_error = true;
        }
    }
    let docs: Vec<&crate::doc::Doc> = plans
        .iter()
        .flat_map(|p| p.docs.iter().filter(|(_, lint)| *lint).map(|(d, _)| d))
        .collect();
    let linted: Vec<Finding> = docs
        .par_iter()
        .flat_map_iter(|d| crate::lint::lint(d, opts.catalog))
        .collect();
    out.input_error |= linted.iter().any(|f| crate::lint::is_input_error(f.id));
    out.findings.extend(linted);
    for p in plans {
        for h in &p.hits {
            out.findings
                .push(finding(h.id, &h.origin, h.message.clone()));
        }
    }
    let account = opts
        .snapshot
        .and_then(|s| s.account.id.clone())
        .or_else(|| opts.account.clone())
        .unwrap_or_else(|| "000000000000".into());
    let mut before = match opts.snapshot {
        Some(s) => s.clone(),
        None => crate::merge::empty(&account),
    };
    if let Some(base) = opts.baseline {
        out.notes
            .extend(crate::merge::apply(&mut before, base).notes);
    }
    let mut after = before.clone();
    let applied = crate::merge::apply(&mut after, plans);
    out.notes.extend(applied.notes.iter().cloned());
    let after_model = AccessModel::new(&after);
    out.notes.extend(
        after_model
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.place, s.reason)),
    );
    out.findings
        .extend(crate::rules::decide(&after_model, plans, &applied.origins));
    if opts.snapshot.is_some() || opts.baseline.is_some() {
        let before_model = AccessModel::new(&before);
        let now = before.as_of.unwrap_or(before.created);
        let a = Audit::new(&before, &before_model, now, opts.config);
        let b = Audit::new(&after, &after_model, now, opts.config);
        let docs = crate::rules::places(plans);
        let fallback = Origin {
            file: plans.first().map(|p| p.file.clone()).unwrap_or_default(),
            resource: String::new(),
            path: String::new(),
            pos: crate::node::Pos::new(1, 1),
        };
        out.findings
            .extend(crate::diff::diff(&a, &b, &docs, &applied.origins, fallback));
    }
    crate::suppress::apply(&mut out.findings, plans, opts.config, opts.now);
    out.findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.id, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.id, &b.message))
    });
    out.findings.dedup();
    out.notes.sort();
    out.notes.dedup();
    out
}
