//! MFA-003: IAM users assume roles only with MFA.
//!
//! What: each role an IAM user of the account can assume (`sts:AssumeRole`, decided by
//! the engine on the role's trust policy and the user's own policies, boundary and SCPs,
//! as edges of the escalation graph) without a condition on
//! `aws:MultiFactorAuthPresent` or `aws:MultiFactorAuthAge`.
//! Why: a role session inherits nothing of the user's sign-in; unless the trust policy or
//! the user's policy asks for MFA, a leaked access key becomes the role (164.312(d)).
//! Fix: add `"Bool": {"aws:MultiFactorAuthPresent": "true"}` to the role's trust policy
//! statement for IAM users.

use phiward_access::{PrincipalType, Reach, Technique};
use phiward_report::{Finding, Severity, Status};

use crate::probe::needs_mfa;
use crate::{statements, Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "MFA-003",
        title: "IAM users assume roles only with MFA",
        severity: Severity::High,
        practice: 3,
        hipaa: &["164.312(d)"],
        cis: None,
        source: include_str!("mfa_003.rs"),
        remediation: "add \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}} to the trust policy statement that lets IAM users assume the role",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let g = a.graph();
    let mut out = Vec::new();
    for e in g
        .edges
        .iter()
        .filter(|e| e.technique == Technique::AssumeRole)
    {
        let (Some(from), Some(to)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else {
            continue;
        };
        if from.kind != PrincipalType::User {
            continue;
        }
        let with_mfa =
            e.access == Reach::Conditional && g.steps(e).iter().any(|s| needs_mfa(&s.conditions));
        let user = from.arn.rsplit('/').next().unwrap_or(&from.arn);
        let role = to.arn.rsplit('/').next().unwrap_or(&to.arn);
        let mut f = if with_mfa {
            m.finding(
                Status::Pass,
                &to.arn,
                format!("`{user}` can assume `{role}` only with MFA"),
            )
        } else {
            m.finding(
                Status::Fail,
                &to.arn,
                format!("`{user}` can assume `{role}` without MFA"),
            )
        };
        f.principal = Some(from.arn.clone());
        for s in &g.steps(e) {
            f.evidence.extend(statements(
                &s.via,
                &format!("allows {} on {}", s.action, s.resource),
            ));
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
