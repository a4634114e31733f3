use phiward_access::PrincipalType;
use phiward_report::{Evidence, Finding, Severity, Status};


use rayon::prelude::*;

use crate::probe::{approved_admin, full_access, parse_identity, policy_allows, ANY_ACTION};
use crate::{statements, Audit, Meta};

check! {
    /// What: each user and role (service-linked ones excepted) that the engine allows every
    /// action on every resource, with its boundary and SCPs, and that is not an approved
    /// administrator (`[admins] principals` and `break_glass`; when unset, the holders of AWS's
    /// `AdministratorAccess`); and each customer managed policy granting `*:*` that is not
    /// attached, ready for anyone with `iam:Attach*Policy` to hand out.
    /// Why: a full wildcard grant outside the named administrators is administration nobody
    /// approved (164.308(a)(4)(ii)(B)); CIS 1.16 forbids `*:*` policies.
    /// Fix: replace the grant with the actions the principal needs, and delete unused
    /// `*:*` policies.
    pub static CHECK = Meta {
        id: "LP-001",
        title: "No full access outside the administrators",
        severity: Severity::Critical,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        cis: Some("1.16"),
        remediation: "replace `\"Action\": \"*\", \"Resource\": \"*\"` with the actions and resources the principal needs; delete unattached `*:*` policies",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let mut out = Vec::new();
    // One full decision per principal: in parallel, then reported in order.
    let decided: Vec<_> = a
        .access
        .principals
        .par_iter()
        .filter(|p| !p.service_linked && p.kind != PrincipalType::External)
        .filter_map(|p| full_access(a, p).map(|d| (p, d)))
        .collect();
    for (p, d) in decided {
        let approved = approved_admin(a, p);
        let mut f = if approved {
            m.finding(
                Status::Pass,
                &p.arn,
                format!(
                    "`{}` holds full access as an approved administrator",
                    p.name
                ),
            )
        } else {
            m.finding(
                Status::Fail,
                &p.arn,
                format!(
                    "`{}` holds full `*:*` access but is not an approved administrator{}",
                    p.name,
                    crate::conditions::when(d.reach, &d.conditions)
                ),
            )
        };
        f.principal = Some(p.arn.clone());
        f.evidence = statements(&d.via, "allows every action on every resource");
        f.evidence
            .extend(crate::conditions::evidence(&d.conditions, ""));
        out.push(f);
    }
    let account = a.snapshot.account.id.as_deref().unwrap_or("123456789012");
    let docs = phiward_snapshot::policies::identity_documents(iam);
    let full: Vec<_> = docs
        .par_iter()
        .map(|d| {
            let text = d.text;
            let policy = parse_identity(text)?;
            let hits = policy_allows(&policy, account, ANY_ACTION, "*");
            (!hits.is_empty()
                && !policy_allows(&policy, account, "iam:PutUserPolicy", "*").is_empty())
            .then_some(hits)
        })
        .collect();
    for (d, hits) in docs.into_iter().zip(full) {
        let (place, source, holders) = (d.place, d.key, d.holders);
        let Some(hits) = hits else { continue };
        let outside: Vec<&str> = holders
            .iter()
            .filter(|arn| {
                a.access
                    .principal(arn)
                    .is_none_or(|p| !approved_admin(a, p))
            })
            .map(String::as_str)
            .collect();
        let (status, msg) = if holders.is_empty() {
            (
                Status::Fail,
                format!("{place} grants full `*:*` access and is attached to nobody, ready to be handed out"),
            )
        } else if outside.is_empty() {
            (
                Status::Pass,
                format!("{place} grants full `*:*` access only to approved administrators"),
            )
        } else {
            (
                Status::Fail,
                format!(
                    "{place} grants full `*:*` access to {} (not approved administrators; a boundary or SCP may limit it, see the principal's own finding)",
                    outside.join(", ")
                ),
            )
        };
        let mut f = m.finding(status, &source, msg);
        f.evidence = hits
            .into_iter()
            .map(|(statement, line)| Evidence {
                source: source.clone(),
                statement: Some(statement),
                line: Some(line),
                detail: "allows every action on every resource".into(),
            })
            .collect();
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no principal or policy grants full access",
        ));
    }
    out
}

