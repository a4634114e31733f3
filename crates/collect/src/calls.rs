//! Every AWS API call the collector can make. `docs/collector-policy.json` must allow each
//! (a test evaluates it with phiward's engine), and each is recorded in `collection.json`
//! under its `api` name.

/// One API operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The name recorded in `collection.json`: the IAM action that authorizes the call
    /// (`s3:GetEncryptionConfiguration` for S3's `GetBucketEncryption`).
    pub api: &'static str,
    /// The CloudTrail event source, without `.amazonaws.com`.
    pub source: &'static str,
    /// The API operation, as CloudTrail names its event.
    pub operation: &'static str,
}

const fn call(api: &'static str, source: &'static str, operation: &'static str) -> Call {
    Call {
        api,
        source,
        operation,
    }
}

/// Every call, in the order the collector makes them.
pub const CALLS: &[Call] = &[
    call("sts:GetCallerIdentity", "sts", "GetCallerIdentity"),
    call("iam:ListAccountAliases", "iam", "ListAccountAliases"),
    call(
        "iam:GetAccountAuthorizationDetails",
        "iam",
        "GetAccountAuthorizationDetails",
    ),
    call(
        "iam:GenerateCredentialReport",
        "iam",
        "GenerateCredentialReport",
    ),
    call("iam:GetCredentialReport", "iam", "GetCredentialReport"),
    call("iam:ListMFADevices", "iam", "ListMFADevices"),
    call("iam:ListAccessKeys", "iam", "ListAccessKeys"),
    call(
        "iam:GetAccountPasswordPolicy",
        "iam",
        "GetAccountPasswordPolicy",
    ),
    call("iam:GetAccountSummary", "iam", "GetAccountSummary"),
    call("iam:ListSAMLProviders", "iam", "ListSAMLProviders"),
    call(
        "iam:ListOpenIDConnectProviders",
        "iam",
        "ListOpenIDConnectProviders",
    ),
    call(
        "iam:GetOpenIDConnectProvider",
        "iam",
        "GetOpenIDConnectProvider",
    ),
    call(
        "iam:GenerateServiceLastAccessedDetails",
        "iam",
        "GenerateServiceLastAccessedDetails",
    ),
    call(
        "iam:GetServiceLastAccessedDetails",
        "iam",
        "GetServiceLastAccessedDetails",
    ),
    call(
        "organizations:DescribeOrganization",
        "organizations",
        "DescribeOrganization",
    ),
    call("organizations:ListParents", "organizations", "ListParents"),
    call(
        "organizations:ListPolicies",
        "organizations",
        "ListPolicies",
    ),
    call(
        "organizations:DescribePolicy",
        "organizations",
        "DescribePolicy",
    ),
    call("cloudtrail:DescribeTrails", "cloudtrail", "DescribeTrails"),
    call("cloudtrail:GetTrailStatus", "cloudtrail", "GetTrailStatus"),
    call(
        "cloudtrail:GetEventSelectors",
        "cloudtrail",
        "GetEventSelectors",
    ),
    call(
        "config:DescribeConfigurationRecorders",
        "config",
        "DescribeConfigurationRecorders",
    ),
    call(
        "config:DescribeConfigurationRecorderStatus",
        "config",
        "DescribeConfigurationRecorderStatus",
    ),
    call(
        "config:DescribeDeliveryChannels",
        "config",
        "DescribeDeliveryChannels",
    ),
    call("cloudwatch:DescribeAlarms", "monitoring", "DescribeAlarms"),
    call(
        "logs:DescribeMetricFilters",
        "logs",
        "DescribeMetricFilters",
    ),
    call("sns:ListSubscriptions", "sns", "ListSubscriptions"),
    call("s3:ListAllMyBuckets", "s3", "ListBuckets"),
    call("s3:GetBucketLocation", "s3", "GetBucketLocation"),
    call("s3:GetBucketPolicy", "s3", "GetBucketPolicy"),
    call("s3:GetBucketAcl", "s3", "GetBucketAcl"),
    call(
        "s3:GetBucketPublicAccessBlock",
        "s3",
        "GetPublicAccessBlock",
    ),
    call("s3:GetBucketVersioning", "s3", "GetBucketVersioning"),
    call(
        "s3:GetBucketObjectLockConfiguration",
        "s3",
        "GetObjectLockConfiguration",
    ),
    call("s3:GetBucketLogging", "s3", "GetBucketLogging"),
    call(
        "s3:GetLifecycleConfiguration",
        "s3",
        "GetBucketLifecycleConfiguration",
    ),
    call("s3:GetEncryptionConfiguration", "s3", "GetBucketEncryption"),
    call("s3:GetBucketTagging", "s3", "GetBucketTagging"),
    call(
        "s3:GetAccountPublicAccessBlock",
        "s3",
        "GetAccountPublicAccessBlock",
    ),
    call("kms:ListKeys", "kms", "ListKeys"),
    call("kms:DescribeKey", "kms", "DescribeKey"),
    call("kms:GetKeyPolicy", "kms", "GetKeyPolicy"),
    call("kms:ListGrants", "kms", "ListGrants"),
    call(
        "secretsmanager:ListSecrets",
        "secretsmanager",
        "ListSecrets",
    ),
    call("sso:ListInstances", "sso", "ListInstances"),
    call("sso:ListPermissionSets", "sso", "ListPermissionSets"),
    call("sso:DescribePermissionSet", "sso", "DescribePermissionSet"),
    call(
        "sso:GetInlinePolicyForPermissionSet",
        "sso",
        "GetInlinePolicyForPermissionSet",
    ),
    call(
        "sso:ListManagedPoliciesInPermissionSet",
        "sso",
        "ListManagedPoliciesInPermissionSet",
    ),
    call(
        "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
        "sso",
        "ListCustomerManagedPolicyReferencesInPermissionSet",
    ),
    call(
        "sso:GetPermissionsBoundaryForPermissionSet",
        "sso",
        "GetPermissionsBoundaryForPermissionSet",
    ),
    call(
        "sso:ListAccountAssignments",
        "sso",
        "ListAccountAssignments",
    ),
    call(
        "identitystore:DescribeGroup",
        "identitystore",
        "DescribeGroup",
    ),
    call(
        "identitystore:ListGroupMemberships",
        "identitystore",
        "ListGroupMemberships",
    ),
    call(
        "identitystore:DescribeUser",
        "identitystore",
        "DescribeUser",
    ),
];

/// Every call `phiward trail verify s3://BUCKET/PREFIX` makes ([`crate::s3source`]): on
/// the trail's bucket only, so `docs/trail-verify-policy.json` allows them there, and the
/// collector's policy, whose resource is `*`, never reads objects (PHI lives in objects).
pub const VERIFY_CALLS: &[Call] = &[
    call("sts:GetCallerIdentity", "sts", "GetCallerIdentity"),
    call("s3:ListBucket", "s3", "ListObjectsV2"),
    call("s3:GetObject", "s3", "GetObject"),
    call("s3:GetObject", "s3", "HeadObject"),
];

/// The call recorded under `api`, if the collector makes it.
pub fn find(api: &str) -> Option<&'static Call> {
    CALLS.iter().find(|c| c.api == api)
}
