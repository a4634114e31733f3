use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each IAM user with a console password that is not a break-glass account
    /// (`[admins] break_glass`).
    /// Why: people should sign in through the directory (MFA-004); each IAM password is an
    /// identity outside termination procedures and password governance
    /// (164.308(a)(3)(ii)(C), 164.312(a)(2)(i)).
    /// Fix: move the person to federated sign-in and delete the login profile.
    pub static CHECK = Meta {
        id: "MFA-005",
        title: "Console passwords only for break-glass users",
        severity: Severity::Medium,
        practice: 3,
        hipaa: &["164.312(a)(2)(i)", "164.308(a)(3)(ii)(C)"],
        cis: None,
        remediation: "sign the person in through the identity provider, then aws iam delete-login-profile --user-name USER",
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
        .filter(|r| r.user != "<root_account>" && r.password_enabled.get() == Some(true))
        .map(|r| {
            let glass = a.config.is_break_glass(&r.user, &r.arn);
            let mut f = if glass {
                m.finding(
                    Status::Pass,
                    &r.arn,
                    format!("`{}` is a break-glass user", r.user),
                )
            } else {
                m.finding(
                    Status::Fail,
                    &r.arn,
                    format!(
                        "`{}` signs in with an IAM password instead of the identity provider",
                        r.user
                    ),
                )
            };
            f.principal = Some(r.arn.clone());
            f.evidence
                .push(fact("credential report", "password_enabled true"));
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
