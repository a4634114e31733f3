use phiward_report::{Finding, Severity, Status};
use phiward_snapshot::model::logging::{Alarm, MetricFilter};

use crate::{fact, Audit, Meta};

check! {
    /// What: for each event CIS AWS Foundations section 4 monitors (unauthorized API calls,
    /// console sign-in without MFA, root usage, IAM policy changes, CloudTrail changes, AWS
    /// Config changes), a CloudWatch Logs metric filter on a log group that a logging trail
    /// delivers to, whose pattern names every event CIS lists, and an enabled alarm on the
    /// filter's metric that notifies an SNS topic with at least one confirmed subscription.
    /// Why: someone must hear when logging stops or administrators change access
    /// (164.308(a)(1)(ii)(D) information system activity review, 164.308(a)(6)(ii)).
    /// Fix: create the CIS metric filter and alarm, and confirm a subscription on its topic.
    pub static CHECK = Meta {
        id: "LOG-006",
        title: "Alarms watch the CIS monitoring events",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)", "164.312(b)"],
        cis: Some("4.1-4.15"),
        remediation: "create the CIS metric filter on the trail's log group, an alarm on its metric, and an SNS topic with a confirmed subscriber",
    },
    run
}

/// The monitored events: name, CIS control, and the tokens the filter pattern must name.
const EVENTS: &[(&str, &str, &[&str])] = &[
    (
        "unauthorized API calls",
        "4.1",
        &["UnauthorizedOperation", "AccessDenied"],
    ),
    (
        "console sign-in without MFA",
        "4.2",
        &["ConsoleLogin", "MFAUsed"],
    ),
    ("root usage", "4.3", &["userIdentity.type", "Root"]),
    (
        "IAM policy changes",
        "4.4",
        &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
    ),
    (
        "CloudTrail changes",
        "4.5",
        &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging",
        ],
    ),
    (
        "AWS Config changes",
        "4.9",
        &[
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
    ),
];

/// Log group names of the trails that are logging and deliver to CloudWatch Logs.
fn trail_groups(a: &Audit<'_>) -> Vec<String> {
    a.snapshot
        .trails
        .get()
        .map(|ts| {
            ts.iter()
                .filter(|t| t.status.get().is_none_or(|s| s.is_logging))
                .filter_map(|t| t.cloud_watch_logs_log_group_arn.as_deref())
                .filter_map(|arn| arn.split(":log-group:").nth(1))
                .map(|g| g.trim_end_matches(":*").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let (Some(filters), Some(alarms), Some(subs)) = (
        a.snapshot.metric_filters.get(),
        a.snapshot.alarms.get(),
        a.snapshot.sns_subscriptions.get(),
    ) else {
        return vec![m.not_evaluated(a, "metric filters, alarms or SNS subscriptions")];
    };
    let groups = trail_groups(a);
    let confirmed = |topic: &str| {
        subs.iter()
            .any(|s| s.topic_arn == topic && s.subscription_arn.starts_with("arn:"))
    };
    let alarmed = |f: &MetricFilter| -> Option<&Alarm> {
        alarms.iter().find(|al| {
            al.actions_enabled != Some(false)
                && f.metric_transformations.iter().any(|t| {
                    al.metric_name.as_deref() == Some(t.metric_name.as_str())
                        && al.namespace.as_deref() == Some(t.metric_namespace.as_str())
                })
                && al.alarm_actions.iter().any(|x| confirmed(x))
        })
    };
    EVENTS
        .iter()
        .map(|(what, cis, tokens)| {
            let candidates: Vec<&MetricFilter> = filters
                .iter()
                .filter(|f| groups.contains(&f.log_group_name))
                .filter(|f| tokens.iter().any(|t| f.filter_pattern.contains(t)))
                .collect();
            let best = candidates
                .iter()
                .map(|f| {
                    let missing: Vec<&str> = tokens
                        .iter()
                        .filter(|t| !f.filter_pattern.contains(**t))
                        .copied()
                        .collect();
                    (*f, missing)
                })
                .min_by_key(|(f, missing)| (missing.len(), alarmed(f).is_none()));
            let resource = a.account_resource();
            match best {
                None => m.finding(
                    Status::Fail,
                    resource,
                    format!("no metric filter on a trail's log group watches {what} (CIS {cis})"),
                ),
                Some((f, missing)) if !missing.is_empty() => {
                    let mut x = m.finding(
                        Status::Fail,
                        resource,
                        format!(
                            "metric filter `{}` for {what} misses {} of the {} events CIS {cis} lists: {}",
                            f.filter_name,
                            missing.len(),
                            tokens.len(),
                            missing.join(", ")
                        ),
                    );
                    x.evidence.push(fact("logs describe-metric-filters", f.filter_pattern.clone()));
                    x
                }
                Some((f, _)) => match alarmed(f) {
                    Some(al) => {
                        let mut x = m.finding(
                            Status::Pass,
                            &al.alarm_arn,
                            format!("alarm `{}` watches {what} and notifies a confirmed subscriber", al.alarm_name),
                        );
                        x.evidence.push(fact("logs describe-metric-filters", f.filter_pattern.clone()));
                        x
                    }
                    None => {
                        let mut x = m.finding(
                            Status::Fail,
                            resource,
                            format!(
                                "metric filter `{}` watches {what} but no enabled alarm notifies a confirmed SNS subscriber",
                                f.filter_name
                            ),
                        );
                        x.evidence.push(fact("logs describe-metric-filters", f.filter_pattern.clone()));
                        x
                    }
                },
            }
        })
        .collect()
}
