use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the credential report: `password_enabled` true and `mfa_active` false.
    /// Why: person or entity authentication (164.312(d)) for people who reach PHI through the
    /// console; CIS 1.10.
    /// Fix: enforce MFA (a policy denying everything without `aws:MultiFactorAuthPresent`,
    /// written with `BoolIfExists`) and enroll a device for each user, or move people to
    /// federated sign-in.
    pub static CHECK = Meta {
        id: "MFA-001",
        title: "Console users have MFA",
        severity: Severity::High,
        practice: 3,
        hipaa: &["164.312(d)"],
        cis: Some("1.10"),
        remediation: "enroll an MFA device for the user, or remove the console password and sign in through the identity provider",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let mut out: Vec<Finding> = report
        .rows
        .iter()
        .filter(|r| r.user != "<root_account>")
        .filter(|r| r.password_enabled.get() == Some(true))
        .map(|r| {
            let mfa = r.mfa_active.get() == Some(true);
            let mut f = if mfa {
                m.finding(
                    Status::Pass,
                    &r.arn,
                    format!("console user `{}` has MFA", r.user),
                )
            } else {
                m.finding(
                    Status::Fail,
                    &r.arn,
                    format!("console user `{}` has no MFA", r.user),
                )
            };
            f.principal = Some(r.arn.clone());
            f.evidence.push(fact(
                "credential report",
                format!("password_enabled true, mfa_active {mfa}"),
            ));
            f
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no IAM user has a console password",
        ));
    }
    out
}
