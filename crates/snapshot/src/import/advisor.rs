//! Access Advisor: `iam/access-advisor/{users,roles,groups,policies}/NAME.json`, each the
//! output of `aws iam get-service-last-accessed-details` for that principal's job.
//!
//! The job output does not name its principal, so the file name does; the ARN comes from
//! the IAM section (names are unique per account and kind).

use serde::Deserialize;

use super::{pages, Ctx, Got, Spec};
use crate::calls;
use crate::collection::EntryStatus;
use crate::model::org::{PrincipalAccess, ServiceLastAccessed};
use crate::{Collected, Snapshot};

/// The folder holding one file per principal.
pub const ADVISOR_DIR: &str = "iam/access-advisor";

#[derive(Default, Deserialize)]
struct Details {
    #[serde(rename = "JobStatus", default)]
    job_status: Option<String>,
    #[serde(rename = "ServicesLastAccessed", default)]
    services: Vec<ServiceLastAccessed>,
}
pages!(Details: services);

const KINDS: [(&str, &str); 4] = [
    ("users", "user"),
    ("roles", "role"),
    ("groups", "group"),
    ("policies", "policy"),
];

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    if !ctx.path(ADVISOR_DIR).is_dir() {
        snap.access_advisor = Collected::missing(format!(
            "no `{ADVISOR_DIR}/` folder (scripts/export-account.sh writes it with PHIWARD_ACCESS_ADVISOR=1)"
        ));
        return;
    }
    let mut out = Vec::new();
    for (folder, kind) in KINDS {
        let dir = format!("{ADVISOR_DIR}/{folder}");
        let mut names = ctx.files(&dir, ".json");
        names.extend(ctx.files(&dir, ".error"));
        names.sort();
        names.dedup();
        for name in names {
            let Some(arn) = principal_arn(snap, kind, &name) else {
                let spec = Spec::file(
                    &calls::IAM_GET_SERVICE_LAST_ACCESSED_DETAILS,
                    format!("{ADVISOR_DIR}/{folder}/{name}.json"),
                );
                ctx.record(
                    &spec,
                    EntryStatus::Failed,
                    Some(format!("no {kind} `{name}` in the account")),
                );
                continue;
            };
            let spec = Spec::file(
                &calls::IAM_GET_SERVICE_LAST_ACCESSED_DETAILS,
                format!("{ADVISOR_DIR}/{folder}/{name}.json"),
            )
            .target(&arn);
            if let Got::Data(d) = ctx.fetch::<Details>(&spec) {
                if d.job_status.as_deref().is_some_and(|s| s != "COMPLETED") {
                    let status = d.job_status.unwrap_or_default();
                    ctx.collection.entries.pop();
                    ctx.record(
                        &spec,
                        EntryStatus::Failed,
                        Some(format!("the job is `{status}`, not `COMPLETED`")),
                    );
                    continue;
                }
                out.push(PrincipalAccess {
                    arn: arn.clone(),
                    services_last_accessed: d.services,
                });
            }
        }
    }
    snap.access_advisor = Collected::Known(out);
}

/// The ARN of the principal or policy `name` of `kind`, from the IAM section, or built from
/// the account id when IAM was not collected.
fn principal_arn(snap: &Snapshot, kind: &str, name: &str) -> Option<String> {
    if let Some(iam) = snap.iam.get() {
        return match kind {
            "user" => iam.user(name).map(|u| u.arn.clone()),
            "role" => iam.role(name).map(|r| r.arn.clone()),
            "group" => iam.group(name).map(|g| g.arn.clone()),
            _ => iam
                .policies
                .iter()
                .find(|p| p.policy_name == name)
                .map(|p| p.arn.clone()),
        };
    }
    let account = snap.account.id.as_deref()?;
    Some(format!("arn:aws:iam::{account}:{kind}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_without_iam_through_the_account_id() {
        let mut snap = Snapshot::new(crate::Source::default(), chrono::DateTime::UNIX_EPOCH);
        assert_eq!(principal_arn(&snap, "role", "r"), None);
        snap.account.id = Some("111122223333".into());
        assert_eq!(
            principal_arn(&snap, "role", "r").as_deref(),
            Some("arn:aws:iam::111122223333:role/r")
        );
        snap.iam = Collected::Known(crate::model::iam::Iam::default());
        assert_eq!(principal_arn(&snap, "role", "r"), None);
    }
}
