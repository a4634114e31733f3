//! Every AWS API call phiward reads an account with, one constant each: the name recorded
//! in `collection.json` (the IAM action that authorizes it), the CloudTrail event, the file
//! the offline export keeps its answer in, and the error codes that mean "there is none".
//! The collector (`phiward_collect`) makes the calls, the import reads their files, and a
//! test evaluates `docs/collector-policy.json` against [`CALLS`] with phiward's engine, so
//! that a call cannot be added without its permission being tested.

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
    /// Where the raw export keeps the answer (`docs/snapshot.md`): a path in the export
    /// folder for account-wide calls, a file name in the resource's folder for calls
    /// about one bucket, key, trail or permission set; empty when the import builds the
    /// name itself or does not read the call.
    pub export: &'static str,
    /// AWS error codes that mean "there is none" (`NoSuchBucketPolicy`): collected, empty.
    pub absent: &'static [&'static str],
}

const fn call(api: &'static str, source: &'static str, operation: &'static str) -> Call {
    Call {
        api,
        source,
        operation,
        export: "",
        absent: &[],
    }
}

impl Call {
    const fn export(self, export: &'static str) -> Call {
        Call { export, ..self }
    }

    const fn absent(self, absent: &'static [&'static str]) -> Call {
        Call { absent, ..self }
    }
}

/// `sts:GetCallerIdentity`.
pub const STS_GET_CALLER_IDENTITY: Call = call("sts:GetCallerIdentity", "sts", "GetCallerIdentity")
    .export("sts/get-caller-identity.json");

/// `iam:ListAccountAliases`.
pub const IAM_LIST_ACCOUNT_ALIASES: Call =
    call("iam:ListAccountAliases", "iam", "ListAccountAliases")
        .export("iam/list-account-aliases.json");

/// `iam:GetAccountAuthorizationDetails`.
pub const IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS: Call = call(
    "iam:GetAccountAuthorizationDetails",
    "iam",
    "GetAccountAuthorizationDetails",
)
.export("iam/get-account-authorization-details.json");

/// `iam:GenerateCredentialReport`.
pub const IAM_GENERATE_CREDENTIAL_REPORT: Call = call(
    "iam:GenerateCredentialReport",
    "iam",
    "GenerateCredentialReport",
);

/// `iam:GetCredentialReport`.
pub const IAM_GET_CREDENTIAL_REPORT: Call =
    call("iam:GetCredentialReport", "iam", "GetCredentialReport")
        .export("iam/get-credential-report.json");

/// `iam:ListMFADevices`.
pub const IAM_LIST_MFA_DEVICES: Call = call("iam:ListMFADevices", "iam", "ListMFADevices");

/// `iam:ListAccessKeys`.
pub const IAM_LIST_ACCESS_KEYS: Call = call("iam:ListAccessKeys", "iam", "ListAccessKeys");

/// `iam:GetAccountPasswordPolicy`.
pub const IAM_GET_ACCOUNT_PASSWORD_POLICY: Call = call(
    "iam:GetAccountPasswordPolicy",
    "iam",
    "GetAccountPasswordPolicy",
)
.export("iam/get-account-password-policy.json")
.absent(&["NoSuchEntity"]);

/// `iam:GetAccountSummary`.
pub const IAM_GET_ACCOUNT_SUMMARY: Call = call("iam:GetAccountSummary", "iam", "GetAccountSummary")
    .export("iam/get-account-summary.json");

/// `iam:ListSAMLProviders`.
pub const IAM_LIST_SAML_PROVIDERS: Call = call("iam:ListSAMLProviders", "iam", "ListSAMLProviders")
    .export("iam/list-saml-providers.json");

/// `iam:ListOpenIDConnectProviders`.
pub const IAM_LIST_OPENID_CONNECT_PROVIDERS: Call = call(
    "iam:ListOpenIDConnectProviders",
    "iam",
    "ListOpenIDConnectProviders",
)
.export("iam/list-open-id-connect-providers.json");

