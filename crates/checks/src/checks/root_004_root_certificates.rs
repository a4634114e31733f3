use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: `AccountSigningCertificatesPresent` in the account summary, else the credential
    /// report's root `cert_N_active`.
    /// Why: an X.509 certificate on root is another unrestricted long-lived credential
    /// (164.312(a)(1)).
    /// Fix: delete the root user's signing certificates.
    pub static CHECK = Meta {
        id: "ROOT-004",
        title: "The root user has no signing certificates",
        severity: Severity::High,
        practice: 1,
        hipaa: &["164.312(a)(1)"],
        cis: None,
        remediation: "delete the root user's signing certificates",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let from_summary = a
        .snapshot
        .account_summary
        .get()
        .and_then(|s| s.summary_map.get("AccountSigningCertificatesPresent"))
        .map(|n| *n > 0);
    let present = from_summary.or_else(|| {
        let row = a.snapshot.credential_report.get()?.root()?;
        Some(row.cert_1_active.get()? || row.cert_2_active.get()?)
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
            "the root user has a signing certificate",
        )
    } else {
        m.finding(
            Status::Pass,
            a.account_resource(),
            "the root user has no signing certificate",
        )
    };
    f.evidence.push(fact(
        "AccountSigningCertificatesPresent / credential report",
        present.to_string(),
    ));
    vec![f]
}
