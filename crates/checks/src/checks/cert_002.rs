//! CERT-002: every principal's access was recertified within the period (default 90
//! days).
//!
//! What: the date each user and role was last re-approved by its manager, from the
//! recertification record (`phiward certify`). Until a record is given, the check is
//! `not_evaluated`, never `pass`.
//! Why: HIPAA asks for periodic review of who can reach ePHI (164.308(a)(4)(ii)(C) access
//! establishment and modification, 164.308(a)(1)(ii)(D)).
//! Fix: run a recertification campaign and have each manager approve or revoke.

use phiward_report::{Finding, Severity, Status};

use crate::{Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "CERT-002",
        title: "Access is recertified every period",
        severity: Severity::Medium,
        practice: 6,
        hipaa: &["164.308(a)(4)(ii)(C)", "164.308(a)(1)(ii)(D)"],
        cis: None,
        source: include_str!("cert_002.rs"),
        remediation: "run a recertification campaign (phiward certify) in which each principal's manager approves or revokes its access",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    vec![m.finding(
        Status::NotEvaluated,
        a.account_resource(),
        format!(
            "no recertification record was given: whether access was re-approved in the last {} days is unknown",
            a.config.recertification.period_days
        ),
    )]
}