/// `iam:GetOpenIDConnectProvider`.
pub const IAM_GET_OPENID_CONNECT_PROVIDER: Call = call(
    "iam:GetOpenIDConnectProvider",
    "iam",
    "GetOpenIDConnectProvider",
);

/// `iam:GenerateServiceLastAccessedDetails`.
pub const IAM_GENERATE_SERVICE_LAST_ACCESSED_DETAILS: Call = call(
    "iam:GenerateServiceLastAccessedDetails",
    "iam",
    "GenerateServiceLastAccessedDetails",
);

/// `iam:GetServiceLastAccessedDetails`.
pub const IAM_GET_SERVICE_LAST_ACCESSED_DETAILS: Call = call(
    "iam:GetServiceLastAccessedDetails",
    "iam",
    "GetServiceLastAccessedDetails",
);

/// `organizations:DescribeOrganization`.
pub const ORG_DESCRIBE_ORGANIZATION: Call = call(
    "organizations:DescribeOrganization",
    "organizations",
    "DescribeOrganization",
)
.export("organizations/describe-organization.json")
.absent(&["AWSOrganizationsNotInUseException"]);

/// `organizations:ListParents`.
pub const ORG_LIST_PARENTS: Call =
    call("organizations:ListParents", "organizations", "ListParents")
        .export("organizations/list-parents.json");

/// `organizations:ListPolicies`.
pub const ORG_LIST_POLICIES: Call = call(
    "organizations:ListPolicies",
    "organizations",
    "ListPolicies",
);

/// `organizations:DescribePolicy`.
pub const ORG_DESCRIBE_POLICY: Call = call(
    "organizations:DescribePolicy",
    "organizations",
    "DescribePolicy",
)
.export("describe-policy.json");

/// `cloudtrail:DescribeTrails`.
pub const TRAIL_DESCRIBE_TRAILS: Call =
    call("cloudtrail:DescribeTrails", "cloudtrail", "DescribeTrails")
        .export("cloudtrail/describe-trails.json");

/// `cloudtrail:GetTrailStatus`.
pub const TRAIL_GET_TRAIL_STATUS: Call =
    call("cloudtrail:GetTrailStatus", "cloudtrail", "GetTrailStatus")
        .export("get-trail-status.json");

/// `cloudtrail:GetEventSelectors`.
pub const TRAIL_GET_EVENT_SELECTORS: Call = call(
    "cloudtrail:GetEventSelectors",
    "cloudtrail",
    "GetEventSelectors",
)
.export("get-event-selectors.json");

/// `config:DescribeConfigurationRecorders`.
pub const CONFIG_DESCRIBE_CONFIGURATION_RECORDERS: Call = call(
    "config:DescribeConfigurationRecorders",
    "config",
    "DescribeConfigurationRecorders",
)
.export("configservice/describe-configuration-recorders.json");

/// `config:DescribeConfigurationRecorderStatus`.
pub const CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS: Call = call(
    "config:DescribeConfigurationRecorderStatus",
    "config",
    "DescribeConfigurationRecorderStatus",
)
.export("configservice/describe-configuration-recorder-status.json");

/// `config:DescribeDeliveryChannels`.
pub const CONFIG_DESCRIBE_DELIVERY_CHANNELS: Call = call(
    "config:DescribeDeliveryChannels",
    "config",
    "DescribeDeliveryChannels",
)
.export("configservice/describe-delivery-channels.json");

/// `cloudwatch:DescribeAlarms`.
pub const CW_DESCRIBE_ALARMS: Call =
    call("cloudwatch:DescribeAlarms", "monitoring", "DescribeAlarms")
        .export("cloudwatch/describe-alarms.json");

/// `logs:DescribeMetricFilters`.
pub const LOGS_DESCRIBE_METRIC_FILTERS: Call = call(
    "logs:DescribeMetricFilters",
    "logs",
    "DescribeMetricFilters",
)
.export("logs/describe-metric-filters.json");

