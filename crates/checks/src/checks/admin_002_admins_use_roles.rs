use phiward_access::PrincipalType;
use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Meta};

check! {
    /// What: every IAM user that is administrator-equivalent (ADMIN-001's decision).
    /// Why: people should administer through federated roles with short-lived sessions and
    /// MFA at the identity provider; an administrator IAM user is a long-lived password or
    /// key with full access (164.312(a)(2)(i), 164.312(d)).
    /// Fix: move the person to a federated administrator role and remove the user's
    /// administrator access.
    pub static CHECK = Meta {
        id: "ADMIN-002",
        title: "Administrators use roles, not IAM users",
        severity: Severity::Medium,
        practice: 1,
        hipaa: &["164.312(a)(2)(i)", "164.312(d)"],
        cis: None,
        remediation: "administer through a federated role (SAML or IAM Identity Center) and remove administrator access from the IAM user",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let mut out: Vec<Finding> = a
        .access
        .principals
        .iter()
        .zip(a.admins())
        .filter(|(p, s)| p.kind == PrincipalType::User && s.is_some())
        .filter_map(|(p, s)| {
            let s = s.as_ref()?;
            let mut f = m.finding(
                Status::Fail,
                &p.arn,
                format!("IAM user `{}` is an administrator", p.name),
            );
            f.principal = Some(p.arn.clone());
            f.evidence = statements(&s.via, &format!("allows {} on itself", s.action));
            Some(f)
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no IAM user is an administrator",
        ));
    }
    out
}
