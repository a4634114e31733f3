use phiward_access::PrincipalType;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the `owner` tag (or `manager`) on each IAM user and on each role that is not
    /// service-linked.
    /// Why: periodic review of access (164.308(a)(4)(ii)(C), 164.308(a)(1)(ii)(D)) needs a
    /// person who answers for each identity; an unowned principal is never recertified.
    /// Fix: tag the principal with `owner=<email>` (the manager who approves its access).
    pub static CHECK = Meta {
        id: "CERT-001",
        title: "Principals have an owner",
        severity: Severity::Medium,
        practice: 6,
        hipaa: &["164.308(a)(4)(ii)(C)", "164.308(a)(1)(ii)(D)"],
        cis: None,
        remediation: "tag the user or role with owner=<the manager who approves its access>",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    a.access
        .principals
        .iter()
        .filter(|p| !p.service_linked && p.kind != PrincipalType::External)
        .map(|p| {
            let owner = p.tags.iter().find(|t| {
                a.config
                    .recertification
                    .owner_tags
                    .iter()
                    .any(|o| t.key.eq_ignore_ascii_case(o))
            });
            let mut f = match owner {
                Some(t) => {
                    let mut f = m.finding(
                        Status::Pass,
                        &p.arn,
                        format!("`{}` is owned by {}", p.name, t.value),
                    );
                    f.evidence
                        .push(fact("tags", format!("{}={}", t.key, t.value)));
                    f
                }
                None => m.finding(
                    Status::Fail,
                    &p.arn,
                    format!("`{}` has no owner tag", p.name),
                ),
            };
            f.principal = Some(p.arn.clone());
            f
        })
        .collect()
}
