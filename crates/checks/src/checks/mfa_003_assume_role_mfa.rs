use phiward_access::{PrincipalType, Reach, Technique};
use phiward_report::{Finding, Severity, Status};

use crate::probe::needs_mfa;
use crate::{statements, Audit, Meta};

check! {
    /// What: each role an IAM user of the account can assume (`sts:AssumeRole`, decided by
    /// the engine on the role's trust policy and the user's own policies, boundary and SCPs,
    /// as edges of the escalation graph) without a condition on
    /// `aws:MultiFactorAuthPresent` or `aws:MultiFactorAuthAge`.
    /// Why: a role session inherits nothing of the user's sign-in; unless the trust policy or
    /// the user's policy asks for MFA, a leaked access key becomes the role (164.312(d)).
    /// Fix: add `"Bool": {"aws:MultiFactorAuthPresent": "true"}` to the role's trust policy
    /// statement for IAM users.
    pub static CHECK = Meta {
        id: "MFA-003",
        title: "IAM users assume roles only with MFA",
        severity: Severity::High,
        practice: 3,
        hipaa: &["164.312(d)"],
        cis: None,
        remediation: "add \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}} to the trust policy statement that lets IAM users assume the role",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    // Only users' AssumeRole edges, to every role: the escalation graph keeps fewer.
    let users: Vec<bool> = a
        .access
        .principals
        .iter()
        .map(|p| p.kind == PrincipalType::User)
        .collect();
    let scope = phiward_access::Scope {
        admins: Some(a.grants()),
        from: Some(&users),
        techniques: Some(&[Technique::AssumeRole]),
        toward_admins: false,
    };
    let g = &phiward_access::graph_scoped(a.access, &scope);
    // Per role: the users that can assume it, and whether each needs MFA. One finding
    // per role keeps the report readable when many users reach many roles.
    let mut per_role: std::collections::BTreeMap<usize, Vec<(usize, bool)>> = Default::default();
    for (k, e) in g.edges.iter().enumerate() {
        if e.technique != Technique::AssumeRole
            || g.nodes
                .get(e.from)
                .is_none_or(|n| n.kind != PrincipalType::User)
        {
            continue;
        }
        let with_mfa =
            e.access == Reach::Conditional && e.decided().iter().any(|s| needs_mfa(&s.conditions));
        per_role.entry(e.to).or_default().push((k, with_mfa));
    }
    let short = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_string();
    let mut out = Vec::new();
    for (to, users) in per_role {
        let Some(role) = g.nodes.get(to) else {
            continue;
        };
        let without: Vec<usize> = users
            .iter()
            .filter(|(_, mfa)| !mfa)
            .map(|(k, _)| *k)
            .collect();
        let name = short(&role.arn);
        let mut f = if without.is_empty() {
            m.finding(
                Status::Pass,
                &role.arn,
                format!(
                    "the {} IAM users who can assume `{name}` need MFA",
                    users.len()
                ),
            )
        } else {
            let mut who: Vec<String> = without
                .iter()
                .filter_map(|k| g.edges.get(*k))
                .filter_map(|e| g.nodes.get(e.from))
                .map(|n| short(&n.arn))
                .collect();
            let n = who.len();
            who.truncate(10);
            let more = if n > who.len() {
                format!(" and {} more", n - who.len())
            } else {
                String::new()
            };
            m.finding(
                Status::Fail,
                &role.arn,
                format!(
                    "{n} IAM users can assume `{name}` without MFA: {}{more}",
                    who.join(", ")
                ),
            )
        };
        // The statements behind the first few grants without MFA (or with it).
        let shown: Vec<usize> = if without.is_empty() {
            users.iter().map(|(k, _)| *k).take(3).collect()
        } else {
            without.iter().copied().take(5).collect()
        };
        for e in shown.iter().filter_map(|k| g.edges.get(*k)) {
            let user = g.nodes.get(e.from).map_or(String::new(), |n| n.arn.clone());
            for s in &g.steps(e) {
                let what = format!("lets {user} {} on {}", s.action, s.resource);
                f.evidence.extend(statements(&s.via, &what));
                f.evidence
                    .extend(crate::conditions::evidence(&s.conditions, &what));
            }
        }
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no IAM user can assume a role",
        ));
    }
    out
}
