//! `phiward.toml`: thresholds, the people and principals the checks must know about, and
//! suppressions. Every field is optional; defaults are the documented ones.
//!
//! ```toml
//! [admins]
//! min = 2
//! max = 3
//! break_glass = ["BreakGlassAdmin"]    # names or ARNs: exempt from inactivity
//!
//! [thresholds]
//! root_unused_days = 90
//! max_key_age_days = 90
//! inactive_days = 90
//! unused_key_days = 90
//!
//! [phi]
//! tag_key = "data-classification"
//! tag_value = "phi"
//!
//! [recertification]
//! owner_tags = ["owner", "manager"]
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
    /// Administrators.
    pub admins: Admins,
    /// Thresholds in days.
    pub thresholds: Thresholds,
    /// Which resources hold PHI.
    pub phi: Phi,
    /// Recertification.
    pub recertification: Recertification,
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
}

/// `[phi]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Phi {
    /// The tag that marks PHI resources.
    pub tag_key: String,
    /// Its value.
    pub tag_value: String,
}

/// `[recertification]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recertification {
    /// Tags naming who recertifies a principal (CERT-001).
    pub owner_tags: Vec<String>,
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
        }
    }
}

impl Default for Phi {
    fn default() -> Self {
        Phi {
            tag_key: "data-classification".into(),
            tag_value: "phi".into(),
        }
    }
}

impl Default for Recertification {
    fn default() -> Self {
        Recertification {
            owner_tags: vec!["owner".into(), "manager".into()],
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

    /// Whether a principal (name or ARN) is a break-glass account.
    pub fn is_break_glass(&self, name: &str, arn: &str) -> bool {
        self.admins
            .break_glass
            .iter()
            .any(|b| b == name || b == arn)
    }
}
