//! Risk classes of actions granted on every resource, and what an identity-based policy
//! grants on `*`.
//!
//! The lists are curated from public research (cited per list). When the AWS action
//! catalog is available, permissions management and infrastructure modification use its
//! access levels instead of these lists.

use phiward_policy::json::Pos;
use phiward_policy::{Effect, PolicyKind, Statement};

use crate::catalog::AccessLevel;
use crate::rules::Ctx;

/// Privilege-escalation methods: each is a set of actions that, granted together on `*`,
/// let a principal raise its own permissions.
///
/// Source: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
/// (Spencer Gietzen), methods 1–21, as Cloudsplaining names them; plus `iam:PassRole` on
/// `*` alone, which AWS advises against (IAM User Guide, "Grant a user permissions to pass
/// a role to an AWS service": "use a policy that limits the roles a user can pass").
pub(crate) static PRIVESC_METHODS: &[&[&str]] = &[
    &["iam:CreatePolicyVersion"],
    &["iam:SetDefaultPolicyVersion"],
    &["iam:CreateAccessKey"],
    &["iam:CreateLoginProfile"],
    &["iam:UpdateLoginProfile"],
    &["iam:AttachUserPolicy"],
    &["iam:AttachGroupPolicy"],
    &["iam:AttachRolePolicy"],
    &["iam:PutUserPolicy"],
    &["iam:PutGroupPolicy"],
    &["iam:PutRolePolicy"],
    &["iam:AddUserToGroup"],
    &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
    &["iam:PassRole"],
    &["iam:PassRole", "ec2:RunInstances"],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
    ],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ],
    &["lambda:UpdateFunctionCode"],
    &["iam:PassRole", "glue:CreateDevEndpoint"],
    &["glue:UpdateDevEndpoint"],
    &["iam:PassRole", "cloudformation:CreateStack"],
    &[
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ],
];

/// Actions that change who may do what: IAM policies and their attachments, and the
/// resource-based policies, ACLs and grants of common services. Used until the AWS catalog
/// supplies the `Permissions management` access level.
pub(crate) static PERMISSIONS_MANAGEMENT: &[&str] = &[
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:DeleteGroupPolicy",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteUserPolicy",
    "iam:DetachGroupPolicy",
    "iam:DetachRolePolicy",
    "iam:DetachUserPolicy",
    "iam:PassRole",
    "iam:PutGroupPolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:RemoveUserFromGroup",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutAccessPointPolicy",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutBucketAcl",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "secretsmanager:DeleteResourcePolicy",
    "secretsmanager:PutResourcePolicy",
    "sqs:AddPermission",
    "sqs:RemovePermission",
    "sns:AddPermission",
    "sns:RemovePermission",
    "lambda:AddLayerVersionPermission",
    "lambda:AddPermission",
    "lambda:RemovePermission",
    "ecr:DeleteRepositoryPolicy",
    "ecr:SetRepositoryPolicy",
    "logs:PutResourcePolicy",
    "events:PutPermission",
    "glacier:SetVaultAccessPolicy",
    "organizations:AttachPolicy",
    "organizations:CreatePolicy",
    "organizations:UpdatePolicy",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:CreateAccountAssignment",
    "sso:PutInlinePolicyToPermissionSet",
];

/// Actions whose response carries credentials, or that mint them.
///
/// Source: Cloudsplaining's credentials-exposure list (Kinnaird McQuade, "Credentials
/// exposure" glossary), with the secret readers `secretsmanager:GetSecretValue` and
/// `ssm:GetParameter*`.
pub(crate) static CREDENTIALS_EXPOSURE: &[&str] = &[
    "chime:CreateApiKey",
    "codeartifact:GetAuthorizationToken",
    "codepipeline:PollForJobs",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "connect:GetFederationToken",
    "ec2:GetPasswordData",
    "ecr:GetAuthorizationToken",
    "gamelift:GetInstanceAccess",
    "gamelift:RequestUploadCredentials",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "iot:AssumeRoleWithCertificate",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "mediapackage:RotateIngestEndpointCredentials",
    "rds-db:Connect",
    "redshift:GetClusterCredentials",
    "redshift-serverless:GetCredentials",
    "secretsmanager:GetSecretValue",
    "sso:GetRoleCredentials",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
];

/// Read actions that return stored data: PHI in S3 objects, DynamoDB items, RDS query
/// results, parameters, secrets and anything KMS protects.
///
/// Source: Cloudsplaining's `READ_ONLY_DATA_EXFILTRATION_ACTIONS` (`s3:GetObject`,
/// `ssm:GetParameter*`, `secretsmanager:GetSecretValue`), extended to the data stores a
/// HIPAA workload keeps PHI in.
pub(crate) static DATA_EXFILTRATION: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "dynamodb:BatchGetItem",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ExportTableToPointInTime",
    "rds-data:ExecuteStatement",
    "rds-data:BatchExecuteStatement",
    "rds:CopyDBSnapshot",
    "rds:CreateDBSnapshot",
    "redshift-data:GetStatementResult",
    "kms:Decrypt",
    "healthlake:ReadResource",
    "healthlake:SearchWithGet",
    "healthlake:SearchWithPost",
    "healthlake:StartFHIRExportJob",
    "medical-imaging:GetImageFrame",
    "omics:GetReadSet",
];

