use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: `LogFileValidationEnabled` on each trail of `cloudtrail describe-trails`.
    /// Why: digest files let an auditor prove the logs were not altered after delivery
    /// (164.312(b) audit controls, 164.312(c)(1) integrity). CIS 3.2.
    /// Fix: `aws cloudtrail update-trail --name TRAIL --enable-log-file-validation`.
    pub static CHECK = Meta {
        id: "LOG-002",
        title: "Trails validate their log files",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.312(b)", "164.312(c)(1)"],
        cis: Some("3.2"),
        remediation: "enable log file validation: aws cloudtrail update-trail --name TRAIL --enable-log-file-validation",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    trails
        .iter()
        .map(|t| {
            let on = t.log_file_validation_enabled == Some(true);
            let mut f = if on {
                m.finding(
                    Status::Pass,
                    &t.trail_arn,
                    format!("trail `{}` validates its log files", t.name),
                )
            } else {
                m.finding(
                    Status::Fail,
                    &t.trail_arn,
                    format!("trail `{}` does not validate its log files", t.name),
                )
            };
            f.evidence.push(fact(
                "cloudtrail describe-trails",
                format!("LogFileValidationEnabled {on}"),
            ));
            f
        })
        .collect()
}
