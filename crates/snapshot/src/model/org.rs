//! AWS Organizations, IAM Identity Center and Access Advisor.

use serde::{Deserialize, Serialize};

use crate::dates::{self, Timestamp};
use crate::model::iam::AttachedPolicy;
use crate::{Collected, PolicyText};

/// The organization the account belongs to, and the policies that apply to it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `aws organizations describe-organization`.
    pub organization: OrganizationInfo,
    /// The account's parents, nearest first, ending at the root.
    #[serde(default)]
    pub ou_path: Collected<Vec<OrgParent>>,
    /// Service control policies.
    #[serde(default)]
    pub scps: Collected<Vec<OrgPolicy>>,
    /// Resource control policies.
    #[serde(default)]
    pub rcps: Collected<Vec<OrgPolicy>>,
}

/// The organization itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationInfo {
    /// `o-...`.
    #[serde(default)]
    pub id: String,
    /// The organization's ARN.
    #[serde(default)]
    pub arn: String,
    /// The management account.
    #[serde(default)]
    pub master_account_id: Option<String>,
    /// `ALL` or `CONSOLIDATED_BILLING` (no SCPs then).
    #[serde(default)]
    pub feature_set: Option<String>,
}

/// A parent in the organization tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgParent {
    /// `r-...` or `ou-...`.
    pub id: String,
    /// `ROOT` or `ORGANIZATIONAL_UNIT`.
    #[serde(default, rename = "Type")]
    pub parent_type: String,
}

/// An SCP or RCP with its document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgPolicy {
    /// `p-...`.
    pub id: String,
    /// The policy's ARN.
    #[serde(default)]
    pub arn: String,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// Whether AWS maintains it (`FullAWSAccess`, `RCPFullAWSAccess`).
    #[serde(default)]
    pub aws_managed: bool,
    /// The document, when described.
    #[serde(default)]
    pub content: Collected<PolicyText>,
    /// Targets (root, OU or account ids) it is attached to, when known.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
}

/// IAM Identity Center as seen from the account.
///
/// Each part that needs its own calls is a [`Collected`]: a list that one failed call would
/// leave partial is not collected as a whole, since a partial list would read as complete.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityCenter {
    /// Instances (usually one); empty when Identity Center is not enabled or the account
    /// cannot see its organization's instance.
    #[serde(default)]
    pub instances: Vec<SsoInstance>,
    /// Permission sets of every instance.
    #[serde(default)]
    pub permission_sets: Collected<Vec<PermissionSet>>,
    /// Who is assigned which permission set in this account.
    #[serde(default)]
    pub account_assignments: Collected<Vec<AccountAssignment>>,
    /// The identity-store users that assignments name, directly or through a group.
    #[serde(default)]
    pub users: Collected<Vec<SsoUser>>,
    /// The identity-store groups that assignments name, with their members.
    #[serde(default)]
    pub groups: Collected<Vec<SsoGroup>>,
}

/// Users and groups, as one pair of lists.
pub type SsoPeople = (Collected<Vec<SsoUser>>, Collected<Vec<SsoGroup>>);

impl IdentityCenter {
    /// The distinct principal ids that `assignments` name as `principal_type` (`USER` or
    /// `GROUP`), sorted: the users and groups to look up in the identity store.
    pub fn named(assignments: &[&AccountAssignment], principal_type: &str) -> Vec<String> {
        let mut ids: Vec<String> = assignments
            .iter()
            .filter(|a| a.principal_type == principal_type)
            .map(|a| a.principal_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Users and groups when the assignments that would name them are unknown.
    pub fn people_unknown() -> SsoPeople {
        let why = "the account assignments that name them were not collected";
        (
            Collected::not(crate::Reason::Failed, why),
            Collected::not(crate::Reason::Failed, why),
        )
    }
}

/// An Identity Center instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SsoInstance {
    /// The instance ARN.
    pub instance_arn: String,
    /// The identity store.
    #[serde(default)]
    pub identity_store_id: String,
    /// The account that owns the instance.
    #[serde(default)]
    pub owner_account_id: Option<String>,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, ...
    #[serde(default)]
    pub status: Option<String>,
}

/// A permission set and its policies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSet {
    /// The permission set ARN.
    pub permission_set_arn: String,
    /// The instance it belongs to.
    #[serde(default)]
    pub instance_arn: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// ISO 8601 duration of sessions (`PT1H`).
    #[serde(default)]
    pub session_duration: Option<String>,
    /// The inline policy; `None` when it has none.
    #[serde(default)]
    pub inline_policy: Collected<Option<PolicyText>>,
    /// Attached AWS managed policies.
    #[serde(default)]
    pub attached_managed_policies: Collected<Vec<AttachedPolicy>>,
    /// Customer managed policies referenced by name and path (they live in each account).
    #[serde(default)]
    pub customer_managed_policy_references: Collected<Vec<CustomerManagedPolicyReference>>,
    /// The permissions boundary; `None` when it has none.
    #[serde(default)]
    pub permissions_boundary: Collected<Option<PermissionsBoundary>>,
}

/// A customer managed policy named by a permission set, resolved in each account it is
/// provisioned to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerManagedPolicyReference {
    /// The policy's name.
    pub name: String,
    /// Its path, `/` by default.
    #[serde(default)]
    pub path: Option<String>,
}

/// A permission set's boundary: a customer managed policy reference or an AWS managed
/// policy ARN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    /// A customer managed policy by name and path.
    #[serde(default)]
    pub customer_managed_policy_reference: Option<CustomerManagedPolicyReference>,
    /// An AWS managed policy.
    #[serde(default)]
    pub managed_policy_arn: Option<String>,
}

/// A permission set assigned to a user or group in this account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountAssignment {
    /// The permission set.
    pub permission_set_arn: String,
    /// `USER` or `GROUP`.
    #[serde(default)]
    pub principal_type: String,
    /// The identity store id of the user or group.
    #[serde(default)]
    pub principal_id: String,
    /// The account.
    #[serde(default)]
    pub account_id: Option<String>,
}

/// An identity-store user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SsoUser {
    /// The user id that assignments and memberships name.
    pub user_id: String,
    /// The identity store.
    #[serde(default)]
    pub identity_store_id: String,
    /// The sign-in name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// The name shown.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// An identity-store group and its members.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SsoGroup {
    /// The group id that assignments name.
    pub group_id: String,
    /// The identity store.
    #[serde(default)]
    pub identity_store_id: String,
    /// The name shown.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The user ids of its members.
    #[serde(default)]
    pub members: Collected<Vec<String>>,
}

/// Access Advisor for one principal: which services it used and when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalAccess {
    /// The user, group, role or policy ARN.
    pub arn: String,
    /// One entry per service its policies allow.
    #[serde(default)]
    pub services_last_accessed: Vec<ServiceLastAccessed>,
}

/// One service in an Access Advisor report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceLastAccessed {
    /// `s3`, `kms`, ...
    pub service_namespace: String,
    /// The service's name.
    #[serde(default)]
    pub service_name: String,
    /// The last authenticated use; `None` if never within the tracking period.
    #[serde(default, deserialize_with = "dates::optional")]
    pub last_authenticated: Option<Timestamp>,
    /// The principal that used it last.
    #[serde(default)]
    pub last_authenticated_entity: Option<String>,
}
