//! Detections for the audit: events a HIPAA reviewer must see, each with its evidence.
//!
//! - root activity (AWS: IAM User Guide, "Root user best practices": use root only for the
//!   tasks that need it);
//! - `StopLogging`, `DeleteTrail`, `UpdateTrail` (164.312(b): audit controls must not be
//!   switched off or redirected);
//! - console sign-ins without MFA by IAM users or root (`additionalEventData.MFAUsed` is
//!   `No`);
//! - access keys created for another user (credential minting, an escalation path);
//! - policy changes (IAM, bucket and key policies) made by anyone but the automation roles.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::event::{Event, PrincipalKind};
use crate::read::{FileOutcome, Problem};
use crate::scan::{scan, Scanned, Sink};
use crate::time::{self, Epoch};

/// At most this many detections are kept per kind; the rest are counted.
const MAX_PER_KIND: usize = 10_000;

/// What was detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The root user made a call.
    RootActivity,
    /// A trail was stopped, deleted or changed.
    LoggingChanged,
    /// An IAM user or root signed in to the console without MFA.
    ConsoleLoginWithoutMfa,
    /// Someone created an access key for another user.
    AccessKeyForAnotherUser,
    /// A policy changed, by someone not in the automation roles.
    PolicyChangeOutsideAutomation,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::RootActivity,
        Kind::LoggingChanged,
        Kind::ConsoleLoginWithoutMfa,
        Kind::AccessKeyForAnotherUser,
        Kind::PolicyChangeOutsideAutomation,
    ];

    fn slot(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// The event behind a detection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The log file.
    pub file: PathBuf,
    /// The record's index in it.
    pub record: usize,
    /// `eventID`.
    pub event_id: String,
    /// `eventTime`.
    pub event_time: String,
    /// `source:name`.
    pub event: String,
    /// `awsRegion`.
    pub region: String,
    /// `sourceIPAddress`.
    pub source_ip: String,
    /// `userAgent`.
    pub user_agent: String,
    /// `errorCode`, when the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// One detection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    /// What kind of event this is (logging stopped, root used, ...).
    pub kind: Kind,
    /// Who (the user's or role's ARN, root's ARN).
    pub principal: String,
    /// One readable sentence.
    pub summary: String,
    /// The event.
    pub evidence: Evidence,
}

/// What to look for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Events before this time are ignored.
    pub since: Option<Epoch>,
    /// Events after this time are ignored.
    pub until: Option<Epoch>,
    /// Roles (or users) allowed to change policies: ARNs or names, `*` wildcards.
    pub automation: Vec<String>,
}

/// The detections in a set of log files.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Detections {
    /// Detections, by time.
    pub detections: Vec<Detection>,
    /// Detections beyond those kept.
    pub more: u64,
    /// Files and records skipped.
    pub problems: Vec<Problem>,
}

const LOGGING: &[&str] = &["StopLogging", "DeleteTrail", "UpdateTrail"];

/// (event source prefix, event names) of policy changes.
const POLICY_CHANGES: &[(&str, &[&str])] = &[
    (
        "iam.",
        &[
            "PutUserPolicy",
            "PutRolePolicy",
            "PutGroupPolicy",
            "AttachUserPolicy",
            "AttachRolePolicy",
            "AttachGroupPolicy",
            "DetachUserPolicy",
            "DetachRolePolicy",
            "DetachGroupPolicy",
            "DeleteUserPolicy",
            "DeleteRolePolicy",
            "DeleteGroupPolicy",
            "CreatePolicy",
            "CreatePolicyVersion",
            "DeletePolicy",
            "DeletePolicyVersion",
            "SetDefaultPolicyVersion",
            "UpdateAssumeRolePolicy",
            "PutUserPermissionsBoundary",
            "PutRolePermissionsBoundary",
            "DeleteUserPermissionsBoundary",
            "DeleteRolePermissionsBoundary",
        ],
    ),
    ("s3.", &["PutBucketPolicy", "DeleteBucketPolicy"]),
    ("kms.", &["PutKeyPolicy"]),
];

/// Every event name a detection other than root activity looks at: a reader that can
/// select events by name (a lake) hands the [`Finder`] these and root's events only.
pub fn event_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = LOGGING.to_vec();
    v.extend(["ConsoleLogin", "CreateAccessKey"]);
    for (_, names) in POLICY_CHANGES {
        v.extend(names.iter().copied());
    }
    v
}

/// `*` matches any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((head, rest)) => {
            let Some(tail) = s.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len()).any(|i| tail.is_char_boundary(i) && glob(rest, &tail[i..]))
        }
    }
}

fn is_automation(automation: &[String], principal: &str) -> bool {
    let name = principal.rsplit('/').next().unwrap_or(principal);
    automation
        .iter()
        .any(|p| glob(p, principal) || glob(p, name))
}

/// The [`Sink`] of detections.
#[derive(Debug)]
pub struct Finder {
    opts: Options,
    found: Vec<Vec<Detection>>,
    more: u64,
}

