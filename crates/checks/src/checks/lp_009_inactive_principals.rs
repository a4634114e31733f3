use chrono::Duration;
use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: for users, the latest of the console sign-in and each access key's last use
    /// (credential report); for roles, `RoleLastUsed`. A principal older than N days with no
    /// use in the window, or never used, fails.
    /// Why: access of people who left or moved must be removed (164.308(a)(3)(ii)(C),
    /// termination procedures); an unused identity is reachable PHI nobody watches. CIS 1.12.
    /// Fix: disable the console password and keys (users) or delete the role, after checking
    /// with its owner.
    pub static CHECK = Meta {
        id: "LP-009",
        title: "No inactive users or roles",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.308(a)(3)(ii)(C)", "164.308(a)(4)(ii)(C)"],
        cis: Some("1.12"),
        remediation: "confirm with the owner, then remove the console password and access keys (users) or delete the role",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let days = a.config.thresholds.inactive_days;
    let since = a.now - Duration::days(days);
    if a.snapshot.credential_report.get().is_none() && a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "the credential report and IAM")];
    }
    let mut out = Vec::new();
    match a.snapshot.credential_report.get() {
        None => out.push(m.not_evaluated(a, "the credential report")),
        Some(report) => {
            for r in report
                .rows
                .iter()
                .filter(|r| r.user != "<root_account>" && !a.config.is_break_glass(&r.user, &r.arn))
            {
                let last = [
                    r.password_last_used.get(),
                    r.access_key_1_last_used_date.get(),
                    r.access_key_2_last_used_date.get(),
                ]
                .into_iter()
                .flatten()
                .max();
                let created = r.user_creation_time.get();
                let young = created.is_some_and(|c| c > since);
                let (status, msg) = match last {
                    Some(t) if t >= since => (
                        Status::Pass,
                        format!("`{}` was active on {}", r.user, t.date_naive()),
                    ),
                    _ if young => (
                        Status::Pass,
                        format!("`{}` was created less than {days} days ago", r.user),
                    ),
                    Some(t) => (
                        Status::Fail,
                        format!("`{}` has been inactive since {}", r.user, t.date_naive()),
                    ),
                    None => (
                        Status::Fail,
                        format!("`{}` has never signed in or used a key", r.user),
                    ),
                };
                let mut f = m.finding(status, &r.arn, msg);
                f.principal = Some(r.arn.clone());
                f.evidence.push(fact(
                    "credential report",
                    "password_last_used, access_key_N_last_used_date",
                ));
                out.push(f);
            }
        }
    }
    match a.snapshot.iam.get() {
        // Roles are read from IAM: without it their inactivity is unknown, not absent.
        None => out.push(m.not_evaluated(a, "IAM (roles and their last use)")),
        Some(iam) => {
            for role in iam
                .roles
                .iter()
                .filter(|r| !r.is_service_linked() && !a.config.is_break_glass(&r.role_name, &r.arn))
            {
                let last = role.role_last_used.as_ref().and_then(|u| u.last_used_date);
                let young = role.create_date.is_some_and(|c| c > since);
                let (status, msg) = match last {
                    Some(t) if t >= since => (
                        Status::Pass,
                        format!("role `{}` was used on {}", role.role_name, t.date_naive()),
                    ),
                    _ if young => (
                        Status::Pass,
                        format!(
                            "role `{}` was created less than {days} days ago",
                            role.role_name
                        ),
                    ),
                    Some(t) => (
                        Status::Fail,
                        format!(
                            "role `{}` has not been used since {}",
                            role.role_name,
                            t.date_naive()
                        ),
                    ),
                    None => (
                        Status::Fail,
                        format!("role `{}` has no recorded use", role.role_name),
                    ),
                };
                let mut f = m.finding(status, &role.arn, msg);
                f.principal = Some(role.arn.clone());
                f.evidence.push(fact(
                    "iam get-account-authorization-details",
                    "RoleLastUsed",
                ));
                out.push(f);
            }
        }
    }
    out
}
