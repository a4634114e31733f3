use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: the credential report's `access_key_N_active` and `access_key_N_last_rotated`,
    /// measured from the snapshot's moment.
    /// Why: long-lived keys are the credential most often leaked; rotation on a schedule is
    /// part of the access control HIPAA teams must show (164.308(a)(5)(ii)(D),
    /// 164.312(a)(1)). CIS 1.14. A monthly scheme (one key active 1st-16th, the other
    /// 15th-30th) implies a maximum of about 32 days.
    /// Fix: create a new key, move the workload to it, deactivate and delete the old one.
    pub static CHECK = Meta {
        id: "KEY-001",
        title: "Access keys are rotated",
        severity: Severity::Medium,
        practice: 4,
        hipaa: &["164.308(a)(5)(ii)(D)", "164.312(a)(1)"],
        cis: Some("1.14"),
        remediation: "rotate the key: create a second key, switch the workload to it, then deactivate and delete the old one",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(report) = a.snapshot.credential_report.get() else {
        return vec![m.not_evaluated(a, "the credential report")];
    };
    let max = a.config.thresholds.max_key_age_days;
    let mut out = Vec::new();
    for r in report.rows.iter().filter(|r| r.user != "<root_account>") {
        for (n, active, rotated) in [
            (1, &r.access_key_1_active, &r.access_key_1_last_rotated),
            (2, &r.access_key_2_active, &r.access_key_2_last_rotated),
        ] {
            if active.get() != Some(true) {
                continue;
            }
            let Some(at) = rotated.get() else { continue };
            let age = (a.now - at).num_days();
            let old = a.now - at > Duration::days(max);
            let mut f = m.finding(
                if old { Status::Fail } else { Status::Pass },
                &r.arn,
                format!(
                    "access key {n} of `{}` is {age} days old (at most {max})",
                    r.user
                ),
            );
            f.principal = Some(r.arn.clone());
            f.evidence.push(fact(
                "credential report",
                format!("access_key_{n}_last_rotated {}", at.to_rfc3339()),
            ));
            out.push(f);
        }
    }
    out
}
