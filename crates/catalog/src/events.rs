//! CloudTrail events to the IAM actions they need.
//!
//! Most events are named after their API operation, and most API operations after their
//! action (`iam.amazonaws.com` `CreateUser` -> `iam:CreateUser`). The exceptions are
//! listed here: event sources whose service prefix differs, S3 operations authorized by an
//! action of another name (AWS: Amazon S3 User Guide, "Required permissions for Amazon S3
//! API operations"), operations that need no permission, and version suffixes that some
//! services (Lambda, CloudFront) append to event names.

use crate::{Action, Catalog};

/// How [`Catalog::actions_for_event`] found the actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventMapping {
    /// The event name is the action name.
    Exact,
    /// A known rename (`s3` `ListObjectsV2` -> `s3:ListBucket`).
    Renamed,
    /// The event name carries an API version suffix
    /// (`UpdateFunctionCode20150331v2` -> `lambda:UpdateFunctionCode`).
    VersionSuffix,
    /// Inferred from the operation's verb (API Gateway's actions are HTTP methods).
    Verb,
    /// The operation needs no IAM permission (`sts:GetCallerIdentity`, console sign-in).
    NoPermission,
    /// The catalog knows no action for the event.
    Unknown,
}

/// The actions an event needs.
#[derive(Clone, Debug)]
pub struct EventActions<'a> {
    /// The actions; empty for [`EventMapping::NoPermission`] and [`EventMapping::Unknown`].
    pub actions: Vec<Action<'a>>,
    /// How they were found.
    pub mapping: EventMapping,
}

/// Event sources (without `.amazonaws.com`) whose IAM prefix differs.
const SOURCE_PREFIXES: &[(&str, &str)] = &[
    ("monitoring", "cloudwatch"),
    ("email", "ses"),
    ("tagging", "tag"),
    ("runtime.lex", "lex"),
    ("models.lex", "lex"),
    ("runtime.sagemaker", "sagemaker"),
    ("api.ecr", "ecr"),
    ("api.pricing", "pricing"),
    ("data.iot", "iot"),
];

/// Event sources whose events are not authorized by IAM actions.
const NO_PERMISSION_SOURCES: &[&str] = &["signin"];

