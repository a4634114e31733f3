use phiward_access::{decide_one, PrincipalType};
use phiward_report::{Finding, Severity, Status};
use rayon::prelude::*;

use crate::{statements, Audit, Meta};

check! {
    /// What: for every IAM user and role outside the administrators (ADMIN-001 reports those),
    /// the engine decides `iam:PassRole` on `*` with its identity policies, groups, boundary
    /// and SCPs; an allowed or conditional answer fails, with the statements that grant it.
    /// Why: passing any role to EC2, Lambda or CloudFormation is passing the most privileged
    /// role in the account: automation must be locked down (164.308(a)(4)(ii)(B)-(C)).
    /// Fix: list the role ARNs the principal passes, and add `iam:PassedToService`.
    pub static CHECK = Meta {
        id: "AUTO-001",
        title: "iam:PassRole is limited to named roles",
        severity: Severity::High,
        practice: 7,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        remediation: "grant iam:PassRole only on the role ARNs the principal must pass, with an iam:PassedToService condition",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    a.access
        .principals
        .par_iter()
        .zip(a.admins())
        .filter(|(p, _)| !p.service_linked && p.kind != PrincipalType::External)
        .map(|(p, admin)| {
            if admin.is_some() {
                let mut f = m.finding(
                    Status::Pass,
                    &p.arn,
                    format!("`{}` is an administrator: reported by ADMIN-001", p.name),
                );
                f.principal = Some(p.arn.clone());
                return f;
            }
            let mut f = match decide_one(a.access, p, "iam:PassRole", "*", &[]) {
                Some(d) => {
                    let mut f = m.finding(
                        Status::Fail,
                        &p.arn,
                        format!(
                            "`{}` can pass any role{}",
                            p.name,
                            crate::conditions::when(d.reach, &d.conditions)
                        ),
                    );
                    f.evidence = statements(&d.via, "allows iam:PassRole on *");
                    f.evidence
                        .extend(crate::conditions::evidence(&d.conditions, ""));
                    f
                }
                None => m.finding(
                    Status::Pass,
                    &p.arn,
                    format!("`{}` cannot pass any role", p.name),
                ),
            };
            f.principal = Some(p.arn.clone());
            f
        })
        .collect()
}
