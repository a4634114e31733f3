use phiward_access::{Each, Grantee, PrincipalType};
use phiward_report::{Finding, Severity, Status};

use crate::{grants_evidence, listed, Audit, Config, Meta};

check! {
    /// What: each automation role (one that CloudFormation, CodeBuild, CodePipeline, Lambda,
    /// EC2, ECS tasks, Glue or SageMaker can assume, and those listed in `[admins]
    /// automation`): the engine decides who may rewrite it (`iam:PutRolePolicy`,
    /// `AttachRolePolicy`, `DeleteRolePolicy`, `DetachRolePolicy`, `UpdateAssumeRolePolicy`,
    /// `PutRolePermissionsBoundary`, `DeleteRolePermissionsBoundary` on the role) or the
    /// customer managed policies attached to it (`iam:CreatePolicyVersion`,
    /// `SetDefaultPolicyVersion`). Principals other than administrators and service-linked
    /// roles fail.
    /// Why: editing the policy a pipeline runs with grants its power to the editor without
    /// touching their own permissions (164.308(a)(4)(ii)(B)-(C)).
    /// Fix: remove these actions from non-administrators, or scope them with a boundary or
    /// an SCP that protects automation roles by path or tag.
    pub static CHECK = Meta {
        id: "AUTO-004",
        title: "Only administrators edit automation's policies",
        severity: Severity::High,
        practice: 7,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        remediation: "remove role- and policy-editing actions on automation roles from non-administrators (or protect automation roles by path with a boundary or SCP)",
    },
    run
}

const ROLE_EDITS: [&str; 7] = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
];
const POLICY_EDITS: [&str; 2] = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"];

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let allowed = a.trusted_arns();
    let list = |x: &[&str]| x.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    // The automation roles, then every target whose editors are asked: the role itself
    // and its customer managed policies.
    let roles: Vec<_> = a
        .access
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PrincipalType::Role && !p.service_linked)
        .filter(|(i, p)| {
            Config::names(&a.config.admins.automation, &p.name, &p.arn, &[])
                || a.assumed_by_any(*i)
        })
        .map(|(_, p)| p)
        .collect();
    let targets: Vec<String> = roles.iter().map(|p| p.arn.clone()).collect();
    let by_arn: std::collections::HashMap<&str, _> =
        iam.roles.iter().map(|r| (r.arn.as_str(), r)).collect();
    let policies: Vec<Vec<String>> = roles
        .iter()
        .map(|p| {
            by_arn
                .get(p.arn.as_str())
                .map(|r| {
                    r.attached_managed_policies
                        .iter()
                        .filter(|x| !x.policy_arn.starts_with("arn:aws:iam::aws:"))
                        .map(|x| x.policy_arn.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let mut policy_targets: Vec<String> = policies.iter().flatten().cloned().collect();
    policy_targets.sort();
    policy_targets.dedup();
    // Thousands of editors per role on a large account: counted, and the grants of the
    // first few built for evidence.
    let role_editors = Each::new(a.access, &list(&ROLE_EDITS), &targets);
    let policy_editors = Each::new(a.access, &list(&POLICY_EDITS), &policy_targets);
    let arn = |g: &Grantee| {
        a.access
            .principals
            .get(g.principal)
            .map_or("", |p| p.arn.as_str())
    };
    let mut out = Vec::new();
    for (k, (p, pols)) in roles.iter().zip(&policies).enumerate() {
        let mut editors: Vec<(&Each<'_>, usize, &Grantee)> = Vec::new();
        for g in role_editors.grantees.get(k).into_iter().flatten() {
            editors.push((&role_editors, k, g));
        }
        for pol in pols {
            if let Ok(i) = policy_targets.binary_search(pol) {
                for g in policy_editors.grantees.get(i).into_iter().flatten() {
                    editors.push((&policy_editors, i, g));
                }
            }
        }
        editors.retain(|(_, _, g)| !allowed.contains(arn(g)) && arn(g) != p.arn);
        let mut names: Vec<&str> = editors.iter().map(|(_, _, g)| arn(g)).collect();
        names.sort_unstable();
        names.dedup();
        let mut f = if names.is_empty() {
            m.finding(
                Status::Pass,
                &p.arn,
                format!("only administrators can edit automation role `{}`", p.name),
            )
        } else {
            m.finding(
                Status::Fail,
                &p.arn,
                format!(
                    "{} non-administrators can edit automation role `{}` or its policies: {}",
                    names.len(),
                    p.name,
                    listed(&names)
                ),
            )
        };
        f.principal = Some(p.arn.clone());
        let command = format!(
            "phiward who-can iam:PutRolePolicy {} --snapshot SNAPSHOT",
            p.arn
        );
        f.evidence.extend(grants_evidence(
            editors.iter().map(|(each, i, g)| match each.grant(*i, g) {
                Some(g) => {
                    let detail = format!("allows {} {}", g.arn, g.actions.join(", "));
                    (g.via, detail)
                }
                None => (Vec::new(), String::new()),
            }),
            &command,
        ));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(Status::Pass, a.account_resource(), "no automation role"));
    }
    out
}
