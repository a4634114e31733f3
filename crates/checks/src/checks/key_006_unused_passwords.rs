use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each user with a console password not used for N days (or never, while the
    /// user is older than N days). Break-glass users are exempt.
    /// Why: an unused password is a way in that nobody would miss or notice being used
    /// (164.308(a)(3)(ii)(C), 164.308(a)(5)(ii)(D)); CIS 1.12.
    /// Fix: remove the login profile (`aws iam delete-login-profile`).
    pub static CHECK = Meta {
        id: "KEY-006",
        title: "No unused console passwords",
        severity: Severity::Medium,
        practice: 4,
        hipaa: &["164.308(a)(3)(ii)(C)", "164.308(a)(5)(ii)(D)"],
        cis: Some("1.12"),
        remediation:
                "remove the unused login profile: aws iam delete-login-profile --user-name USER",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let days = a.config.thresholds.unused_password_days;
    let since = a.now - Duration::days(days);
    let mut out = Vec::new();
    for r in report
        .rows
        .iter()
        .filter(|r| r.user != "<root_account>" && r.password_enabled.get() == Some(true))
    {
        if a.config.is_break_glass(&r.user, &r.arn) {
            continue;
        }
        let used = r.password_last_used.get();
        let young = r.user_creation_time.get().is_some_and(|c| c > since);
        let (status, msg) = match used {
            Some(t) if t >= since => (
                Status::Pass,
                format!(
                    "the password of `{}` was used on {}",
                    r.user,
                    t.date_naive()
                ),
            ),
            _ if young => (
                Status::Pass,
                format!("`{}` is less than {days} days old", r.user),
            ),
            Some(t) => (
                Status::Fail,
                format!(
                    "the password of `{}` has not been used since {}",
                    r.user,
                    t.date_naive()
                ),
            ),
            None => (
                Status::Fail,
                format!("the password of `{}` has never been used", r.user),
            ),
        };
        let mut f = m.finding(status, &r.arn, msg);
        f.principal = Some(r.arn.clone());
        f.evidence.push(fact(
            "credential report",
            "password_enabled true, password_last_used",
        ));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no user has a console password",
        ));
    }
    out
}
