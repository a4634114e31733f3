use phiward_access::who_can;
use phiward_report::{Finding, Severity, Status};

use crate::conditions::{in_parens, when};
use crate::{grants_evidence, listed_with, Audit, Meta};

check! {
    /// What: the engine decides who may call `cloudtrail:StopLogging`, `DeleteTrail`,
    /// `UpdateTrail` and `PutEventSelectors` on each trail, and `config:StopConfigurationRecorder`,
    /// `DeleteConfigurationRecorder` and `DeleteDeliveryChannel`, with identity policies,
    /// boundaries and SCPs. Anyone but the administrators and service-linked roles fails.
    /// Why: whoever can switch the logs off can act unseen (164.312(b), 164.308(a)(1)(ii)(D)).
    /// Fix: remove these actions from non-administrators, or deny them in an SCP except for
    /// the administrator roles.
    pub static CHECK = Meta {
        id: "LOG-009",
        title: "Only administrators can stop logging",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        cis: None,
        remediation: "remove cloudtrail:StopLogging/DeleteTrail/UpdateTrail and config:Stop*/Delete* from non-administrators, or deny them in an SCP except for administrator roles",
    },
    run
}

const TRAIL_ACTIONS: [&str; 4] = [
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
];
const CONFIG_ACTIONS: [&str; 3] = [
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
];

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let allowed = a.trusted_arns();
    let list = |x: &[&str]| x.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let mut targets: Vec<(String, String, Vec<String>)> = trails
        .iter()
        .map(|t| {
            (
                t.trail_arn.clone(),
                format!("trail `{}`", t.name),
                list(&TRAIL_ACTIONS),
            )
        })
        .collect();
    if a.snapshot
        .config
        .get()
        .is_some_and(|c| !c.recorders.is_empty())
    {
        targets.push((
            "*".into(),
            "the AWS Config recorder".into(),
            list(&CONFIG_ACTIONS),
        ));
    }
    let mut out: Vec<Finding> = targets
        .into_iter()
        .map(|(arn, what, actions)| {
            let w = who_can(a.access, "stop logging", &actions, &arn);
            let others: Vec<_> = w
                .principals
                .iter()
                .filter(|g| !allowed.contains(g.arn.as_str()))
                .collect();
            let resource = if arn == "*" {
                a.account_resource()
            } else {
                arn.clone()
            };
            let mut f = if others.is_empty() {
                m.finding(
                    Status::Pass,
                    &resource,
                    format!("only administrators can stop or delete {what}"),
                )
            } else {
                m.finding(
                    Status::Fail,
                    &resource,
                    format!(
                        "{} non-administrators can stop or delete {what}: {}",
                        others.len(),
                        listed_with(&others, |g| format!(
                            "{}{}",
                            g.arn,
                            in_parens(g.access, &g.conditions)
                        ))
                    ),
                )
            };
            let command = format!(
                "phiward who-can {} {arn} --snapshot SNAPSHOT",
                actions.first().map_or("*", String::as_str)
            );
            f.evidence.extend(grants_evidence(
                others.iter().map(|g| {
                    let detail = format!(
                        "allows {} {}{}",
                        g.arn,
                        g.actions.join(", "),
                        when(g.access, &g.conditions)
                    );
                    (g.via.as_slice(), detail)
                }),
                &command,
            ));
            f
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
