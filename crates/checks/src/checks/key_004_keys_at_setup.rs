use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each console user whose active access key was created within a day of the user
    /// and has never been used (CIS 1.11).
    /// Why: keys handed out "just in case" at sign-up are long-lived credentials nobody needs
    /// or watches (164.308(a)(4)(ii)(B)).
    /// Fix: delete the key; create keys only when a workload needs them.
    pub static CHECK = Meta {
        id: "KEY-004",
        title: "No access keys created at user set-up",
        severity: Severity::Low,
        practice: 4,
        hipaa: &["164.308(a)(4)(ii)(B)"],
        cis: Some("1.11"),
        remediation: "delete access keys that were created with the user and never used",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let mut out = Vec::new();
    for r in report
        .rows
        .iter()
        .filter(|r| r.user != "<root_account>" && r.password_enabled.get() == Some(true))
    {
        let Some(created) = r.user_creation_time.get() else {
            continue;
        };
        for (n, active, rotated, used) in [
            (
                1,
                &r.access_key_1_active,
                &r.access_key_1_last_rotated,
                &r.access_key_1_last_used_date,
            ),
            (
                2,
                &r.access_key_2_active,
                &r.access_key_2_last_rotated,
                &r.access_key_2_last_used_date,
            ),
        ] {
            if active.get() != Some(true) {
                continue;
            }
            let Some(key) = rotated.get() else { continue };
            let at_setup = key - created < Duration::days(1);
            let never = used.get().is_none();
            let status = if at_setup && never {
                Status::Fail
            } else {
                Status::Pass
            };
            let msg = if status == Status::Fail {
                format!(
                    "access key {n} of `{}` was created with the user and never used",
                    r.user
                )
            } else {
                format!(
                    "access key {n} of `{}` is in use or was created later",
                    r.user
                )
            };
            let mut f = m.finding(status, &r.arn, msg);
            f.principal = Some(r.arn.clone());
            f.evidence.push(fact(
                "credential report",
                format!(
                    "user_creation_time {}, access_key_{n}_last_rotated {}, last used {}",
                    created.date_naive(),
                    key.date_naive(),
                    used.get()
                        .map_or("never".into(), |t| t.date_naive().to_string())
                ),
            ));
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no console user holds an access key",
        ));
    }
    out
}
