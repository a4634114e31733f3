use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the credential report's root row: password last used, and each access key's last
    /// use, all older than the threshold (measured from the snapshot's moment).
    /// Why: daily work as root defeats unique user identification (164.312(a)(2)(i)) and leaves
    /// no least-privilege boundary. CIS 1.7.
    /// Fix: create named administrator roles, lock the root credentials away, and alarm on
    /// root use (LOG-006).
    pub static CHECK = Meta {
        id: "ROOT-003",
        title: "The root user is not used",
        severity: Severity::High,
        practice: 1,
        hipaa: &["164.312(a)(2)(i)", "164.308(a)(3)(ii)(A)"],
        cis: Some("1.7"),
        remediation: "stop using the root user: do daily administration through federated roles, keep root for the few tasks that need it, and alarm on its use",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(row) = a.snapshot.credential_report.get().and_then(|r| r.root()) else {
        return vec![m.not_evaluated(a, "the root row of the credential report")];
    };
    let since = a.now - Duration::days(a.config.thresholds.root_unused_days);
    let uses = [
        ("password_last_used", row.password_last_used.get()),
        (
            "access_key_1_last_used_date",
            row.access_key_1_last_used_date.get(),
        ),
        (
            "access_key_2_last_used_date",
            row.access_key_2_last_used_date.get(),
        ),
    ];
    let recent: Vec<_> = uses
        .iter()
        .filter_map(|(k, t)| t.filter(|t| *t >= since).map(|t| (*k, t)))
        .collect();
    let days = a.config.thresholds.root_unused_days;
    if recent.is_empty() {
        return vec![m.finding(
            Status::Pass,
            a.account_resource(),
            format!("the root user was not used in the last {days} days"),
        )];
    }
    let mut f = m.finding(
        Status::Fail,
        a.account_resource(),
        format!("the root user was used in the last {days} days"),
    );
    for (k, t) in recent {
        f.evidence.push(fact(
            "credential report <root_account>",
            format!("{k} {}", t.to_rfc3339()),
        ));
    }
    vec![f]
}
