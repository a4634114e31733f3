//! `phiward.toml`: thresholds, the people and principals the checks must know about, and
//! suppressions. Every field is optional; defaults are the documented ones.
//!
//! ```toml
//! [admins]
//! min = 2
//! max = 3
//! break_glass = ["BreakGlassAdmin"]    # names or ARNs: exempt from inactivity
//! principals = ["Admin-Ana", "Admin-Ben"] # the approved administrators (users, roles, groups)
//! automation = ["ci-deploy"]           # roles that may change IAM policies (LOG detections)
//!
//! [thresholds]
//! root_unused_days = 90
//! max_key_age_days = 90
//! inactive_days = 90
//! unused_key_days = 90
//! key_overlap_days = 2
//! unused_permission_days = 90
//! unused_password_days = 90
//! secret_rotation_days = 90
//! log_retention_days = 2190
//!
//! [phi]
//! tag_key = "data-classification"
//! tag_value = "phi"
//! approved = ["role/PhiReader"]          # who may reach PHI besides administrators (LP-004)
//! approved_for = { "research-data" = ["group/Research"] }  # per bucket
//! audit_roles = ["*Audit*", "*ReadOnly*"] # roles that must not write (LP-012)
//!
//! [recertification]
//! owner_tags = ["owner", "manager"]
//! end_tags = ["contract-end", "end-date"]
//! period_days = 90
//! manager_tag = "Manager"                # phiward certify: who reviews a person's access
//! fallback_reviewers = ["privacy-officer"]
//! unreviewed = "flag"                    # keep | revoke | flag
//! directory = "directory.csv"            # employee,manager,email
//! store = "certify.db"                   # the campaign store CERT-002 reads
//!
//! [rotation]                           # `phiward rotate` (docs/rotation.md)
//! period_days = 16                     # each key is active this many days
//! overlap_days = 2                     # both keys active while consumers switch
//! anchor_day = "2024-01-01"            # a day a scheduled key period starts
//! delete_after_days = 7                # a deactivated key unused this long is deleted
//! in_use_days = 90                     # a key used this recently is in use
//! exempt_tag = "rotation-exempt"       # users with this tag are not rotated
//! exempt_groups = ["Vendors"]          # nor members of these groups
//!
//! [[suppress]]
//! check = "LP-009"
//! resource = "arn:aws:iam::111122223333:role/claims-batch-lambda"
//! reason = "runs at year end only"
//! owner = "billing-lead@mercy.example"
//! expires = "2027-01-31"
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// What is wrong, with the place when the TOML reader gives one.
    pub message: String,
}

/// The checks' configuration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Who the administrators are and how many there should be (`[admins]`).
    pub admins: Admins,
    /// Thresholds in days.
    pub thresholds: Thresholds,
    /// Which resources hold PHI.
    pub phi: Phi,
    /// How often access is recertified and what happens to unreviewed items (`[recertification]`).
    pub recertification: Recertification,
    /// Access-key rotation (`phiward rotate`).
    pub rotation: Rotation,
    /// Accepted findings.
    pub suppress: Vec<Suppression>,
}

/// `[admins]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Admins {
    /// Fewest administrator-equivalent principals (ADMIN-001).
    pub min: usize,
    /// Most administrator-equivalent principals (ADMIN-001).
    pub max: usize,
    /// Break-glass principals (names or ARNs): kept unused on purpose, so exempt from
    /// inactivity (LP-009).
    pub break_glass: Vec<String>,
    /// The approved administrators (names or ARNs of users, roles or groups). Empty means
    /// the holders of AWS's `AdministratorAccess` policy (LP-001).
    pub principals: Vec<String>,
    /// Automation principals (names or ARNs) expected to change IAM.
    pub automation: Vec<String>,
}

/// `[thresholds]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Root must not have been used for this many days (ROOT-003).
    pub root_unused_days: i64,
    /// Oldest an active access key may be (KEY-001; CIS 90; the monthly two-key scheme
    /// implies about 32).
    pub max_key_age_days: i64,
    /// Days without use after which a user or role is inactive (LP-009).
    pub inactive_days: i64,
    /// Days without use after which an active key is reported (KEY-003).
    pub unused_key_days: i64,
    /// Days both keys of a user may be active at once while rotating (KEY-002).
    pub key_overlap_days: i64,
    /// Days without use after which a granted service or action is unused (LP-008).
    pub unused_permission_days: i64,
    /// Days without a console sign-in after which a password is unused (KEY-006).
    pub unused_password_days: i64,
    /// Longest a secret may go unrotated (KEY-005).
    pub secret_rotation_days: i64,
    /// Shortest retention of audit logs, in days (LOG-011; six years by default).
    pub log_retention_days: i64,
}

/// `[phi]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Phi {
    /// The tag that marks PHI resources.
    pub tag_key: String,
    /// Its value.
    pub tag_value: String,
    /// Principals (names or ARNs of users, roles or groups) approved to reach PHI besides
    /// the administrators (LP-004). Empty: LP-004 reports every non-administrator reaching
    /// PHI as `not_evaluated` advice instead of failing.
    pub approved: Vec<String>,
    /// Further approvals per bucket name (`"mercy-research" = ["group/Research"]`).
    pub approved_for: std::collections::BTreeMap<String, Vec<String>>,
    /// Name patterns (`*` wildcards, case-insensitive) of audit and read-only roles that
    /// must not be able to write (LP-012).
    pub audit_roles: Vec<String>,
}

