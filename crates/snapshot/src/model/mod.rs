//! The account model: everything phiward knows about one AWS account at one moment.
//!
//! phiward's own envelope uses `snake_case` field names; objects that AWS defines (users,
//! trails, buckets, ...) keep AWS's field names so they can be read next to AWS's API
//! reference and so that raw exports read into them directly.

pub mod data;
pub mod iam;
pub mod logging;
pub mod org;

use serde::{Deserialize, Serialize};

use crate::collection::Collection;
use crate::credential_report::CredentialReport;
use crate::dates::Timestamp;
use crate::Collected;
use data::{Bucket, KmsKey, PublicAccessBlock, Secret};
use iam::{AccountSummary, Iam, OidcProvider, PasswordPolicy, SamlProvider};
use logging::{Alarm, ConfigService, MetricFilter, SnsSubscription, Trail};
use org::{IdentityCenter, Organization, PrincipalAccess};

/// The snapshot format this library writes. See `docs/snapshot.md` for the policy: a
/// reader accepts this version and older ones, and refuses newer ones.
pub const FORMAT_VERSION: u32 = 2;

/// One AWS account at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The layout version, [`FORMAT_VERSION`] when written by this library.
    pub format_version: u32,
    /// When the snapshot was made.
    pub created: Timestamp,
    /// Where it came from.
    pub source: Source,
    /// The moment the data describes, when known (the export time or the credential
    /// report's generation time); checks measure ages from it rather than from "now".
    #[serde(default)]
    pub as_of: Option<Timestamp>,
    /// The account.
    pub account: Account,
    /// AWS Organizations: the organization, OU path, SCPs and RCPs; `Collected(None)`
    /// when the account is not in an organization.
    #[serde(default)]
    pub organization: Collected<Option<Organization>>,
    /// Users, groups, roles and managed policies.
    #[serde(default)]
    pub iam: Collected<Iam>,
    /// SAML identity providers.
    #[serde(default)]
    pub saml_providers: Collected<Vec<SamlProvider>>,
    /// OpenID Connect identity providers.
    #[serde(default)]
    pub oidc_providers: Collected<Vec<OidcProvider>>,
    /// IAM Identity Center.
    #[serde(default)]
    pub identity_center: Collected<IdentityCenter>,
    /// The credential report.
    #[serde(default)]
    pub credential_report: Collected<CredentialReport>,
    /// The password policy; `Collected(None)` when the account has none.
    #[serde(default)]
    pub password_policy: Collected<Option<PasswordPolicy>>,
    /// The account summary (root MFA, root keys, quotas).
    #[serde(default)]
    pub account_summary: Collected<AccountSummary>,
    /// CloudTrail trails.
    #[serde(default)]
    pub trails: Collected<Vec<Trail>>,
    /// S3 buckets.
    #[serde(default)]
    pub buckets: Collected<Vec<Bucket>>,
    /// The account-level S3 public access block; `Collected(None)` when none is set.
    #[serde(default)]
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// KMS keys.
    #[serde(default)]
    pub kms_keys: Collected<Vec<KmsKey>>,
    /// Secrets Manager secrets.
    #[serde(default)]
    pub secrets: Collected<Vec<Secret>>,
    /// AWS Config.
    #[serde(default)]
    pub config: Collected<ConfigService>,
    /// CloudWatch Logs metric filters.
    #[serde(default)]
    pub metric_filters: Collected<Vec<MetricFilter>>,
    /// CloudWatch metric alarms.
    #[serde(default)]
    pub alarms: Collected<Vec<Alarm>>,
    /// SNS subscriptions.
    #[serde(default)]
    pub sns_subscriptions: Collected<Vec<SnsSubscription>>,
    /// Access Advisor per principal.
    #[serde(default)]
    pub access_advisor: Collected<Vec<PrincipalAccess>>,
    /// What was collected and what failed, per API (`collection.json`).
    #[serde(skip)]
    pub collection: Collection,
}

impl Snapshot {
    /// An empty snapshot of the current format: every section not collected.
    pub fn new(source: Source, created: Timestamp) -> Self {
        Snapshot {
            format_version: FORMAT_VERSION,
            created,
            source,
            as_of: None,
            account: Account::default(),
            organization: Collected::default(),
            iam: Collected::default(),
            saml_providers: Collected::default(),
            oidc_providers: Collected::default(),
            identity_center: Collected::default(),
            credential_report: Collected::default(),
            password_policy: Collected::default(),
            account_summary: Collected::default(),
            trails: Collected::default(),
            buckets: Collected::default(),
            account_public_access_block: Collected::default(),
            kms_keys: Collected::default(),
            secrets: Collected::default(),
            config: Collected::default(),
            metric_filters: Collected::default(),
            alarms: Collected::default(),
            sns_subscriptions: Collected::default(),
            access_advisor: Collected::default(),
            collection: Collection::default(),
        }
    }

    /// Each top-level section's name and why it was not collected, for those that were not.
    pub fn not_collected(&self) -> Vec<(&'static str, &crate::NotCollected)> {
        let sections: [(&'static str, Option<&crate::NotCollected>); 18] = [
            ("organization", self.organization.not_collected()),
            ("iam", self.iam.not_collected()),
            ("saml_providers", self.saml_providers.not_collected()),
            ("oidc_providers", self.oidc_providers.not_collected()),
            ("identity_center", self.identity_center.not_collected()),
            ("credential_report", self.credential_report.not_collected()),
            ("password_policy", self.password_policy.not_collected()),
            ("account_summary", self.account_summary.not_collected()),
            ("trails", self.trails.not_collected()),
            ("buckets", self.buckets.not_collected()),
            (
                "account_public_access_block",
                self.account_public_access_block.not_collected(),
            ),
            ("kms_keys", self.kms_keys.not_collected()),
            ("secrets", self.secrets.not_collected()),
            ("config", self.config.not_collected()),
            ("metric_filters", self.metric_filters.not_collected()),
            ("alarms", self.alarms.not_collected()),
            ("sns_subscriptions", self.sns_subscriptions.not_collected()),
            ("access_advisor", self.access_advisor.not_collected()),
        ];
        sections
            .into_iter()
            .filter_map(|(n, r)| r.map(|r| (n, r)))
            .collect()
    }
}

/// Where a snapshot came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// How it was made.
    pub kind: SourceKind,
    /// The export folder, profile or generator it was made from.
    #[serde(default)]
    pub origin: String,
    /// The tool and version that made it (`phiward-snapshot 0.1.0`).
    #[serde(default)]
    pub tool: String,
}

/// How a snapshot was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Imported from raw AWS CLI exports.
    #[default]
    RawExport,
    /// Collected live through the AWS SDK.
    Collect,
    /// Made by a generator or a test.
    Generated,
}

impl SourceKind {
    /// The name used in snapshots (`raw_export`, `collect`, `generated`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::RawExport => "raw_export",
            SourceKind::Collect => "collect",
            SourceKind::Generated => "generated",
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The account's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The 12-digit account id, when known.
    #[serde(default)]
    pub id: Option<String>,
    /// The account alias, when one is set and known.
    #[serde(default)]
    pub alias: Option<String>,
}
