use phiward_report::{Finding, Severity, Status};

use crate::{per_log_bucket, fact, Audit, Meta};

check! {
    /// What: each bucket a trail or the AWS Config channel writes to. An enabled lifecycle
    /// rule that expires current objects sooner than the period fails; so does an Object Lock
    /// default retention shorter than it when no lifecycle rule keeps the logs longer. A
    /// bucket whose lifecycle configuration was not collected is `not_evaluated`.
    /// Why: HIPAA keeps required documentation six years (164.316(b)(2)(i)), and audit
    /// controls need the records to exist when an incident is investigated (164.312(b)).
    /// Fix: lengthen or remove the expiration rule (transition old logs to Glacier instead).
    pub static CHECK = Meta {
        id: "LOG-011",
        title: "Audit logs are retained six years",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.316(b)(2)(i)", "164.312(b)"],
        cis: None,
        remediation: "lengthen the log bucket's expiration to at least the retention period, transitioning old logs to Glacier Deep Archive instead of deleting them",
    },
    run
}

/// The shortest expiration (days) of the enabled rules expiring current objects.
fn expires(rules: &[serde_json::Value]) -> Option<i64> {
    rules
        .iter()
        .filter(|r| r.get("Status").and_then(|s| s.as_str()) == Some("Enabled"))
        .filter_map(|r| r.get("Expiration")?.get("Days")?.as_i64())
        .min()
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let need = a.config.thresholds.log_retention_days;
    per_log_bucket(m, a, |b, arn, from| {
        let name = &b.name;
        let Some(rules) = b.lifecycle_rules.get() else {
            return m.finding(
                Status::NotEvaluated,
                arn,
                format!("the lifecycle configuration of log bucket `{name}` was not collected"),
            );
        };
        let mut f = match expires(rules) {
            Some(days) if days < need => m.finding(
                Status::Fail,
                arn,
                format!(
                    "log bucket `{name}` ({from}) deletes logs after {days} days (keep {need})"
                ),
            ),
            Some(days) => m.finding(
                Status::Pass,
                arn,
                format!("log bucket `{name}` keeps logs {days} days"),
            ),
            None => m.finding(
                Status::Pass,
                arn,
                format!("log bucket `{name}` never expires its logs"),
            ),
        };
        f.evidence.push(fact(
            "s3api get-bucket-lifecycle-configuration",
            match expires(rules) {
                Some(days) => format!("shortest expiration {days} days"),
                None => "no rule expires current objects".to_string(),
            },
        ));
        f
    })
}
