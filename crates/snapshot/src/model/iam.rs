//! IAM identities and policies, shaped as `aws iam get-account-authorization-details`
//! returns them (AWS's field names), plus the credentials phiward joins onto each user.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::dates::{self, Timestamp};
use crate::{Collected, PolicyText};

/// Users, groups, roles and managed policies.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Iam {
    /// Every IAM user.
    #[serde(default)]
    pub users: Vec<User>,
    /// Every IAM group.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Every IAM role, service-linked ones included.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Customer managed policies, and the AWS managed policies in use.
    #[serde(default)]
    pub policies: Vec<ManagedPolicy>,
}

impl Iam {
    /// The managed policy with this ARN.
    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.arn == arn)
    }

    /// The user with this name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.user_name == name)
    }

    /// The role with this name.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.role_name == name)
    }

    /// The group with this name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.group_name == name)
    }
}

/// A resource tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// The tag key.
    pub key: String,
    /// The tag value (AWS allows an empty one).
    #[serde(default)]
    pub value: String,
}

/// The value of tag `key`, if any.
pub fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

/// A managed policy attached to a principal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// The policy's name.
    #[serde(default)]
    pub policy_name: String,
    /// The policy's ARN, the key into [`Iam::policies`].
    pub policy_arn: String,
}

/// An inline policy embedded in a user, group or role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    /// The policy's name, unique within its principal.
    pub policy_name: String,
    /// The document.
    pub policy_document: PolicyText,
}

/// A permissions boundary set on a user or role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    /// Always `Policy` today.
    #[serde(default)]
    pub permissions_boundary_type: String,
    /// The managed policy used as the boundary.
    pub permissions_boundary_arn: String,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    /// The path, `/` by default.
    #[serde(default)]
    pub path: String,
    /// The user's name.
    pub user_name: String,
    /// The stable unique id (`AIDA...`).
    #[serde(default)]
    pub user_id: String,
    /// The user's ARN.
    pub arn: String,
    /// When the user was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
    /// Inline policies.
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    /// Names of the groups the user belongs to.
    #[serde(default)]
    pub group_list: Vec<String>,
    /// Attached managed policies.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// The permissions boundary, if one is set.
    #[serde(default)]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// The principal's tags (manager, exemptions, PHI markers).
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Console password, MFA, access keys and signing certificates (phiward's addition,
    /// from the credential report or the per-user APIs).
    #[serde(default)]
    pub credentials: Collected<UserCredentials>,
}

impl User {
    /// The most recent use of the password or of an access key, when collected.
    pub fn last_activity(&self) -> Option<Timestamp> {
        let c = self.credentials.get()?;
        let keys = c.access_keys.iter().filter_map(|k| k.last_used_date);
        c.password_last_used.into_iter().chain(keys).max()
    }

    /// Whether the user can sign in to the console, when known.
    pub fn has_console_password(&self) -> Option<bool> {
        self.credentials.get().map(|c| c.password_enabled)
    }
}

/// A user's credentials.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserCredentials {
    /// Whether a console password (login profile) exists.
    pub password_enabled: bool,
    /// When the password was last used to sign in.
    #[serde(default, deserialize_with = "dates::optional")]
    pub password_last_used: Option<Timestamp>,
    /// When the password was last set.
    #[serde(default, deserialize_with = "dates::optional")]
    pub password_last_changed: Option<Timestamp>,
    /// Whether at least one MFA device is assigned.
    pub mfa_active: bool,
    /// The MFA devices, when listed; `None` when only [`Self::mfa_active`] is known (the
    /// credential report does not name devices).
    #[serde(default)]
    pub mfa_devices: Option<Vec<MfaDevice>>,
    /// Access keys (at most two).
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// X.509 signing certificates.
    #[serde(default)]
    pub signing_certificates: Vec<SigningCertificate>,
}

/// An MFA device assigned to a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDevice {
    /// The serial number or the virtual device's ARN.
    pub serial_number: String,
    /// When it was enabled.
    #[serde(default, deserialize_with = "dates::optional")]
    pub enable_date: Option<Timestamp>,
}

/// `Active` or `Inactive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialStatus {
    /// Active: requests signed with it are accepted.
    Active,
    /// Disabled but not deleted.
    Inactive,
}

/// An access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKey {
    /// The key id (`AKIA...`); `None` when known only from the credential report.
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// The credential report's slot, 1 or 2, when known from it.
    #[serde(default)]
    pub slot: Option<u8>,
    /// Active or inactive.
    pub status: CredentialStatus,
    /// When the key was created (the report's `last_rotated`).
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
    /// When the key was last used; `None` if never.
    #[serde(default, deserialize_with = "dates::optional")]
    pub last_used_date: Option<Timestamp>,
    /// The service of the last use.
    #[serde(default)]
    pub last_used_service: Option<String>,
    /// The region of the last use.
    #[serde(default)]
    pub last_used_region: Option<String>,
}

/// A signing certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SigningCertificate {
    /// The certificate id, when known.
    #[serde(default)]
    pub certificate_id: Option<String>,
    /// The credential report's slot, 1 or 2, when known from it.
    #[serde(default)]
    pub slot: Option<u8>,
    /// Active or inactive.
    pub status: CredentialStatus,
    /// When it was uploaded (the report's `last_rotated`).
    #[serde(default, deserialize_with = "dates::optional")]
    pub upload_date: Option<Timestamp>,
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    /// The path.
    #[serde(default)]
    pub path: String,
    /// The group's name.
    pub group_name: String,
    /// The stable unique id.
    #[serde(default)]
    pub group_id: String,
    /// The group's ARN.
    pub arn: String,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
    /// Inline policies.
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    /// Attached managed policies.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// An instance profile holding a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    /// The profile's name.
    pub instance_profile_name: String,
    /// Its unique id.
    #[serde(default)]
    pub instance_profile_id: String,
    /// Its ARN.
    #[serde(default)]
    pub arn: String,
    /// Its path.
    #[serde(default)]
    pub path: String,
}