/// (prefix, event name, actions): events authorized by differently named actions.
const RENAMES: &[(&str, &str, &[&str])] = &[
    ("s3", "ListObjects", &["ListBucket"]),
    ("s3", "ListObjectsV2", &["ListBucket"]),
    ("s3", "HeadBucket", &["ListBucket"]),
    ("s3", "ListBuckets", &["ListAllMyBuckets"]),
    ("s3", "ListObjectVersions", &["ListBucketVersions"]),
    ("s3", "CreateMultipartUpload", &["PutObject"]),
    ("s3", "UploadPart", &["PutObject"]),
    ("s3", "UploadPartCopy", &["PutObject", "GetObject"]),
    ("s3", "CompleteMultipartUpload", &["PutObject"]),
    ("s3", "ListParts", &["ListMultipartUploadParts"]),
    (
        "s3",
        "ListMultipartUploads",
        &["ListBucketMultipartUploads"],
    ),
    ("s3", "HeadObject", &["GetObject"]),
    ("s3", "SelectObjectContent", &["GetObject"]),
    ("s3", "CopyObject", &["PutObject", "GetObject"]),
    ("s3", "DeleteObjects", &["DeleteObject"]),
    ("s3", "GetBucketEncryption", &["GetEncryptionConfiguration"]),
    ("s3", "PutBucketEncryption", &["PutEncryptionConfiguration"]),
    (
        "s3",
        "DeleteBucketEncryption",
        &["PutEncryptionConfiguration"],
    ),
    ("s3", "GetBucketLifecycle", &["GetLifecycleConfiguration"]),
    (
        "s3",
        "GetBucketLifecycleConfiguration",
        &["GetLifecycleConfiguration"],
    ),
    ("s3", "PutBucketLifecycle", &["PutLifecycleConfiguration"]),
    (
        "s3",
        "PutBucketLifecycleConfiguration",
        &["PutLifecycleConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketLifecycle",
        &["PutLifecycleConfiguration"],
    ),
    (
        "s3",
        "GetBucketReplication",
        &["GetReplicationConfiguration"],
    ),
    (
        "s3",
        "PutBucketReplication",
        &["PutReplicationConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketReplication",
        &["PutReplicationConfiguration"],
    ),
    ("s3", "GetBucketCors", &["GetBucketCORS"]),
    ("s3", "PutBucketCors", &["PutBucketCORS"]),
    ("s3", "DeleteBucketCors", &["PutBucketCORS"]),
    ("s3", "DeleteBucketTagging", &["PutBucketTagging"]),
    (
        "s3",
        "GetBucketNotificationConfiguration",
        &["GetBucketNotification"],
    ),
    (
        "s3",
        "PutBucketNotificationConfiguration",
        &["PutBucketNotification"],
    ),
    (
        "s3",
        "GetBucketAccelerateConfiguration",
        &["GetAccelerateConfiguration"],
    ),
    (
        "s3",
        "PutBucketAccelerateConfiguration",
        &["PutAccelerateConfiguration"],
    ),
    (
        "s3",
        "GetBucketAnalyticsConfiguration",
        &["GetAnalyticsConfiguration"],
    ),
    (
        "s3",
        "ListBucketAnalyticsConfigurations",
        &["GetAnalyticsConfiguration"],
    ),
    (
        "s3",
        "PutBucketAnalyticsConfiguration",
        &["PutAnalyticsConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketAnalyticsConfiguration",
        &["PutAnalyticsConfiguration"],
    ),
    (
        "s3",
        "GetBucketInventoryConfiguration",
        &["GetInventoryConfiguration"],
    ),
    (
        "s3",
        "ListBucketInventoryConfigurations",
        &["GetInventoryConfiguration"],
    ),
    (
        "s3",
        "PutBucketInventoryConfiguration",
        &["PutInventoryConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketInventoryConfiguration",
        &["PutInventoryConfiguration"],
    ),
    (
        "s3",
        "GetBucketMetricsConfiguration",
        &["GetMetricsConfiguration"],
    ),
    (
        "s3",
        "ListBucketMetricsConfigurations",
        &["GetMetricsConfiguration"],
    ),
    (
        "s3",
        "PutBucketMetricsConfiguration",
        &["PutMetricsConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketMetricsConfiguration",
        &["PutMetricsConfiguration"],
    ),
    (
        "s3",
        "GetBucketIntelligentTieringConfiguration",
        &["GetIntelligentTieringConfiguration"],
    ),
    (
        "s3",
        "ListBucketIntelligentTieringConfigurations",
        &["GetIntelligentTieringConfiguration"],
    ),
    (
        "s3",
        "PutBucketIntelligentTieringConfiguration",
        &["PutIntelligentTieringConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketIntelligentTieringConfiguration",
        &["PutIntelligentTieringConfiguration"],
    ),
    (
        "s3",
        "DeleteBucketOwnershipControls",
        &["PutBucketOwnershipControls"],
    ),
    (
        "s3",
        "GetObjectLockConfiguration",
        &["GetBucketObjectLockConfiguration"],
    ),
    (
        "s3",
        "PutObjectLockConfiguration",
        &["PutBucketObjectLockConfiguration"],
    ),
    (
        "s3",
        "GetPublicAccessBlock",
        &["GetBucketPublicAccessBlock"],
    ),
    (
        "s3",
        "PutPublicAccessBlock",
        &["PutBucketPublicAccessBlock"],
    ),
    (
        "s3",
        "DeletePublicAccessBlock",
        &["PutBucketPublicAccessBlock"],
    ),
    ("s3", "DeleteBucketWebsite", &["DeleteBucketWebsite"]),
    ("kms", "ReEncrypt", &["ReEncryptFrom", "ReEncryptTo"]),
    // AWS: Lambda Developer Guide, "Logging AWS Lambda API calls using AWS CloudTrail":
    // data events for the Invoke API are named `Invoke`.
    ("lambda", "Invoke", &["InvokeFunction"]),
    ("dynamodb", "TransactGetItems", &["GetItem"]),
    (
        "dynamodb",
        "TransactWriteItems",
        &["PutItem", "UpdateItem", "DeleteItem"],
    ),
];

/// (prefix, event name): operations AWS authorizes without an IAM permission.
/// AWS: STS API Reference, "GetCallerIdentity": "No permissions are required".
const NO_PERMISSION: &[(&str, &str)] = &[("sts", "GetCallerIdentity")];

impl Catalog {
    /// The IAM actions a CloudTrail event (`eventSource`, `eventName`) needs.
    pub fn actions_for_event(&self, event_source: &str, event_name: &str) -> EventActions<'_> {
        let source = event_source
            .strip_suffix(".amazonaws.com.cn")
            .or_else(|| event_source.strip_suffix(".amazonaws.com"))
            .unwrap_or(event_source);
        let result = |actions, mapping| EventActions { actions, mapping };
        if NO_PERMISSION_SOURCES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(source))
        {
            return result(Vec::new(), EventMapping::NoPermission);
        }
        let prefix = SOURCE_PREFIXES
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(source))
            .map_or(source, |(_, p)| p);
        if NO_PERMISSION
            .iter()
            .any(|(p, e)| p.eq_ignore_ascii_case(prefix) && e.eq_ignore_ascii_case(event_name))
        {
            return result(Vec::new(), EventMapping::NoPermission);
        }
        if let Some((_, _, names)) = RENAMES
            .iter()
            .find(|(p, e, _)| p.eq_ignore_ascii_case(prefix) && e.eq_ignore_ascii_case(event_name))
        {
            let actions: Vec<Action<'_>> = names
                .iter()
                .filter_map(|n| self.action(&format!("{prefix}:{n}")))
                .collect();
            return result(actions, EventMapping::Renamed);
        }
        if let Some(a) = self.action(&format!("{prefix}:{event_name}")) {
            return result(vec![a], EventMapping::Exact);
        }
        if let Some(base) = strip_version_suffix(event_name) {
            if let Some(a) = self.action(&format!("{prefix}:{base}")) {
                return result(vec![a], EventMapping::VersionSuffix);
            }
        }
        if prefix.eq_ignore_ascii_case("apigateway") {
            if let Some(a) =
                http_verb(event_name).and_then(|v| self.action(&format!("apigateway:{v}")))
            {
                return result(vec![a], EventMapping::Verb);
            }
        }
        result(Vec::new(), EventMapping::Unknown)
    }
}

/// `UpdateFunctionCode20150331v2` -> `UpdateFunctionCode`; `CreateDistribution2020_05_31`
/// -> `CreateDistribution`.
fn strip_version_suffix(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    let mut end = b.len();
    // optional `v<digits>`
    let digits_end = end;
    while end > 0 && b.get(end - 1).is_some_and(u8::is_ascii_digit) {
        end -= 1;
    }
    if end < digits_end && end > 0 && b.get(end - 1) == Some(&b'v') {
        end -= 1;
    } else {
        end = digits_end;
    }
    // a date: eight digits, or `YYYY_MM_DD`
    let tail = name.get(..end)?;
    let date_len = if tail.len() >= 10
        && tail.get(tail.len() - 10..).is_some_and(|d| {
            d.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'_'
                } else {
                    c.is_ascii_digit()
                }
            })
        }) {
        10
    } else if tail.len() >= 8
        && tail
            .get(tail.len() - 8..)
            .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
    {
        8
    } else {
        return None;
    };
    let base = tail.get(..tail.len() - date_len)?;
    (!base.is_empty()).then_some(base)
}

fn http_verb(event_name: &str) -> Option<&'static str> {
    const VERBS: &[(&str, &str)] = &[
        ("Get", "GET"),
        ("List", "GET"),
        ("Create", "POST"),
        ("Import", "PUT"),
        ("Put", "PUT"),
        ("Update", "PATCH"),
        ("Delete", "DELETE"),
        ("Tag", "PUT"),
        ("Untag", "DELETE"),
    ];
    VERBS
        .iter()
        .find(|(p, _)| event_name.starts_with(p))
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_suffixes() {
        assert_eq!(
            strip_version_suffix("UpdateFunctionCode20150331v2"),
            Some("UpdateFunctionCode")
        );
        assert_eq!(
            strip_version_suffix("ListFunctions20150331"),
            Some("ListFunctions")
        );
        assert_eq!(
            strip_version_suffix("CreateDistribution2020_05_31"),
            Some("CreateDistribution")
        );
        assert_eq!(strip_version_suffix("GetObject"), None);
        assert_eq!(strip_version_suffix("Ec2v2"), None);
        assert_eq!(strip_version_suffix("20150331"), None);
    }
}
