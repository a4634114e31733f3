use phiward_access::PrincipalType;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the date each user and role was last re-approved by its manager, from the
    /// recertification record (`phiward certify`'s campaign store, given with `phiward audit
    /// --certify-store` or `[recertification] store`). Every principal the record covers must
    /// have been certified within the period with nothing left unreviewed, and every IAM
    /// user (a person) must be covered. Until a record is given, the check is
    /// `not_evaluated`, never `pass`.
    /// Why: HIPAA asks for periodic review of who can reach ePHI (164.308(a)(4)(ii)(C) access
    /// establishment and modification, 164.308(a)(1)(ii)(D)).
    /// Fix: run a recertification campaign and have each manager approve or revoke.
    pub static CHECK = Meta {
        id: "CERT-002",
        title: "Access is recertified every period",
        severity: Severity::Medium,
        practice: 6,
        hipaa: &["164.308(a)(4)(ii)(C)", "164.308(a)(1)(ii)(D)"],
        cis: None,
        remediation: "run a recertification campaign (phiward certify) in which each principal's manager approves or revokes its access",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    if let Some(record) = a.recertified {
        return with_record(m, a, record);
    }
    vec![m.finding(
        Status::NotEvaluated,
        a.account_resource(),
        format!(
            "no recertification record was given: whether access was re-approved in the last {} days is unknown",
            a.config.recertification.period_days
        ),
    )]
}

fn with_record(m: &Meta, a: &Audit<'_>, record: &[crate::Recertified]) -> Vec<Finding> {
    let period = a.config.recertification.period_days;
    let mut out: Vec<Finding> = record
        .iter()
        .map(|r| {
            let (status, message) = match (&r.certified_at, r.outstanding.first()) {
                (_, Some(o)) => (Status::Fail, format!("`{}`: {o}", r.principal)),
                (Some(t), None) if (a.now - *t).num_days() <= period => (
                    Status::Pass,
                    format!(
                        "`{}` was recertified on {} (campaign `{}`)",
                        r.principal,
                        t.date_naive(),
                        r.campaign
                    ),
                ),
                (Some(t), None) => (
                    Status::Fail,
                    format!(
                        "`{}` was last recertified on {}, more than {period} days ago",
                        r.principal,
                        t.date_naive()
                    ),
                ),
                (None, None) => (
                    Status::Fail,
                    format!("`{}` was never recertified", r.principal),
                ),
            };
            let mut f = m.finding(status, &r.principal, message);
            f.principal = Some(r.principal.clone());
            f.evidence.push(fact("campaign", r.campaign.clone()));
            f
        })
        .collect();
    let covered: std::collections::HashSet<&str> =
        record.iter().map(|r| r.principal.as_str()).collect();
    for p in a
        .access
        .principals
        .iter()
        .filter(|p| p.kind == PrincipalType::User && !covered.contains(p.arn.as_str()))
    {
        let mut f = m.finding(
            Status::Fail,
            &p.arn,
            format!(
                "user `{}` is in no completed recertification campaign",
                p.name
            ),
        );
        f.principal = Some(p.arn.clone());
        out.push(f);
    }
    out
}
