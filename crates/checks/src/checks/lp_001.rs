//! LP-001: nobody outside the administrators holds full `*:*` access.
//!
//! What: each user and role (service-linked ones excepted) that the engine allows every
//! action on every resource, with its boundary and SCPs, and that is not an approved
//! administrator (`[admins] principals` and `break_glass`; when unset, the holders of AWS's
//! `AdministratorAccess`); and each customer managed policy granting `*:*` that is not
//! attached, ready for anyone with `iam:Attach*Policy` to hand out.
//! Why: a full wildcard grant outside the named administrators is administration nobody
//! approved (164.308(a)(4)(ii)(B)); CIS 1.16 forbids `*:*` policies.
//! Fix: replace the grant with the actions the principal needs, and delete unused
//! `*:*` policies.

use std::collections::HashMap;

use phiward_access::PrincipalType;
use phiward_report::{Evidence, Finding, Severity, Status};

use phiward_snapshot::model::iam::Iam;

use rayon::prelude::*;

use crate::probe::{approved_admin, full_access, parse_identity, policy_allows, ANY_ACTION};
use crate::{statements, Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-001",
        title: "No full access outside the administrators",
        severity: Severity::Critical,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
        cis: Some("1.16"),
        source: include_str!("lp_001.rs"),
        remediation: "replace `\"Action\": \"*\", \"Resource\": \"*\"` with the actions and resources the principal needs; delete unattached `*:*` policies",
    },
    run,
};

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
    let docs = documents(iam);
    let full: Vec<_> = docs
        .par_iter()
        .map(|(_, _, text, _)| {
            let policy = parse_identity(text)?;
            let hits = policy_allows(&policy, account, ANY_ACTION, "*");
            (!hits.is_empty()
                && !policy_allows(&policy, account, "iam:PutUserPolicy", "*").is_empty())
            .then_some(hits)
        })
        .collect();
    for ((place, source, _, holders), hits) in docs.into_iter().zip(full) {
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

/// Every customer-written identity policy of the account (inline policies and the default
/// version of customer managed ones): where it is, its name for evidence, its text, and
/// the users and roles holding it.
pub(crate) fn documents(iam: &Iam) -> Vec<(String, String, &str, Vec<String>)> {
    // Group members and managed-policy holders, indexed once: a large account has
    // thousands of each.
    let mut by_group: HashMap<&str, Vec<String>> = HashMap::new();
    for u in &iam.users {
        for g in &u.group_list {
            by_group.entry(g.as_str()).or_default().push(u.arn.clone());
        }
    }
    let members = |g: &str| -> Vec<String> { by_group.get(g).cloned().unwrap_or_default() };
    let mut holders_of: HashMap<&str, Vec<String>> = HashMap::new();
    for u in &iam.users {
        for arn in u
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of.entry(arn).or_default().push(u.arn.clone());
        }
    }
    for g in &iam.groups {
        for arn in g
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of
                .entry(arn)
                .or_default()
                .extend(members(&g.group_name));
        }
    }
    for r in &iam.roles {
        for arn in r
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of.entry(arn).or_default().push(r.arn.clone());
        }
    }
    let mut out = Vec::new();
    for u in &iam.users {
        for p in &u.user_policy_list {
            out.push((
                format!(
                    "inline policy `{}` of user `{}`",
                    p.policy_name, u.user_name
                ),
                format!("{}#{}", u.arn, p.policy_name),
                p.policy_document.as_str(),
                vec![u.arn.clone()],
            ));
        }
    }
    for g in &iam.groups {
        for p in &g.group_policy_list {
            out.push((
                format!(
                    "inline policy `{}` of group `{}`",
                    p.policy_name, g.group_name
                ),
                format!("{}#{}", g.arn, p.policy_name),
                p.policy_document.as_str(),
                members(&g.group_name),
            ));
        }
    }
    for r in &iam.roles {
        for p in &r.role_policy_list {
            out.push((
                format!(
                    "inline policy `{}` of role `{}`",
                    p.policy_name, r.role_name
                ),
                format!("{}#{}", r.arn, p.policy_name),
                p.policy_document.as_str(),
                vec![r.arn.clone()],
            ));
        }
    }
    // Policies used only as permissions boundaries grant nothing by themselves.
    for pol in iam.policies.iter().filter(|p| {
        !p.is_aws_managed() && (p.attachment_count > 0 || p.permissions_boundary_usage_count == 0)
    }) {
        let Some(doc) = pol.default_document() else {
            continue;
        };
        let mut holders: Vec<String> = holders_of
            .get(pol.arn.as_str())
            .cloned()
            .unwrap_or_default();
        holders.sort();
        holders.dedup();
        out.push((
            format!("managed policy `{}`", pol.policy_name),
            pol.arn.clone(),
            doc.as_str(),
            holders,
        ));
    }
    out
}
