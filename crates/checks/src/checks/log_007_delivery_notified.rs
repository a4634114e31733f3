use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each trail that is logging without an SNS topic (`SnsTopicARN`) notified of
    /// each log file delivered, or whose topic has no confirmed subscription.
    /// Why: a delivery notification is how downstream archiving and monitoring learn that
    /// logs keep arriving; silence is the first sign of tampering (164.312(b),
    /// 164.308(a)(1)(ii)(D)).
    /// Fix: `aws cloudtrail update-trail --name TRAIL --sns-topic-name TOPIC` and confirm a
    /// subscription.
    pub static CHECK = Meta {
        id: "LOG-007",
        title: "Log delivery is notified",
        severity: Severity::Low,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        cis: None,
        remediation: "aws cloudtrail update-trail --name TRAIL --sns-topic-name TOPIC, then confirm a subscription on the topic",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let subs = a.snapshot.sns_subscriptions.get();
    let mut out: Vec<Finding> = trails
        .iter()
        .map(|t| match (&t.sns_topic_arn, subs) {
            (None, _) => m.finding(
                Status::Fail,
                &t.trail_arn,
                format!("trail `{}` notifies no SNS topic of log delivery", t.name),
            ),
            (Some(topic), None) => m.finding(
                Status::NotEvaluated,
                &t.trail_arn,
                format!("trail `{}` notifies `{topic}`; SNS subscriptions were not collected", t.name),
            ),
            (Some(topic), Some(subs)) => {
                let ok = subs
                    .iter()
                    .any(|s| &s.topic_arn == topic && s.subscription_arn.starts_with("arn:"));
                let mut f = if ok {
                    m.finding(
                        Status::Pass,
                        &t.trail_arn,
                        format!("trail `{}` notifies `{topic}`, which has a confirmed subscriber", t.name),
                    )
                } else {
                    m.finding(
                        Status::Fail,
                        &t.trail_arn,
                        format!("trail `{}` notifies `{topic}`, which nobody has confirmed a subscription to", t.name),
                    )
                };
                f.evidence.push(fact("cloudtrail describe-trails", format!("SnsTopicARN {topic}")));
                f
            }
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Fail,
            a.account_resource(),
            "the account has no trail",
        ));
    }
    out
}
