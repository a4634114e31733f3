//! Where PHI lives and how it is protected: S3 buckets, KMS keys and Secrets Manager
//! secrets, with AWS's field names.

use serde::{Deserialize, Serialize};

use crate::dates::{self, Timestamp};
use crate::model::iam::Tag;
use crate::{Collected, PolicyText};

/// An S3 bucket with everything collected about it. Each part is collected separately
/// (one API call each); `Collected(None)` means the bucket has none (for instance
/// `NoSuchBucketPolicy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    /// The bucket's name.
    pub name: String,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub creation_date: Option<Timestamp>,
    /// The region, when known.
    #[serde(default)]
    pub region: Option<String>,
    /// The bucket policy.
    #[serde(default)]
    pub policy: Collected<Option<PolicyText>>,
    /// The ACL.
    #[serde(default)]
    pub acl: Collected<Acl>,
    /// The bucket-level public access block.
    #[serde(default)]
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// Versioning and MFA delete.
    #[serde(default)]
    pub versioning: Collected<Versioning>,
    /// Object Lock.
    #[serde(default)]
    pub object_lock: Collected<Option<ObjectLock>>,
    /// Server access logging; `None` when off.
    #[serde(default)]
    pub logging: Collected<Option<LoggingEnabled>>,
    /// Lifecycle rules, as AWS returns them.
    #[serde(default)]
    pub lifecycle_rules: Collected<Vec<serde_json::Value>>,
    /// Default encryption rules.
    #[serde(default)]
    pub encryption: Collected<Vec<EncryptionRule>>,
    /// The bucket's tags (PHI markers among them).
    #[serde(default)]
    pub tags: Collected<Vec<Tag>>,
}

impl Bucket {
    /// The value of tag `key`, when tags were collected and the tag is set.
    pub fn tag(&self, key: &str) -> Option<&str> {
        crate::model::iam::tag(self.tags.get()?, key)
    }

    /// The KMS keys (a key id or ARN, as configured) its default encryption names; none
    /// when encryption was not collected. S3 accepts `KMSMasterKeyID` only with an
    /// `aws:kms` algorithm.
    pub fn default_kms_keys(&self) -> impl Iterator<Item = &str> {
        self.encryption.get().into_iter().flatten().filter_map(|r| {
            r.apply_server_side_encryption_by_default
                .as_ref()
                .and_then(|d| d.kms_master_key_id.as_deref())
        })
    }
}

/// The four public access block settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    #[serde(default)]
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    #[serde(default)]
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    #[serde(default)]
    pub block_public_policy: bool,
    /// Limit public policies to AWS services and the owner.
    #[serde(default)]
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Whether all four settings are on.
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// `aws s3api get-bucket-versioning`; both fields are absent on a bucket that never had
/// versioning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Versioning {
    /// `Enabled` or `Suspended`.
    #[serde(default)]
    pub status: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default, rename = "MFADelete")]
    pub mfa_delete: Option<String>,
}

/// Object Lock settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectLock {
    /// `Enabled` when on.
    #[serde(default)]
    pub object_lock_enabled: Option<String>,
    /// The default retention, as AWS returns it.
    #[serde(default)]
    pub rule: Option<serde_json::Value>,
}

/// Where server access logs go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingEnabled {
    /// The target bucket.
    #[serde(default)]
    pub target_bucket: String,
    /// The key prefix.
    #[serde(default)]
    pub target_prefix: String,
}

/// A bucket ACL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Acl {
    /// The owner's canonical id.
    #[serde(default)]
    pub owner: Option<Grantee>,
    /// The grants.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// One ACL grant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Grant {
    /// The grantee: a canonical user, an e-mail address or a predefined group.
    #[serde(default)]
    pub grantee: Grantee,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`.
    #[serde(default)]
    pub permission: String,
}

/// An ACL grantee: a canonical user, an e-mail address or a group URI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Grantee {
    /// `CanonicalUser`, `AmazonCustomerByEmail` or `Group`.
    #[serde(default, rename = "Type")]
    pub grantee_type: Option<String>,
    /// The canonical user id.
    #[serde(default, rename = "ID")]
    pub id: Option<String>,
    /// The group URI (`.../global/AllUsers` is everyone).
    #[serde(default, rename = "URI")]
    pub uri: Option<String>,
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A default encryption rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionRule {
    /// The algorithm and key.
    #[serde(default)]
    pub apply_server_side_encryption_by_default: Option<EncryptionDefault>,
    /// Whether S3 Bucket Keys are used.
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
}

/// The default algorithm and key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionDefault {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    #[serde(default, rename = "SSEAlgorithm")]
    pub sse_algorithm: String,
    /// The KMS key, for `aws:kms`.
    #[serde(default, rename = "KMSMasterKeyID")]
    pub kms_master_key_id: Option<String>,
}

/// A KMS key with its policy and grants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KmsKey {
    /// The key id.
    pub key_id: String,
    /// The key ARN, when known.
    #[serde(default)]
    pub key_arn: Option<String>,
    /// `CUSTOMER` or `AWS`, when described.
    #[serde(default)]
    pub key_manager: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ..., when described.
    #[serde(default)]
    pub key_state: Option<String>,
    /// The description, when described.
    #[serde(default)]
    pub description: Option<String>,
    /// The key policy (`default`).
    #[serde(default)]
    pub policy: Collected<PolicyText>,
    /// The grants.
    #[serde(default)]
    pub grants: Collected<Vec<KmsGrant>>,
}

/// A KMS grant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KmsGrant {
    /// The grant id.
    #[serde(default)]
    pub grant_id: String,
    /// The grant's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Who may use the key.
    #[serde(default)]
    pub grantee_principal: Option<String>,
    /// Who may retire the grant.
    #[serde(default)]
    pub retiring_principal: Option<String>,
    /// `Decrypt`, `Encrypt`, `GenerateDataKey`, ...
    #[serde(default)]
    pub operations: Vec<String>,
    /// Encryption-context constraints, as AWS returns them.
    #[serde(default)]
    pub constraints: Option<serde_json::Value>,
}

/// A Secrets Manager secret (`aws secretsmanager list-secrets`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    /// The secret's ARN.
    #[serde(default, rename = "ARN")]
    pub arn: String,
    /// The secret's name.
    #[serde(default)]
    pub name: String,
    /// The KMS key encrypting it; `None` means the AWS managed key.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Whether rotation is on.
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
    /// The rotation function.
    #[serde(default, rename = "RotationLambdaARN")]
    pub rotation_lambda_arn: Option<String>,
    /// The rotation schedule.
    #[serde(default)]
    pub rotation_rules: Option<RotationRules>,
    /// When it was last rotated.
    #[serde(default, deserialize_with = "dates::optional")]
    pub last_rotated_date: Option<Timestamp>,
    /// When it was last read.
    #[serde(default, deserialize_with = "dates::optional")]
    pub last_accessed_date: Option<Timestamp>,
    /// The key's tags (PHI markers among them).
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// A secret's rotation schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationRules {
    /// Days between rotations.
    #[serde(default)]
    pub automatically_after_days: Option<u32>,
    /// A `rate()` or `cron()` expression.
    #[serde(default)]
    pub schedule_expression: Option<String>,
}