impl Finder {
    fn push(&mut self, d: Detection) {
        match self.found.get_mut(d.kind.slot()) {
            Some(v) if v.len() < MAX_PER_KIND => v.push(d),
            _ => self.more += 1,
        }
    }
}

fn check(
    ev: &Event<'_>,
    principal: &str,
    kind: PrincipalKind,
    opts: &Options,
) -> Option<(Kind, String)> {
    let (source, name) = (ev.event_source.or_empty(), ev.event_name.or_empty());
    let ok = ev.error_code.get().is_none();
    let u = &ev.user_identity.0;
    if source.starts_with("cloudtrail.") && LOGGING.contains(&name) {
        let outcome = if ok { "" } else { " (failed)" };
        return Some((
            Kind::LoggingChanged,
            format!("{principal} called {name}{outcome}"),
        ));
    }
    if source.starts_with("signin.")
        && name == "ConsoleLogin"
        && matches!(kind, PrincipalKind::User | PrincipalKind::Root)
        && ev.response_elements.0.console_login.get() == Some("Success")
        && ev.additional_event_data.0.mfa_used.get() == Some("No")
    {
        return Some((
            Kind::ConsoleLoginWithoutMfa,
            format!("{principal} signed in to the console without MFA"),
        ));
    }
    if source.starts_with("iam.") && name == "CreateAccessKey" && ok {
        let target = ev.request_parameters.0.user_name.get();
        let own = u.user_name.get();
        if let Some(t) = target {
            if kind != PrincipalKind::User || own != Some(t) {
                return Some((
                    Kind::AccessKeyForAnotherUser,
                    format!("{principal} created an access key for user `{t}`"),
                ));
            }
        }
    }
    if ok
        && POLICY_CHANGES
            .iter()
            .any(|(s, names)| source.starts_with(s) && names.contains(&name))
        && !is_automation(&opts.automation, principal)
    {
        return Some((
            Kind::PolicyChangeOutsideAutomation,
            format!("{principal} called {name} outside the automation roles"),
        ));
    }
    if kind == PrincipalKind::Root && u.invoked_by.get().is_none() {
        return Some((
            Kind::RootActivity,
            format!("the root user called {source}:{name}"),
        ));
    }
    None
}

impl Sink for Finder {
    fn event(&mut self, path: &Path, index: usize, ev: &Event<'_>, out: &mut FileOutcome) {
        let Some(t) = ev.event_time.get().and_then(time::parse) else {
            out.problem(path, Some(index), "no valid `eventTime`");
            return;
        };
        if self.opts.until.is_some_and(|u| t > u) || self.opts.since.is_some_and(|s| t < s) {
            return;
        }
        let who = ev.principal();
        let Some((kind, summary)) = check(ev, &who.id, who.kind, &self.opts) else {
            return;
        };
        let s = |x: &crate::event::Str<'_>| x.or_empty().to_string();
        self.push(Detection {
            kind,
            principal: who.id.to_string(),
            summary,
            evidence: Evidence {
                file: path.to_path_buf(),
                record: index,
                event_id: s(&ev.event_id),
                event_time: time::format(t),
                event: format!(
                    "{}:{}",
                    ev.event_source.or_empty(),
                    ev.event_name.or_empty()
                ),
                region: s(&ev.aws_region),
                source_ip: s(&ev.source_ip_address),
                user_agent: s(&ev.user_agent),
                error_code: ev.error_code.get().map(str::to_string),
            },
        });
    }

    fn merge(&mut self, other: Finder) {
        self.more += other.more;
        for v in other.found {
            for d in v {
                self.push(d);
            }
        }
    }
}

impl Finder {
    /// A sink looking for what `opts` says.
    pub fn new(opts: &Options) -> Finder {
        Finder {
            opts: opts.clone(),
            found: vec![Vec::new(); Kind::ALL.len()],
            more: 0,
        }
    }
}

/// Reads the files (in parallel on the current rayon pool) and returns the detections.
pub fn detect(paths: &[PathBuf], opts: &Options) -> Detections {
    finish_detections(scan(paths, || Finder::new(opts)))
}

/// The detections a scan found, by time.
pub fn finish_detections(scanned: Scanned<Finder>) -> Detections {
    let mut detections: Vec<Detection> = scanned.sink.found.into_iter().flatten().collect();
    detections.sort_by(|a, b| {
        (
            &a.evidence.event_time,
            a.kind,
            &a.evidence.file,
            a.evidence.record,
        )
            .cmp(&(
                &b.evidence.event_time,
                b.kind,
                &b.evidence.file,
                b.evidence.record,
            ))
    });
    Detections {
        detections,
        more: scanned.sink.more,
        problems: scanned.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob(
            "arn:aws:iam::*:role/terraform-*",
            "arn:aws:iam::1:role/terraform-ci"
        ));
        assert!(glob("deploy", "deploy"));
        assert!(!glob("deploy", "deployer"));
        assert!(glob("*", ""));
        assert!(is_automation(
            &["Terraform*".into()],
            "arn:aws:iam::1:role/ci/TerraformApply"
        ));
        assert!(!is_automation(&[], "arn:aws:iam::1:role/x"));
    }
}
