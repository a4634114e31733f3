//! Every AWS call `phiward rotate run` can make, by the IAM action that authorizes it.
//! `docs/rotation-policy.json` must allow each and no other IAM action (a test decides it
//! with phiward's engine), and the executor records each call under this name.

/// One call: the action, the CloudTrail event source (without `.amazonaws.com`) and the
/// API operation.
pub type Call = (&'static str, &'static str, &'static str);

/// The calls.
pub const CALLS: &[Call] = &[
    ("iam:ListUsers", "iam", "ListUsers"),
    ("iam:GetUser", "iam", "GetUser"),
    ("iam:ListGroupsForUser", "iam", "ListGroupsForUser"),
    ("iam:ListAccessKeys", "iam", "ListAccessKeys"),
    ("iam:GetAccessKeyLastUsed", "iam", "GetAccessKeyLastUsed"),
    ("iam:CreateAccessKey", "iam", "CreateAccessKey"),
    ("iam:UpdateAccessKey", "iam", "UpdateAccessKey"),
    ("iam:DeleteAccessKey", "iam", "DeleteAccessKey"),
    ("sts:GetCallerIdentity", "sts", "GetCallerIdentity"),
    (
        "secretsmanager:DescribeSecret",
        "secretsmanager",
        "DescribeSecret",
    ),
    (
        "secretsmanager:CreateSecret",
        "secretsmanager",
        "CreateSecret",
    ),
    (
        "secretsmanager:PutSecretValue",
        "secretsmanager",
        "PutSecretValue",
    ),
    (
        "secretsmanager:PutResourcePolicy",
        "secretsmanager",
        "PutResourcePolicy",
    ),
    (
        "secretsmanager:GetSecretValue",
        "secretsmanager",
        "GetSecretValue",
    ),
];
