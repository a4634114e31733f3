use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each user whose two access keys are both active while the newer one is older
    /// than the configured overlap (default 2 days).
    /// Why: the monthly scheme keeps one key active from the 1st to the 16th and the other
    /// from the 15th to the 30th; once the newer key is in use the older one must be
    /// deactivated, or two long-lived credentials stay valid (164.308(a)(5)(ii)(D)).
    /// Fix: switch every workload to the newer key, then deactivate the older one.
    pub static CHECK = Meta {
        id: "KEY-002",
        title: "Rotation finishes: two keys overlap briefly",
        severity: Severity::Medium,
        practice: 4,
        hipaa: &["164.308(a)(5)(ii)(D)", "164.312(d)"],
        cis: Some("1.13"),
        remediation:
                "move every workload to the newer key, then deactivate and delete the older one",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let days = a.config.thresholds.key_overlap_days;
    let mut out = Vec::new();
    for r in report.rows.iter().filter(|r| r.user != "<root_account>") {
        if r.access_key_1_active.get() != Some(true) || r.access_key_2_active.get() != Some(true) {
            continue;
        }
        let (Some(k1), Some(k2)) = (
            r.access_key_1_last_rotated.get(),
            r.access_key_2_last_rotated.get(),
        ) else {
            continue;
        };
        let newer = k1.max(k2);
        let overlap = (a.now - newer).num_days();
        let status = if a.now - newer > Duration::days(days) {
            Status::Fail
        } else {
            Status::Pass
        };
        let mut f = m.finding(
            status,
            &r.arn,
            format!(
                "both access keys of `{}` are active; the newer one is {overlap} days old (overlap at most {days})",
                r.user
            ),
        );
        f.principal = Some(r.arn.clone());
        f.evidence.push(fact(
            "credential report",
            format!(
                "access_key_1_last_rotated {}, access_key_2_last_rotated {}",
                k1.date_naive(),
                k2.date_naive()
            ),
        ));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no user has two active access keys",
        ));
    }
    out
}