/// `sns:ListSubscriptions`.
pub const SNS_LIST_SUBSCRIPTIONS: Call =
    call("sns:ListSubscriptions", "sns", "ListSubscriptions").export("sns/list-subscriptions.json");

/// `s3:ListAllMyBuckets`.
pub const S3_LIST_ALL_MY_BUCKETS: Call =
    call("s3:ListAllMyBuckets", "s3", "ListBuckets").export("s3/list-buckets.json");

/// `s3:GetBucketLocation`.
pub const S3_GET_BUCKET_LOCATION: Call = call("s3:GetBucketLocation", "s3", "GetBucketLocation");

/// `s3:GetBucketPolicy`.
pub const S3_GET_BUCKET_POLICY: Call = call("s3:GetBucketPolicy", "s3", "GetBucketPolicy")
    .export("get-bucket-policy.json")
    .absent(&["NoSuchBucketPolicy"]);

/// `s3:GetBucketAcl`.
pub const S3_GET_BUCKET_ACL: Call =
    call("s3:GetBucketAcl", "s3", "GetBucketAcl").export("get-bucket-acl.json");

/// `s3:GetBucketPublicAccessBlock`.
pub const S3_GET_BUCKET_PUBLIC_ACCESS_BLOCK: Call = call(
    "s3:GetBucketPublicAccessBlock",
    "s3",
    "GetPublicAccessBlock",
)
.export("get-public-access-block.json")
.absent(&["NoSuchPublicAccessBlockConfiguration"]);

/// `s3:GetBucketVersioning`.
pub const S3_GET_BUCKET_VERSIONING: Call =
    call("s3:GetBucketVersioning", "s3", "GetBucketVersioning")
        .export("get-bucket-versioning.json");

/// `s3:GetBucketObjectLockConfiguration`.
pub const S3_GET_BUCKET_OBJECT_LOCK_CONFIGURATION: Call = call(
    "s3:GetBucketObjectLockConfiguration",
    "s3",
    "GetObjectLockConfiguration",
)
.export("get-object-lock-configuration.json")
.absent(&["ObjectLockConfigurationNotFoundError"]);

/// `s3:GetBucketLogging`.
pub const S3_GET_BUCKET_LOGGING: Call =
    call("s3:GetBucketLogging", "s3", "GetBucketLogging").export("get-bucket-logging.json");

/// `s3:GetLifecycleConfiguration`.
pub const S3_GET_LIFECYCLE_CONFIGURATION: Call = call(
    "s3:GetLifecycleConfiguration",
    "s3",
    "GetBucketLifecycleConfiguration",
)
.export("get-bucket-lifecycle-configuration.json")
.absent(&["NoSuchLifecycleConfiguration"]);

/// `s3:GetEncryptionConfiguration`.
pub const S3_GET_ENCRYPTION_CONFIGURATION: Call =
    call("s3:GetEncryptionConfiguration", "s3", "GetBucketEncryption")
        .export("get-bucket-encryption.json")
        .absent(&["ServerSideEncryptionConfigurationNotFoundError"]);

/// `s3:GetBucketTagging`.
pub const S3_GET_BUCKET_TAGGING: Call = call("s3:GetBucketTagging", "s3", "GetBucketTagging")
    .export("get-bucket-tagging.json")
    .absent(&["NoSuchTagSet"]);

/// `s3:GetAccountPublicAccessBlock`.
pub const S3_GET_ACCOUNT_PUBLIC_ACCESS_BLOCK: Call = call(
    "s3:GetAccountPublicAccessBlock",
    "s3",
    "GetAccountPublicAccessBlock",
)
.export("s3control/get-public-access-block.json")
.absent(&["NoSuchPublicAccessBlockConfiguration"]);

/// `kms:ListKeys`.
pub const KMS_LIST_KEYS: Call =
    call("kms:ListKeys", "kms", "ListKeys").export("kms/list-keys.json");

