use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: each Secrets Manager secret without rotation enabled, rotating less often than
    /// the configured period (default 90 days), or not rotated within twice that period.
    /// Why: database passwords and partner API keys reach PHI as surely as access keys, and
    /// a secret that never changes outlives every person who saw it (164.308(a)(5)(ii)(D)).
    /// Fix: enable rotation with a rotation function and a schedule within the period.
    pub static CHECK = Meta {
        id: "KEY-005",
        title: "Secrets rotate",
        severity: Severity::Medium,
        practice: 4,
        hipaa: &["164.308(a)(5)(ii)(D)", "164.312(a)(2)(iv)"],
        cis: None,
        remediation: "aws secretsmanager rotate-secret --secret-id SECRET --rotation-lambda-arn FN --rotation-rules AutomaticallyAfterDays=30",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(secrets) = a.snapshot.secrets.get() else {
        return vec![m.not_evaluated(a, "Secrets Manager")];
    };
    let days = a.config.thresholds.secret_rotation_days;
    let mut out = Vec::new();
    for s in secrets {
        let every = s
            .rotation_rules
            .as_ref()
            .and_then(|r| r.automatically_after_days);
        let stale = s
            .last_rotated_date
            .is_none_or(|t| a.now - t > Duration::days(2 * days));
        let (status, msg) = if s.rotation_enabled != Some(true) {
            (Status::Fail, format!("secret `{}` does not rotate", s.name))
        } else if every.is_some_and(|e| i64::from(e) > days) {
            (
                Status::Fail,
                format!(
                    "secret `{}` rotates every {} days (at most {days})",
                    s.name,
                    every.unwrap_or_default()
                ),
            )
        } else if stale {
            (
                Status::Fail,
                format!(
                    "secret `{}` has rotation enabled but was not rotated in {} days",
                    s.name,
                    2 * days
                ),
            )
        } else {
            (Status::Pass, format!("secret `{}` rotates", s.name))
        };
        let mut f = m.finding(status, &s.arn, msg);
        f.evidence.push(fact(
            "secretsmanager list-secrets",
            format!(
                "RotationEnabled {}, AutomaticallyAfterDays {}, LastRotatedDate {}",
                s.rotation_enabled.map_or("not set".into(), |r| r.to_string()),
                every.map_or("not set".into(), |d| d.to_string()),
                s.last_rotated_date
                    .map_or("none".into(), |t| t.date_naive().to_string())
            ),
        ));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "the account holds no secrets",
        ));
    }
    out
}
