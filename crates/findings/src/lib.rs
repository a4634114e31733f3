//! The finding model: what every command reports, kept apart from how it is rendered
//! (`phiward-report`) so that the code that decides findings does not depend on the code
//! that draws them.
//!
//! Two severity scales, each the one its readers expect:
//!
//! - Audit checks (this module's root): a [`Finding`] per check and resource, passing
//!   ones included, ranked by the risk to PHI from [`Severity::Info`] to
//!   [`Severity::Critical`]. A [`Report`] holds every finding of an audit, so that an
//!   auditor sees what was checked and not only what failed; [`Status::NotEvaluated`]
//!   marks checks whose data was not collected, never a pass.
//! - Lint and IaC rules ([`lint`], [`iac`]): findings at a file's line and column, ranked
//!   `error`, `warning` or `info` as compilers and code-scanning services do.

use serde::Serialize;

pub mod iac;
pub mod lint;

/// The JSON report's schema version; see `docs/audit.md`.
pub const SCHEMA_VERSION: u32 = 1;

/// How bad a failing finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// A weakness that needs another failure to matter (a stale unused key, a missing
    /// alarm beside working logs).
    Low,
    /// A control HIPAA expects is missing or partial (no MFA on a console user, keys
    /// out of rotation).
    Medium,
    /// PHI or the audit trail is exposed under some conditions, or an identity can
    /// escalate to it.
    High,
    /// PHI or the whole account is open now (root keys, a public PHI bucket, an
    /// unconditional path to administrator).
    Critical,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// The outcome of one check on one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The resource meets the check.
    Pass,
    /// It does not.
    Fail,
    /// The check could not decide (a document that does not parse, ...).
    Error,
    /// The data the check needs was not collected.
    NotEvaluated,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::NotEvaluated => "not_evaluated",
        }
    }
}

/// Why a finding is true: a policy statement, or a fact of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The policy's name (or the snapshot file or field the fact comes from).
    pub source: String,
    /// The statement index, for policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    /// 1-based line in the document, for policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What it shows.
    pub detail: String,
}

/// One check's result on one resource.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The check's permanent id (`ROOT-001`).
    pub check: &'static str,
    /// The check's title.
    pub title: &'static str,
    /// The check's severity.
    pub severity: Severity,
    /// The practice (1-7) it serves.
    pub practice: u8,
    /// HIPAA Security Rule citations.
    pub hipaa: &'static [&'static str],
    /// Pass, fail, error or not evaluated.
    pub status: Status,
    /// The account the finding is about, in an organization's audit; `None` in a
    /// single account's (the report's `account` then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The resource's ARN (or `account:ID` for account-wide checks).
    pub resource: String,
    /// The principal concerned, where relevant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// One line saying what is true.
    pub message: String,
    /// What makes it true.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// How to fix it (failing findings).
    pub remediation: &'static str,
    /// A failure accepted in `phiward.toml`: it does not count against `--fail-on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

/// Who accepted a failing finding, why, and until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// Why the failure is accepted (a ticket, a compensating control).
    pub reason: String,
    /// Who accepted it and answers for it.
    pub owner: String,
    /// Last day (`YYYY-MM-DD`).
    pub expires: String,
}

/// An audit's findings, with what could not be read.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `phiward X.Y.Z`.
    pub tool: String,
    /// The account audited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The moment the snapshot describes, ages are measured from it (RFC 3339).
    pub as_of: String,
    /// Every finding, in check order.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read or parsed; the checks that needed them say
    /// `not_evaluated` or `error`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

impl Report {
    /// The account of a finding: its own, else the report's.
    pub fn account_of<'r>(&'r self, f: &'r Finding) -> Option<&'r str> {
        f.account.as_deref().or(self.account.as_deref())
    }

    /// Whether a failing finding is at or above `bar`.
    pub fn fails(&self, bar: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.status == Status::Fail && f.suppressed.is_none() && f.severity >= bar)
    }
}
