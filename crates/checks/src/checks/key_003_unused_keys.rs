use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each active key in the credential report whose last use is older than N days, or
    /// that was never used while older than N days.
    /// Why: an unused key is a credential nobody needs and nobody watches
    /// (164.308(a)(4)(ii)(C)). CIS 1.12.
    /// Fix: deactivate the key, and delete it after a grace period.
    pub static CHECK = Meta {
        id: "KEY-003",
        title: "No unused access keys",
        severity: Severity::Medium,
        practice: 4,
        hipaa: &["164.308(a)(4)(ii)(C)", "164.308(a)(5)(ii)(D)"],
        cis: Some("1.12"),
        remediation: "deactivate the unused key, then delete it once nothing breaks",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let days = a.config.thresholds.unused_key_days;
    let since = a.now - Duration::days(days);
    let mut out = Vec::new();
    for r in report.rows.iter().filter(|r| r.user != "<root_account>") {
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
            let created = rotated.get();
            let (status, msg) = match used.get() {
                Some(t) if t >= since => (
                    Status::Pass,
                    format!(
                        "access key {n} of `{}` was used on {}",
                        r.user,
                        t.date_naive()
                    ),
                ),
                _ if created.is_some_and(|c| c > since) => (
                    Status::Pass,
                    format!(
                        "access key {n} of `{}` is less than {days} days old",
                        r.user
                    ),
                ),
                Some(t) => (
                    Status::Fail,
                    format!(
                        "access key {n} of `{}` has not been used since {}",
                        r.user,
                        t.date_naive()
                    ),
                ),
                None => (
                    Status::Fail,
                    format!("access key {n} of `{}` has never been used", r.user),
                ),
            };
            let mut f = m.finding(status, &r.arn, msg);
            f.principal = Some(r.arn.clone());
            f.evidence.push(fact(
                "credential report",
                format!("access_key_{n}_last_used_date"),
            ));
            out.push(f);
        }
    }
    out
}