/// `[recertification]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recertification {
    /// Tags naming who recertifies a principal (CERT-001).
    pub owner_tags: Vec<String>,
    /// Tags holding the date (`YYYY-MM-DD`) a principal's access ends (CERT-003).
    pub end_tags: Vec<String>,
    /// Longest time between two recertifications of a principal, in days (CERT-002).
    pub period_days: i64,
    /// `phiward certify`: the tag on a person's user or role naming their manager.
    pub manager_tag: Option<String>,
    /// `phiward certify`: reviewers of items whose person has no known manager.
    pub fallback_reviewers: Vec<String>,
    /// `phiward certify`: what happens to items unreviewed at close: `keep`, `revoke`
    /// or `flag` (the default: CERT-002 fails them).
    pub unreviewed: String,
    /// `phiward certify`: the directory export (`employee,manager,email` CSV), relative
    /// to the configuration file.
    pub directory: Option<String>,
    /// The campaign store CERT-002 reads (`phiward audit --certify-store` wins), relative
    /// to the configuration file.
    pub store: Option<String>,
}

/// `[rotation]`: the two-key overlap schedule of `phiward rotate` (docs/rotation.md).
/// `phiward-rotate` checks the values; the defaults keep key 1 active from the 1st to
/// the 16th and key 2 from the 15th to the 30th of a 28-day cycle.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rotation {
    /// Days each key is active, the overlap included.
    pub period_days: i64,
    /// Days both keys are active while consumers switch to the new one.
    pub overlap_days: i64,
    /// A day on which a scheduled key period starts; the others follow every
    /// `period_days - overlap_days` days before and after it.
    pub anchor_day: NaiveDate,
    /// Days a deactivated key must go unused before it is deleted.
    pub delete_after_days: i64,
    /// A key used within this many days is in use.
    pub in_use_days: i64,
    /// The user tag that exempts a user from rotation (its value is the reason).
    pub exempt_tag: String,
    /// Groups (names) whose members are exempt.
    pub exempt_groups: Vec<String>,
}

impl Default for Rotation {
    fn default() -> Self {
        Rotation {
            period_days: 16,
            overlap_days: 2,
            anchor_day: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            delete_after_days: 7,
            in_use_days: 90,
            exempt_tag: "rotation-exempt".into(),
            exempt_groups: Vec::new(),
        }
    }
}

/// `[[suppress]]`: a finding accepted, by whom, why and until when. An expired
/// suppression no longer applies, so the finding fails again.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// The check id.
    pub check: String,
    /// The finding's resource (ARN or `account:ID`); `*` for every resource.
    pub resource: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it applies (`YYYY-MM-DD`, inclusive).
    pub expires: NaiveDate,
}

impl Suppression {
    /// Whether it covers a finding at `now`.
    pub fn covers(&self, check: &str, resource: &str, now: DateTime<Utc>) -> bool {
        self.check.eq_ignore_ascii_case(check)
            && (self.resource == "*" || self.resource == resource)
            && now.date_naive() <= self.expires
    }
}

impl Default for Admins {
    fn default() -> Self {
        Admins {
            min: 2,
            max: 3,
            break_glass: Vec::new(),
            principals: Vec::new(),
            automation: Vec::new(),
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            root_unused_days: 90,
            max_key_age_days: 90,
            inactive_days: 90,
            unused_key_days: 90,
            key_overlap_days: 2,
            unused_permission_days: 90,
            unused_password_days: 90,
            secret_rotation_days: 90,
            log_retention_days: 6 * 365,
        }
    }
}

impl Default for Phi {
    fn default() -> Self {
        Phi {
            tag_key: "data-classification".into(),
            tag_value: "phi".into(),
            approved: Vec::new(),
            approved_for: std::collections::BTreeMap::new(),
            audit_roles: vec!["*audit*".into(), "*readonly*".into(), "*read-only*".into()],
        }
    }
}

impl Default for Recertification {
    fn default() -> Self {
        Recertification {
            owner_tags: vec!["owner".into(), "manager".into()],
            end_tags: vec!["contract-end".into(), "end-date".into(), "expires".into()],
            period_days: 90,
            manager_tag: None,
            fallback_reviewers: Vec::new(),
            unreviewed: "flag".into(),
            directory: None,
            store: None,
        }
    }
}

impl Config {
    /// Reads a `phiward.toml`.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_string(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        if c.admins.min > c.admins.max {
            return Err(ConfigError {
                path: path.to_string(),
                message: format!(
                    "`admins.min` ({}) is larger than `admins.max` ({})",
                    c.admins.min, c.admins.max
                ),
            });
        }
        Ok(c)
    }

    /// Whether a principal is named in `list` (by name, ARN, `user/NAME`, `role/NAME`, or
    /// one of its groups' names or ARNs).
    pub fn names(list: &[String], name: &str, arn: &str, groups: &[String]) -> bool {
        list.iter().any(|b| {
            b == name
                || b == arn
                || arn.ends_with(&format!(":{b}"))
                || groups
                    .iter()
                    .any(|g| b == g || b.strip_prefix("group/") == Some(g.as_str()))
        })
    }

    /// Whether a principal (name or ARN) is a break-glass account.
    pub fn is_break_glass(&self, name: &str, arn: &str) -> bool {
        self.admins
            .break_glass
            .iter()
            .any(|b| b == name || b == arn)
    }
}
