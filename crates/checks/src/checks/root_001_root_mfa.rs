use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the account summary's `AccountMFAEnabled` (or, without it, the credential report's
    /// `<root_account>` row) shows MFA on the root user.
    /// Why: root can do anything and cannot be restricted by IAM policies; a password alone is
    /// one phishing email away from every PHI store. 164.312(d) requires authenticating the
    /// person; CIS 1.5.
    /// Fix: enable a hardware MFA device on the root user and store it with the break-glass
    /// procedure.
    pub static CHECK = Meta {
        id: "ROOT-001",
        title: "The root user has MFA",
        severity: Severity::Critical,
        practice: 1,
        hipaa: &["164.312(d)", "164.312(a)(1)"],
        cis: Some("1.5"),
        remediation: "enable a hardware MFA device on the root user (IAM console, Security credentials of the root user)",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let from_summary = a
        .snapshot
        .account_summary
        .get()
        .and_then(|s| s.root_mfa_enabled());
    let (enabled, source) = match from_summary {
        Some(v) => (Some(v), "iam get-account-summary AccountMFAEnabled"),
        None => (
            a.snapshot
                .credential_report
                .get()
                .and_then(|r| r.root())
                .and_then(|row| row.mfa_active.get()),
            "credential report <root_account> mfa_active",
        ),
    };
    let Some(enabled) = enabled else {
        return vec![m.not_evaluated(
            a,
            "the account summary and the root row of the credential report",
        )];
    };
    let (status, msg) = if enabled {
        (Status::Pass, "the root user has MFA")
    } else {
        (Status::Fail, "the root user has no MFA")
    };
    let mut f = m.finding(status, a.account_resource(), msg);
    f.evidence
        .push(fact(source, if enabled { "1" } else { "0" }));
    vec![f]
}
