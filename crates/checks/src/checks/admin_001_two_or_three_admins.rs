use phiward_report::{Finding, Severity, Status};

use crate::{statements, Audit, Meta};

check! {
    /// What: every IAM user and role (service-linked ones excepted) that can change its own
    /// permissions (`iam:Put*Policy`/`iam:Attach*Policy` on itself), decided by the engine with
    /// its identity policies, groups, boundary and SCPs.
    /// Why: HIPAA teams must show that administration is held by two or three named people
    /// (164.308(a)(4)(ii)(B)); every extra administrator can reach every PHI store.
    /// Fix: remove administrator access from the principals that do not need it.
    pub static CHECK = Meta {
        id: "ADMIN-001",
        title: "Two or three administrators",
        severity: Severity::High,
        practice: 1,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(3)(ii)(A)"],
        cis: None,
        remediation: "keep administrator access for the configured few (break-glass and named administrators) and remove it from everyone else",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    let admins: Vec<_> = a
        .access
        .principals
        .iter()
        .zip(a.admins())
        .filter_map(|(p, s)| s.as_ref().map(|s| (p, s)))
        .collect();
    let n = admins.len();
    let (lo, hi) = (a.config.admins.min, a.config.admins.max);
    let status = if (lo..=hi).contains(&n) {
        Status::Pass
    } else {
        Status::Fail
    };
    let mut f = m.finding(
        status,
        a.account_resource(),
        format!("{n} administrator-equivalent principals (expected {lo}-{hi})"),
    );
    for (p, s) in admins {
        f.evidence.extend(statements(
            &s.via,
            &format!("{} can {} on itself", p.arn, s.action),
        ));
    }
    vec![f]
}