/// `kms:DescribeKey`.
pub const KMS_DESCRIBE_KEY: Call =
    call("kms:DescribeKey", "kms", "DescribeKey").export("describe-key.json");

/// `kms:GetKeyPolicy`.
pub const KMS_GET_KEY_POLICY: Call =
    call("kms:GetKeyPolicy", "kms", "GetKeyPolicy").export("get-key-policy.json");

/// `kms:ListGrants`.
pub const KMS_LIST_GRANTS: Call =
    call("kms:ListGrants", "kms", "ListGrants").export("list-grants.json");

/// `secretsmanager:ListSecrets`.
pub const SECRETS_LIST_SECRETS: Call = call(
    "secretsmanager:ListSecrets",
    "secretsmanager",
    "ListSecrets",
)
.export("secretsmanager/list-secrets.json");

/// `sso:ListInstances`.
pub const SSO_LIST_INSTANCES: Call =
    call("sso:ListInstances", "sso", "ListInstances").export("sso-admin/list-instances.json");

/// `sso:ListPermissionSets`.
pub const SSO_LIST_PERMISSION_SETS: Call =
    call("sso:ListPermissionSets", "sso", "ListPermissionSets").export("list-permission-sets.json");

/// `sso:DescribePermissionSet`.
pub const SSO_DESCRIBE_PERMISSION_SET: Call =
    call("sso:DescribePermissionSet", "sso", "DescribePermissionSet")
        .export("describe-permission-set.json");

/// `sso:GetInlinePolicyForPermissionSet`.
pub const SSO_GET_INLINE_POLICY_FOR_PERMISSION_SET: Call = call(
    "sso:GetInlinePolicyForPermissionSet",
    "sso",
    "GetInlinePolicyForPermissionSet",
)
.export("get-inline-policy-for-permission-set.json");

/// `sso:ListManagedPoliciesInPermissionSet`.
pub const SSO_LIST_MANAGED_POLICIES_IN_PERMISSION_SET: Call = call(
    "sso:ListManagedPoliciesInPermissionSet",
    "sso",
    "ListManagedPoliciesInPermissionSet",
)
.export("list-managed-policies-in-permission-set.json");

/// `sso:ListCustomerManagedPolicyReferencesInPermissionSet`.
pub const SSO_LIST_CUSTOMER_MANAGED_POLICY_REFERENCES_IN_PERMISSION_SET: Call = call(
    "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
    "sso",
    "ListCustomerManagedPolicyReferencesInPermissionSet",
)
.export("list-customer-managed-policy-references-in-permission-set.json");

/// `sso:GetPermissionsBoundaryForPermissionSet`.
pub const SSO_GET_PERMISSIONS_BOUNDARY_FOR_PERMISSION_SET: Call = call(
    "sso:GetPermissionsBoundaryForPermissionSet",
    "sso",
    "GetPermissionsBoundaryForPermissionSet",
)
.export("get-permissions-boundary-for-permission-set.json")
.absent(&["ResourceNotFoundException"]);

/// `sso:ListAccountAssignments`.
pub const SSO_LIST_ACCOUNT_ASSIGNMENTS: Call = call(
    "sso:ListAccountAssignments",
    "sso",
    "ListAccountAssignments",
)
.export("list-account-assignments.json");

/// `identitystore:DescribeGroup`.
pub const IDSTORE_DESCRIBE_GROUP: Call = call(
    "identitystore:DescribeGroup",
    "identitystore",
    "DescribeGroup",
)
.export("describe-group.json");

/// `identitystore:ListGroupMemberships`.
pub const IDSTORE_LIST_GROUP_MEMBERSHIPS: Call = call(
    "identitystore:ListGroupMemberships",
    "identitystore",
    "ListGroupMemberships",
)
.export("list-group-memberships.json");

