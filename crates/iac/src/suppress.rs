//! Accepted findings: `Metadata: phiward: ignore: [...]` on a template resource, and
//! `[[suppress]]` entries of `phiward.toml` (`check` the rule id, `resource` the logical
//! id or Terraform address, `FILE#RESOURCE`, or `*`). A suppressed finding stays in the
//! report, says who accepted it and why, and fails nothing; an expired one fails again.

use chrono::{DateTime, NaiveDate, Utc};
use phiward_checks::Config;

use crate::finding::Finding;
use crate::plan::Plan;

/// One `ignore` entry of a resource's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// The rule id.
    pub rule: String,
    /// Why, when given.
    pub reason: Option<String>,
    /// The last day it applies, when given.
    pub expires: Option<NaiveDate>,
}

/// Marks the findings covered by the plans' metadata or the configuration.
pub fn apply(findings: &mut [Finding], plans: &[Plan], config: &Config, now: DateTime<Utc>) {
    for f in findings.iter_mut() {
        let meta = plans
            .iter()
            .filter(|p| p.file == f.file)
            .flat_map(|p| &p.ignores)
            .filter(|(r, _)| *r == f.resource)
            .flat_map(|(_, list)| list)
            .find(|i| {
                i.rule.eq_ignore_ascii_case(f.id) && i.expires.is_none_or(|e| now.date_naive() <= e)
            });
        if let Some(i) = meta {
            f.suppressed = Some(match (&i.reason, i.expires) {
                (Some(r), Some(e)) => format!("template metadata: {r} (until {e})"),
                (Some(r), None) => format!("template metadata: {r} (no expiry given)"),
                _ => "template metadata `phiward: ignore` (no reason or expiry given)".into(),
            });
            continue;
        }
        let keyed = format!("{}#{}", f.file, f.resource);
        if let Some(s) = config
            .suppress
            .iter()
            .find(|s| s.covers(f.id, &f.resource, now) || s.covers(f.id, &keyed, now))
        {
            f.suppressed = Some(format!("{} ({}, until {})", s.reason, s.owner, s.expires));
        }
    }
}
