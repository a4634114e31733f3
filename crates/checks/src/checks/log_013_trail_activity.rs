use phiward_report::{Evidence, Finding, Severity, Status};
use phiward_trail::detect::Kind;

use crate::{Audit, Meta};

check! {
    /// What: with CloudTrail logs given to the audit (`--logs`, or a `cloudtrail-logs/`
    /// folder in the snapshot), one finding per kind of event a HIPAA reviewer must see:
    /// root activity, trails stopped, deleted or changed (`StopLogging`, `DeleteTrail`,
    /// `UpdateTrail`), console sign-ins without MFA, access keys created for another user,
    /// and policy changes (IAM, bucket and key policies) by anyone but the automation
    /// principals (`[admins] automation`). Each names its events (file, record, time,
    /// source address). Without logs the check is `not_evaluated`.
    /// Why: audit controls are only as good as the review of what they record
    /// (164.312(b), 164.308(a)(1)(ii)(D) information system activity review,
    /// 164.308(a)(6)(ii) response and reporting).
    /// Fix: investigate each event; then remove the cause (root keys, MFA-less sign-in,
    /// hand-made policy changes) and route such changes through the automation roles.
    pub static CHECK = Meta {
        id: "LOG-013",
        title: "No CloudTrail activity needing review",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
        cis: Some("4.3"),
        remediation: "investigate each event with its owner; stop using root, require MFA at sign-in, and make policy changes only through the automation roles",
    },
    run
}

const KINDS: [(Kind, &str); 5] = [
    (Kind::RootActivity, "root activity"),
    (Kind::LoggingChanged, "trails stopped, deleted or changed"),
    (Kind::ConsoleLoginWithoutMfa, "console sign-ins without MFA"),
    (
        Kind::AccessKeyForAnotherUser,
        "access keys created for another user",
    ),
    (
        Kind::PolicyChangeOutsideAutomation,
        "policy changes outside the automation principals",
    ),
];

/// Events named as evidence per kind; the message gives the total.
const SHOWN: usize = 20;

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(d) = a.detections else {
        return vec![m.not_evaluated(a, "CloudTrail logs (audit --logs)")];
    };
    KINDS
        .iter()
        .map(|(kind, what)| {
            let found: Vec<_> = d.detections.iter().filter(|x| x.kind == *kind).collect();
            if found.is_empty() {
                return m.finding(
                    Status::Pass,
                    a.account_resource(),
                    format!("the logs show no {what}"),
                );
            }
            let mut who: Vec<&str> = found.iter().map(|x| x.principal.as_str()).collect();
            who.sort_unstable();
            who.dedup();
            let mut f = m.finding(
                Status::Fail,
                a.account_resource(),
                format!(
                    "the logs show {} {what}, by {}",
                    found.len(),
                    who.join(", ")
                ),
            );
            if who.len() == 1 {
                f.principal = who.first().map(|w| (*w).to_string());
            }
            f.evidence = found
                .iter()
                .take(SHOWN)
                .map(|x| Evidence {
                    source: format!("{} record {}", x.evidence.file.display(), x.evidence.record),
                    statement: None,
                    line: None,
                    detail: format!(
                        "{} {} from {}: {}",
                        x.evidence.event_time, x.evidence.event, x.evidence.source_ip, x.summary
                    ),
                })
                .collect();
            f
        })
        .collect()
}
