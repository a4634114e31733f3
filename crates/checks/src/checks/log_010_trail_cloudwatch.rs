use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each multi-region trail has `CloudWatchLogsLogGroupArn` set.
    /// Why: metric filters and alarms on CloudTrail events (LOG-006), the way teams learn that
    /// logging stopped or root signed in, need the events in CloudWatch Logs (164.312(b),
    /// 164.308(a)(1)(ii)(D)). CIS 3.4.
    /// Fix: `aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN
    /// --cloud-watch-logs-role-arn ROLE`.
    pub static CHECK = Meta {
        id: "LOG-010",
        title: "Trails are sent to CloudWatch Logs",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        cis: Some("3.4"),
        remediation: "aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE",
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
            let mut f = match &t.cloud_watch_logs_log_group_arn {
                Some(group) => {
                    let mut f = m.finding(
                        Status::Pass,
                        &t.trail_arn,
                        format!("trail `{}` sends its events to CloudWatch Logs", t.name),
                    );
                    f.evidence.push(fact(
                        "cloudtrail describe-trails",
                        format!("CloudWatchLogsLogGroupArn {group}"),
                    ));
                    f
                }
                None => m.finding(
                    Status::Fail,
                    &t.trail_arn,
                    format!(
                        "trail `{}` does not send its events to CloudWatch Logs",
                        t.name
                    ),
                ),
            };
            f.resource = t.trail_arn.clone();
            f
        })
        .collect()
}