/// `identitystore:DescribeUser`.
pub const IDSTORE_DESCRIBE_USER: Call = call(
    "identitystore:DescribeUser",
    "identitystore",
    "DescribeUser",
)
.export("describe-user.json");

/// `organizations:ListTargetsForPolicy`: read by the import from exports that hold it; the
/// collector finds attachments through `organizations:ListParents` instead.
pub const ORG_LIST_TARGETS_FOR_POLICY: Call = call(
    "organizations:ListTargetsForPolicy",
    "organizations",
    "ListTargetsForPolicy",
);

/// `organizations:ListRoots` (`collect --organization`).
pub const ORG_LIST_ROOTS: Call = call("organizations:ListRoots", "organizations", "ListRoots");

/// `organizations:ListOrganizationalUnitsForParent` (`collect --organization`).
pub const ORG_LIST_OUS_FOR_PARENT: Call = call(
    "organizations:ListOrganizationalUnitsForParent",
    "organizations",
    "ListOrganizationalUnitsForParent",
);

/// `organizations:ListAccountsForParent` (`collect --organization`).
pub const ORG_LIST_ACCOUNTS_FOR_PARENT: Call = call(
    "organizations:ListAccountsForParent",
    "organizations",
    "ListAccountsForParent",
);

/// `organizations:ListDelegatedAdministrators` (`collect --organization`).
pub const ORG_LIST_DELEGATED_ADMINISTRATORS: Call = call(
    "organizations:ListDelegatedAdministrators",
    "organizations",
    "ListDelegatedAdministrators",
);

/// `organizations:ListDelegatedServicesForAccount` (`collect --organization`).
pub const ORG_LIST_DELEGATED_SERVICES: Call = call(
    "organizations:ListDelegatedServicesForAccount",
    "organizations",
    "ListDelegatedServicesForAccount",
);

/// `sts:AssumeRole` into each member account (`collect --organization`); the only call
/// that is not a read, allowed on the collection role only by
/// `docs/collector-org-policy.json`.
pub const STS_ASSUME_ROLE: Call = call("sts:AssumeRole", "sts", "AssumeRole");

/// Not an AWS call: the file `scripts/export-account.sh` writes with the export time,
/// recorded like the calls' files.
pub const EXPORT_INFO: Call = call("phiward:Export", "phiward", "Export");

/// Every call the collector makes, in the order it makes them.
pub const CALLS: &[Call] = &[
    STS_GET_CALLER_IDENTITY,
    IAM_LIST_ACCOUNT_ALIASES,
    IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
    IAM_GENERATE_CREDENTIAL_REPORT,
    IAM_GET_CREDENTIAL_REPORT,
    IAM_LIST_MFA_DEVICES,
    IAM_LIST_ACCESS_KEYS,
    IAM_GET_ACCOUNT_PASSWORD_POLICY,
    IAM_GET_ACCOUNT_SUMMARY,
    IAM_LIST_SAML_PROVIDERS,
    IAM_LIST_OPENID_CONNECT_PROVIDERS,
    IAM_GET_OPENID_CONNECT_PROVIDER,
    IAM_GENERATE_SERVICE_LAST_ACCESSED_DETAILS,
    IAM_GET_SERVICE_LAST_ACCESSED_DETAILS,
    ORG_DESCRIBE_ORGANIZATION,
    ORG_LIST_PARENTS,
    ORG_LIST_POLICIES,
    ORG_DESCRIBE_POLICY,
    TRAIL_DESCRIBE_TRAILS,
    TRAIL_GET_TRAIL_STATUS,
    TRAIL_GET_EVENT_SELECTORS,
    CONFIG_DESCRIBE_CONFIGURATION_RECORDERS,
    CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
    CONFIG_DESCRIBE_DELIVERY_CHANNELS,
    CW_DESCRIBE_ALARMS,
    LOGS_DESCRIBE_METRIC_FILTERS,
    SNS_LIST_SUBSCRIPTIONS,
    S3_LIST_ALL_MY_BUCKETS,
    S3_GET_BUCKET_LOCATION,
    S3_GET_BUCKET_POLICY,
    S3_GET_BUCKET_ACL,
    S3_GET_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_GET_BUCKET_VERSIONING,
    S3_GET_BUCKET_OBJECT_LOCK_CONFIGURATION,
    S3_GET_BUCKET_LOGGING,
    S3_GET_LIFECYCLE_CONFIGURATION,
    S3_GET_ENCRYPTION_CONFIGURATION,
    S3_GET_BUCKET_TAGGING,
    S3_GET_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    KMS_LIST_KEYS,
    KMS_DESCRIBE_KEY,
    KMS_GET_KEY_POLICY,
    KMS_LIST_GRANTS,
    SECRETS_LIST_SECRETS,
    SSO_LIST_INSTANCES,
    SSO_LIST_PERMISSION_SETS,
    SSO_DESCRIBE_PERMISSION_SET,
    SSO_GET_INLINE_POLICY_FOR_PERMISSION_SET,
    SSO_LIST_MANAGED_POLICIES_IN_PERMISSION_SET,
    SSO_LIST_CUSTOMER_MANAGED_POLICY_REFERENCES_IN_PERMISSION_SET,
    SSO_GET_PERMISSIONS_BOUNDARY_FOR_PERMISSION_SET,
    SSO_LIST_ACCOUNT_ASSIGNMENTS,
    IDSTORE_DESCRIBE_GROUP,
    IDSTORE_LIST_GROUP_MEMBERSHIPS,
    IDSTORE_DESCRIBE_USER,
];