/// Verbs that start the names of write actions, lowercased, as wildcard patterns. Used
/// until the AWS catalog supplies the `Write` access level.
pub(crate) static WRITE_VERBS: &[&str] = &[
    "add*",
    "apply*",
    "associate*",
    "attach*",
    "authorize*",
    "batchdelete*",
    "batchput*",
    "batchwrite*",
    "cancel*",
    "change*",
    "copy*",
    "create*",
    "delete*",
    "deregister*",
    "detach*",
    "disable*",
    "disassociate*",
    "enable*",
    "execute*",
    "import*",
    "invoke*",
    "modify*",
    "publish*",
    "put*",
    "reboot*",
    "register*",
    "remove*",
    "replace*",
    "reset*",
    "restore*",
    "revoke*",
    "run*",
    "send*",
    "set*",
    "start*",
    "stop*",
    "terminate*",
    "update*",
    "upload*",
    "write*",
];

/// Whether a resource pattern names every resource: `*`, or an ARN of wildcards only.
pub(crate) fn is_star(resource: &str) -> bool {
    if !resource.is_empty() && resource.bytes().all(|b| b == b'*') {
        return true;
    }
    let parts: Vec<&str> = resource.split(':').collect();
    parts.len() >= 6
        && parts.first() == Some(&"arn")
        && parts.iter().skip(1).all(|p| p.bytes().all(|b| b == b'*'))
}

/// Whether a statement applies to every resource: `Resource` lists `*`, or it uses
/// `NotResource`.
pub(crate) fn on_every_resource(s: &Statement) -> bool {
    s.resource
        .as_ref()
        .is_some_and(|r| r.negated || r.list.items.iter().any(|x| is_star(x)))
}

/// What an identity-based policy grants on every resource.
#[derive(Debug)]
pub(crate) struct StarGrants<'c, 'a> {
    cx: &'c Ctx<'a>,
    /// `Allow` statements on every resource.
    pub allows: Vec<usize>,
    /// Unconditional `Deny` statements whose `Resource` lists `*`.
    denies: Vec<usize>,
}

impl<'c, 'a> StarGrants<'c, 'a> {
    /// `None` unless the policy is identity-based (other kinds do not grant by
    /// themselves).
    pub(crate) fn new(cx: &'c Ctx<'a>) -> Option<StarGrants<'c, 'a>> {
        if cx.opts.kind != PolicyKind::Identity {
            return None;
        }
        let st = &cx.policy.statements;
        let allows = st
            .iter()
            .filter(|s| s.effect == Effect::Allow && on_every_resource(s))
            .map(|s| s.index)
            .collect();
        let denies = st
            .iter()
            .filter(|s| {
                s.effect == Effect::Deny
                    && s.conditions.is_empty()
                    && s.resource
                        .as_ref()
                        .is_some_and(|r| !r.negated && r.list.items.iter().any(|x| is_star(x)))
            })
            .map(|s| s.index)
            .collect();
        Some(StarGrants { cx, allows, denies })
    }

    fn denied(&self, action: &str) -> bool {
        self.denies
            .iter()
            .any(|&d| self.cx.action(d).is_some_and(|a| a.applies_to(action)))
    }

    /// Whether statement `i` grants `action` on every resource and no `Deny` takes it
    /// back.
    pub(crate) fn grants(&self, i: usize, action: &str) -> bool {
        self.allows.contains(&i)
            && self.cx.action(i).is_some_and(|a| a.applies_to(action))
            && !self.denied(action)
    }

    /// Whether any statement grants `action` on every resource.
    pub(crate) fn policy_grants(&self, action: &str) -> bool {
        self.allows.iter().any(|&i| self.grants(i, action))
    }

    /// Where statement `i`'s finding about `actions` points: the first action value that
    /// names one of them, else the `Action`/`NotAction` key.
    pub(crate) fn pos(&self, i: usize, actions: &[&str]) -> Pos {
        let src = self.cx.src.statement(i);
        let first = self.cx.action(i).and_then(|set| {
            if set.negated {
                return None;
            }
            actions
                .iter()
                .filter_map(|a| crate::actions::first_match(set, a))
                .min()
        });
        match first {
            Some(k) => src.action(k),
            None => src.action_element(),
        }
    }

    /// For each statement, the actions of `list` it grants on every resource.
    pub(crate) fn listed(&self, list: &[&'static str]) -> Vec<(usize, Vec<&'static str>)> {
        self.allows
            .iter()
            .map(|&i| {
                let hits: Vec<&'static str> =
                    list.iter().copied().filter(|a| self.grants(i, a)).collect();
                (i, hits)
            })
            .filter(|(_, hits)| !hits.is_empty())
            .collect()
    }

    /// With the catalog: for each statement, the actions of an access level it grants on
    /// every resource. `None` without a catalog.
    pub(crate) fn at_level(&self, level: AccessLevel) -> Option<Vec<(usize, Vec<String>)>> {
        let cat = self.cx.catalog?;
        let mut out = Vec::new();
        for &i in &self.allows {
            let Some((set, s)) = self.cx.action(i).zip(self.cx.policy.statements.get(i)) else {
                continue;
            };
            let mut cands: Vec<String> = if set.negated {
                self.cx.expand("*").to_vec()
            } else {
                s.action
                    .list
                    .items
                    .iter()
                    .flat_map(|p| self.cx.expand(p).to_vec())
                    .collect()
            };
            crate::actions::sort_dedup(&mut cands);
            let hits: Vec<String> = cands
                .into_iter()
                .filter(|a| cat.access_level(a) == Some(level) && self.grants(i, a))
                .collect();
            if !hits.is_empty() {
                out.push((i, hits));
            }
        }
        Some(out)
    }
}
