//! LP-008: no granted service goes unused for N days (default 90).
//!
//! What: for each user and role with Access Advisor data (`iam
//! get-service-last-accessed-details`), the services its policies grant that it has not
//! used in N days. Principals younger than N days are skipped; a job that had not
//! finished is `not_evaluated`. With CloudTrail logs (`phiward trail unused`) the same
//! question is answered per action.
//! Why: every unused grant is reach nobody needs (164.308(a)(4)(ii)(B) minimum necessary
//! access, 164.502(b)).
//! Fix: remove the unused services from the principal's policies, or generate a policy
//! from its use (`phiward trail policy`).

use std::collections::BTreeMap;

use chrono::Duration;
use phiward_report::{Finding, Severity, Status};
use phiward_snapshot::EntryStatus;

use crate::{fact, Audit, Check, Meta};

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-008",
        title: "No permissions unused for long",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        source: include_str!("lp_008.rs"),
        remediation: "remove the unused services from the principal's policies, or replace them with a policy generated from its use (phiward trail policy)",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(advisor) = a.snapshot.access_advisor.get() else {
        return vec![m.not_evaluated(a, "Access Advisor (iam/access-advisor/)")];
    };
    let days = a.config.thresholds.unused_permission_days;
    let since = a.now - Duration::days(days);
    let created: BTreeMap<&str, _> = a
        .snapshot
        .iam
        .get()
        .map(|iam| {
            iam.users
                .iter()
                .map(|u| (u.arn.as_str(), u.create_date))
                .chain(iam.roles.iter().map(|r| (r.arn.as_str(), r.create_date)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for pa in advisor {
        let Some(created) = created.get(pa.arn.as_str()) else {
            continue; // groups and policies: their members are reported
        };
        let name = pa.arn.rsplit('/').next().unwrap_or(&pa.arn);
        // Break-glass principals stay unused on purpose.
        if created.is_some_and(|c| c > since) || a.config.is_break_glass(name, &pa.arn) {
            continue;
        }
        let unused: Vec<String> = pa
            .services_last_accessed
            .iter()
            .filter(|s| s.last_authenticated.is_none_or(|t| t < since))
            .map(|s| match s.last_authenticated {
                Some(t) => format!("{} (last {})", s.service_namespace, t.date_naive()),
                None => s.service_namespace.clone(),
            })
            .collect();
        let total = pa.services_last_accessed.len();
        let mut f = if unused.is_empty() {
            m.finding(
                Status::Pass,
                &pa.arn,
                format!("`{name}` used every granted service in the last {days} days"),
            )
        } else {
            m.finding(
                Status::Fail,
                &pa.arn,
                format!(
                    "`{name}` has not used {} of its {total} granted services in {days} days",
                    unused.len()
                ),
            )
        };
        f.principal = Some(pa.arn.clone());
        if !unused.is_empty() {
            f.evidence.push(fact(
                "iam get-service-last-accessed-details",
                format!("unused: {}", unused.join(", ")),
            ));
        }
        out.push(f);
    }
    for e in a
        .snapshot
        .collection
        .with_status(EntryStatus::Failed)
        .filter(|e| e.api == "iam:GetServiceLastAccessedDetails")
    {
        let Some(target) = &e.target else { continue };
        let mut f = m.finding(
            Status::NotEvaluated,
            target,
            format!(
                "Access Advisor for `{target}` is not available: {}",
                e.error.as_deref().unwrap_or("failed")
            ),
        );
        f.principal = Some(target.clone());
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "Access Advisor holds no principal older than the threshold",
        ));
    }
    out
}