/// The calls `phiward collect --organization` makes from the management account (or a
/// delegated administrator) before collecting each account with [`CALLS`]; allowed by
/// `docs/collector-org-policy.json`.
pub const ORG_CALLS: &[Call] = &[
    STS_GET_CALLER_IDENTITY,
    ORG_DESCRIBE_ORGANIZATION,
    ORG_LIST_ROOTS,
    ORG_LIST_OUS_FOR_PARENT,
    ORG_LIST_ACCOUNTS_FOR_PARENT,
    ORG_LIST_POLICIES,
    ORG_DESCRIBE_POLICY,
    ORG_LIST_TARGETS_FOR_POLICY,
    ORG_LIST_DELEGATED_ADMINISTRATORS,
    ORG_LIST_DELEGATED_SERVICES,
    STS_ASSUME_ROLE,
];

/// Every call `phiward trail verify s3://BUCKET/PREFIX` makes: on the trail's bucket only,
/// so `docs/trail-verify-policy.json` allows them there, and the collector's policy, whose
/// resource is `*`, never reads objects (PHI lives in objects).
pub const VERIFY_CALLS: &[Call] = &[
    STS_GET_CALLER_IDENTITY,
    call("s3:ListBucket", "s3", "ListObjectsV2"),
    call("s3:GetObject", "s3", "GetObject"),
    call("s3:GetObject", "s3", "HeadObject"),
];

/// The call recorded under `api`, if the collector makes it.
pub fn find(api: &str) -> Option<&'static Call> {
    CALLS.iter().find(|c| c.api == api)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_listed_once_and_each_export_file_is_read_by_one_call() {
        for (i, c) in CALLS.iter().enumerate() {
            assert!(!CALLS[..i].iter().any(|d| d.api == c.api), "{}", c.api);
            assert!(c.api.contains(':') && !c.operation.is_empty());
            if !c.export.is_empty() {
                assert!(c.export.ends_with(".json"), "{}", c.export);
                assert!(
                    !CALLS[..i]
                        .iter()
                        .any(|d| d.export == c.export && d.export.contains('/')),
                    "{} shares {}",
                    c.api,
                    c.export
                );
            }
        }
        assert_eq!(
            find("s3:GetBucketPolicy").map(|c| c.absent),
            Some(&["NoSuchBucketPolicy"][..])
        );
    }
}
