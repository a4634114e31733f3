//! LP-004: only approved principals reach PHI.
//!
//! What: for each PHI bucket, the engine decides who may read its objects
//! (`s3:GetObject`), with identity policies, boundaries, SCPs, RCPs and the bucket policy.
//! Principals of the account that are neither administrators nor listed in `[phi]
//! approved` fail; principals outside the account are LP-005's. Without an approved list
//! the readers are listed and the check is `not_evaluated`.
//! Why: access to PHI must be authorized per person and purpose (164.308(a)(4)(ii)(B),
//! 164.312(a)(1)), and the list of who can read it is what auditors ask for first.
//! Fix: remove the grant from the principal, or add it to the approved list after its
//! manager approves the access.

use std::collections::HashSet;

use phiward_access::{who_can_each, PrincipalType, Reach};
use phiward_report::{Finding, Severity, Status};

use crate::{
    grants_evidence, listed_with, per_phi_bucket, phi_buckets, Audit, Check, Config, Meta,
};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-004",
        title: "Only approved principals reach PHI",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)", "164.502(b)"],
        cis: None,
        source: include_str!("lp_004.rs"),
        remediation: "remove PHI access from principals that are not approved, or record the approval in [phi] approved",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let admins: HashSet<&str> = a
        .access
        .principals
        .iter()
        .zip(a.admins())
        .filter(|(_, s)| s.is_some())
        .map(|(p, _)| p.arn.as_str())
        .collect();
    let approved = &a.config.phi.approved;
    // Every PHI bucket's readers at once: each principal's policies are read once.
    let objects: Vec<String> = phi_buckets(a)
        .unwrap_or_default()
        .iter()
        .map(|b| format!("arn:aws:s3:::{}/phiward-probe", b.name))
        .collect();
    let answers = who_can_each(a.access, &["s3:GetObject".to_string()], &objects);
    per_phi_bucket(m, a, |b, arn| {
        let object = format!("{arn}/phiward-probe");
        let w: &[phiward_access::Grant] = objects
            .iter()
            .position(|o| *o == object)
            .and_then(|i| answers.get(i))
            .map_or(&[], Vec::as_slice);
        let readers: Vec<_> = w
            .iter()
            .filter(|g| g.kind != PrincipalType::External && !admins.contains(g.arn.as_str()))
            .filter(|g| {
                a.access
                    .principal(&g.arn)
                    .is_some_and(|p| !p.service_linked)
            })
            .collect();
        let outside: Vec<&phiward_access::Grant> = readers
            .iter()
            .copied()
            .filter(|g| {
                let name = g.arn.rsplit('/').next().unwrap_or(&g.arn);
                let groups = a
                    .access
                    .principal(&g.arn)
                    .map(|p| crate::probe::groups_of(a, p))
                    .unwrap_or_default();
                let extra = a
                    .config
                    .phi
                    .approved_for
                    .get(&b.name)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                !Config::names(approved, name, &g.arn, &groups)
                    && !Config::names(extra, name, &g.arn, &groups)
            })
            .collect();
        let describe = |g: &&phiward_access::Grant| match g.access {
            Reach::Allowed => g.arn.clone(),
            Reach::Conditional => format!(
                "{} ({})",
                g.arn,
                g.conditions
                    .iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        };
        let mut f = if approved.is_empty() && a.config.phi.approved_for.is_empty() {
            m.finding(
                Status::NotEvaluated,
                arn,
                format!(
                    "no `[phi] approved` list: {} non-administrators can read PHI bucket `{}`",
                    readers.len(),
                    b.name
                ),
            )
        } else if outside.is_empty() {
            m.finding(
                Status::Pass,
                arn,
                format!(
                    "only administrators and approved principals can read PHI bucket `{}`",
                    b.name
                ),
            )
        } else {
            m.finding(
                Status::Fail,
                arn,
                format!(
                    "{} principals outside the approved list can read PHI bucket `{}`: {}",
                    outside.len(),
                    b.name,
                    listed_with(&outside, describe)
                ),
            )
        };
        let shown = if approved.is_empty() && a.config.phi.approved_for.is_empty() {
            &readers
        } else {
            &outside
        };
        let command = format!("phiward who-can s3:GetObject {arn}/* --snapshot SNAPSHOT");
        f.evidence.extend(grants_evidence(
            shown
                .iter()
                .map(|g| (g.via.as_slice(), format!("lets {} read objects", g.arn))),
            &command,
        ));
        f
    })
}
