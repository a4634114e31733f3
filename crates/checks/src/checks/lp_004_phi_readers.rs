use std::collections::{HashMap, HashSet};

use phiward_access::{Each, Grantee, Principal, PrincipalType, Reach};
use phiward_report::{Finding, Severity, Status};

use crate::{grants_evidence, listed_with, per_phi_bucket, phi_buckets, Audit, Config, Meta, };

check! {
    /// What: for each PHI bucket, the engine decides who may read its objects
    /// (`s3:GetObject`), with identity policies, boundaries, SCPs, RCPs and the bucket policy.
    /// Principals of the account that are neither administrators nor listed in `[phi]
    /// approved` fail; principals outside the account are LP-005's. Without an approved list
    /// the readers are listed and the check is `not_evaluated`.
    /// Why: access to PHI must be authorized per person and purpose (164.308(a)(4)(ii)(B),
    /// 164.312(a)(1)), and the list of who can read it is what auditors ask for first.
    /// Fix: remove the grant from the principal, or add it to the approved list after its
    /// manager approves the access.
    pub static CHECK = Meta {
        id: "LP-004",
        title: "Only approved principals reach PHI",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)", "164.502(b)"],
        cis: None,
        remediation: "remove PHI access from principals that are not approved, or record the approval in [phi] approved",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    // Without IAM no principal of the account is known: an empty list of readers would
    // read as "only approved principals".
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
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
    // Thousands of readers per bucket on a large account: counted, and the grants of the
    // first few built for the message and evidence.
    let answers = Each::new(a.access, &["s3:GetObject".to_string()], &objects);
    let position: HashMap<&str, usize> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.as_str(), i))
        .collect();
    per_phi_bucket(m, a, |b, arn| {
        let object = format!("{arn}/phiward-probe");
        let at = position.get(object.as_str()).copied().unwrap_or(usize::MAX);
        let w: &[Grantee] = answers.grantees.get(at).map_or(&[], Vec::as_slice);
        let readers: Vec<(&Grantee, &Principal)> = w
            .iter()
            .filter_map(|g| Some((g, answers.principal(g)?)))
            .filter(|(_, p)| {
                p.kind != PrincipalType::External
                    && !admins.contains(p.arn.as_str())
                    && !p.service_linked
            })
            .collect();
        let outside: Vec<(&Grantee, &Principal)> = readers
            .iter()
            .copied()
            .filter(|(_, p)| {
                let name = p.arn.rsplit('/').next().unwrap_or(&p.arn);
                let groups = crate::probe::groups_of(a, p);
                let extra = a
                    .config
                    .phi
                    .approved_for
                    .get(&b.name)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                !Config::names(approved, name, &p.arn, &groups)
                    && !Config::names(extra, name, &p.arn, &groups)
            })
            .collect();
        let describe = |(g, p): &(&Grantee, &Principal)| match (g.access, answers.grant(at, g)) {
            (Reach::Conditional, Some(grant)) => format!(
                "{}{}",
                p.arn,
                crate::conditions::in_parens(grant.access, &grant.conditions)
            ),
            _ => p.arn.clone(),
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
            shown.iter().map(|(g, p)| {
                let grant = answers.grant(at, g);
                let when = grant
                    .as_ref()
                    .map(|g| crate::conditions::when(g.access, &g.conditions))
                    .unwrap_or_default();
                let via = grant.map(|g| g.via).unwrap_or_default();
                (via, format!("lets {} read objects{when}", p.arn))
            }),
            &command,
        ));
        f
    })
}
