use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the account summary's `AccountAccessKeysPresent` (or the credential report's root
    /// row) shows no access key on the root user.
    /// Why: a root access key is an unrestricted, long-lived credential that no policy can
    /// limit; HIPAA's access control (164.312(a)(1)) cannot be shown while one exists. CIS 1.4.
    /// Fix: delete the root access keys; use roles for automation.
    pub static CHECK = Meta {
        id: "ROOT-002",
        title: "The root user has no access keys",
        severity: Severity::Critical,
        practice: 1,
        hipaa: &["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
        cis: Some("1.4"),
        remediation: "delete the root user's access keys and move any automation to IAM roles",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let from_summary = a
        .snapshot
        .account_summary
        .get()
        .and_then(|s| s.root_access_keys_present());
    let present = from_summary.or_else(|| {
        let row = a.snapshot.credential_report.get()?.root()?;
        let k1 = row.access_key_1_active.get()?;
        let k2 = row.access_key_2_active.get()?;
        Some(k1 || k2)
    });
    let Some(present) = present else {
        return vec![m.not_evaluated(
            a,
            "the account summary and the root row of the credential report",
        )];
    };
    let mut f = if present {
        m.finding(
            Status::Fail,
            a.account_resource(),
            "the root user has an access key",
        )
    } else {
        m.finding(
            Status::Pass,
            a.account_resource(),
            "the root user has no access key",
        )
    };
    f.evidence.push(fact(
        "iam get-account-summary AccountAccessKeysPresent / credential report",
        if present { "present" } else { "none" },
    ));
    vec![f]
}