/// When and where a role was last assumed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    /// When; `None` if not within the tracking period.
    #[serde(default, deserialize_with = "dates::optional")]
    pub last_used_date: Option<Timestamp>,
    /// In which region.
    #[serde(default)]
    pub region: Option<String>,
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    /// The path; service-linked roles live under `/aws-service-role/`.
    #[serde(default)]
    pub path: String,
    /// The role's name.
    pub role_name: String,
    /// The stable unique id (`AROA...`).
    #[serde(default)]
    pub role_id: String,
    /// The role's ARN.
    pub arn: String,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
    /// The trust policy.
    #[serde(default)]
    pub assume_role_policy_document: Option<PolicyText>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The maximum session length in seconds.
    #[serde(default)]
    pub max_session_duration: Option<u32>,
    /// Instance profiles holding the role.
    #[serde(default)]
    pub instance_profile_list: Vec<InstanceProfile>,
    /// Inline policies.
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    /// Attached managed policies.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// The permissions boundary, if one is set.
    #[serde(default)]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// The policy's tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The last use, when AWS reports one.
    #[serde(default)]
    pub role_last_used: Option<RoleLastUsed>,
}

impl Role {
    /// Whether AWS created and owns the role for a service.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// One version of a managed policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    /// The document.
    pub document: PolicyText,
    /// `v1`, `v2`, ...
    pub version_id: String,
    /// Whether this version is in force.
    #[serde(default)]
    pub is_default_version: bool,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
}

/// A customer or AWS managed policy with all of its versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    /// The name (some emulators leave it out).
    #[serde(default)]
    pub policy_name: String,
    /// The unique id.
    #[serde(default)]
    pub policy_id: String,
    /// The ARN.
    pub arn: String,
    /// The path.
    #[serde(default)]
    pub path: String,
    /// The version in force.
    #[serde(default)]
    pub default_version_id: String,
    /// How many users, groups and roles it is attached to.
    #[serde(default)]
    pub attachment_count: u64,
    /// How many principals use it as a permissions boundary.
    #[serde(default)]
    pub permissions_boundary_usage_count: u64,
    /// Whether it can be attached.
    #[serde(default)]
    pub is_attachable: bool,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
    /// When it was last changed.
    #[serde(default, deserialize_with = "dates::optional")]
    pub update_date: Option<Timestamp>,
    /// Every version, the default one included.
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

impl ManagedPolicy {
    /// Whether AWS maintains the policy (`arn:PARTITION:iam::aws:policy/...`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn.contains(":iam::aws:policy/")
    }

    /// The document of the version in force.
    pub fn default_document(&self) -> Option<&PolicyText> {
        let v = self
            .policy_version_list
            .iter()
            .find(|v| v.version_id == self.default_version_id)
            .or_else(|| {
                self.policy_version_list
                    .iter()
                    .find(|v| v.is_default_version)
            })?;
        Some(&v.document)
    }
}

/// A SAML identity provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlProvider {
    /// The provider's ARN.
    pub arn: String,
    /// When its metadata expires.
    #[serde(default, deserialize_with = "dates::optional")]
    pub valid_until: Option<Timestamp>,
    /// When it was created.
    #[serde(default, deserialize_with = "dates::optional")]
    pub create_date: Option<Timestamp>,
}

/// An OpenID Connect identity provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OidcProvider {
    /// The provider's ARN.
    pub arn: String,
    /// The issuer URL, when described.
    #[serde(default)]
    pub url: Option<String>,
    /// Audiences, when described.
    #[serde(default, rename = "ClientIDList")]
    pub client_id_list: Vec<String>,
}

/// The account password policy, as `aws iam get-account-password-policy` returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    /// Minimum length.
    #[serde(default)]
    pub minimum_password_length: Option<u32>,
    /// Requires a symbol.
    #[serde(default)]
    pub require_symbols: Option<bool>,
    /// Requires a digit.
    #[serde(default)]
    pub require_numbers: Option<bool>,
    /// Requires an uppercase letter.
    #[serde(default)]
    pub require_uppercase_characters: Option<bool>,
    /// Requires a lowercase letter.
    #[serde(default)]
    pub require_lowercase_characters: Option<bool>,
    /// Users may change their own password.
    #[serde(default)]
    pub allow_users_to_change_password: Option<bool>,
    /// Passwords expire.
    #[serde(default)]
    pub expire_passwords: Option<bool>,
    /// Days before a password expires.
    #[serde(default)]
    pub max_password_age: Option<u32>,
    /// How many previous passwords cannot be reused.
    #[serde(default)]
    pub password_reuse_prevention: Option<u32>,
    /// An expired password locks the user out until an administrator resets it.
    #[serde(default)]
    pub hard_expiry: Option<bool>,
}

/// Account-wide IAM counters, as `aws iam get-account-summary` returns them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSummary {
    /// `AccountMFAEnabled`, `AccountAccessKeysPresent`, `Users`, ...
    #[serde(default)]
    pub summary_map: BTreeMap<String, i64>,
}

impl AccountSummary {
    /// Whether the root user has MFA, when reported.
    pub fn root_mfa_enabled(&self) -> Option<bool> {
        self.summary_map.get("AccountMFAEnabled").map(|v| *v != 0)
    }

    /// Whether the root user has access keys, when reported.
    pub fn root_access_keys_present(&self) -> Option<bool> {
        self.summary_map
            .get("AccountAccessKeysPresent")
            .map(|v| *v != 0)
    }
}
