use chrono::NaiveDate;
use phiward_report::{Finding, Severity, Status};
use phiward_snapshot::model::iam::Tag;

use crate::{fact, Audit, Meta};

check! {
    /// What: each user or role tagged with an end date (`[recertification] end_tags`, by
    /// default `contract-end`, `end-date`, `expires`; `YYYY-MM-DD`) that has passed, while the
    /// user still has a console password or an active access key, or the role still exists.
    /// Why: termination procedures must end access when employment or a contract ends
    /// (164.308(a)(3)(ii)(C)).
    /// Fix: disable the user's password and keys (or delete the role), or extend the tag after
    /// the manager re-approves the access.
    pub static CHECK = Meta {
        id: "CERT-003",
        title: "Access ends at the contract's end date",
        severity: Severity::High,
        practice: 6,
        hipaa: &["164.308(a)(3)(ii)(C)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        remediation: "disable the console password and access keys of the principal, or have its manager extend the end date",
    },
    run
}

fn end_date<'t>(a: &Audit<'_>, tags: &'t [Tag]) -> Option<(&'t Tag, Option<NaiveDate>)> {
    let t = tags.iter().find(|t| {
        a.config
            .recertification
            .end_tags
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&t.key))
    })?;
    let date = t
        .value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    Some((t, date))
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(iam) = a.snapshot.iam.get() else {
        return vec![m.not_evaluated(a, "IAM")];
    };
    let today = a.now.date_naive();
    let mut out = Vec::new();
    let users = iam.users.iter().map(|u| {
        let live = u.credentials.get().map(|c| {
            c.password_enabled
                || c.access_keys
                    .iter()
                    .any(|k| k.status == phiward_snapshot::model::iam::CredentialStatus::Active)
        });
        (&u.arn, &u.user_name, &u.tags, live)
    });
    let roles = iam
        .roles
        .iter()
        .map(|r| (&r.arn, &r.role_name, &r.tags, Some(true)));
    for (arn, name, tags, live) in users.chain(roles) {
        let Some((tag, date)) = end_date(a, tags) else {
            continue;
        };
        let mut f = match (date, live) {
            (None, _) => m.finding(
                Status::Error,
                arn.as_str(),
                format!(
                    "`{name}`: tag `{}` = `{}` is not a YYYY-MM-DD date",
                    tag.key, tag.value
                ),
            ),
            (Some(d), _) if d >= today => m.finding(
                Status::Pass,
                arn.as_str(),
                format!("`{name}`'s access ends on {d}"),
            ),
            (Some(d), Some(false)) => m.finding(
                Status::Pass,
                arn.as_str(),
                format!("`{name}` ended on {d} and holds no password or active key"),
            ),
            (Some(d), None) => m.finding(
                Status::NotEvaluated,
                arn.as_str(),
                format!("`{name}` ended on {d}; its credentials were not collected"),
            ),
            (Some(d), Some(true)) => m.finding(
                Status::Fail,
                arn.as_str(),
                format!(
                    "`{name}` is still usable {} days after its end date {d}",
                    (today - d).num_days()
                ),
            ),
        };
        f.principal = Some(arn.clone());
        f.evidence
            .push(fact("tags", format!("{} = {}", tag.key, tag.value)));
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no principal carries an end date that has passed",
        ));
    }
    out
}
