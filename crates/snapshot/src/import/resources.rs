//! PHI stores: S3 buckets (one folder per bucket), the account's S3 public access block,
//! KMS keys (one folder per key) and Secrets Manager secrets.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::logging::safe_name;
use super::{pages, Ctx, Got, Spec};
use crate::calls::{self, Call};
use crate::dates::{self, Timestamp};
use crate::model::data::{
    Acl, Bucket, EncryptionRule, KmsGrant, KmsKey, LoggingEnabled, ObjectLock, PublicAccessBlock,
    Secret, Versioning,
};
use crate::model::iam::Tag;
use crate::{Collected, PolicyText, Snapshot};

#[derive(Default, Deserialize)]
struct ListBuckets {
    #[serde(rename = "Buckets", default)]
    buckets: Vec<BucketEntry>,
}
pages!(ListBuckets: buckets);

#[derive(Default, Deserialize)]
struct BucketEntry {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "CreationDate", default, deserialize_with = "dates::optional")]
    creation_date: Option<Timestamp>,
    #[serde(rename = "BucketRegion", default)]
    region: Option<String>,
}

#[derive(Default, Deserialize)]
struct Policy {
    #[serde(rename = "Policy")]
    policy: Option<PolicyText>,
}
pages!(Policy);

#[derive(Default, Deserialize)]
struct Tagging {
    #[serde(rename = "TagSet", default)]
    tags: Vec<Tag>,
}
pages!(Tagging: tags);

#[derive(Default, Deserialize)]
struct Pab {
    #[serde(rename = "PublicAccessBlockConfiguration", default)]
    config: PublicAccessBlock,
}
pages!(Pab);
pages!(Versioning);
pages!(Acl: grants);

#[derive(Default, Deserialize)]
struct Logging {
    #[serde(rename = "LoggingEnabled", default)]
    enabled: Option<LoggingEnabled>,
}
pages!(Logging);

#[derive(Default, Deserialize)]
struct Encryption {
    #[serde(rename = "ServerSideEncryptionConfiguration", default)]
    config: EncryptionConfig,
}
#[derive(Default, Deserialize)]
struct EncryptionConfig {
    #[serde(rename = "Rules", default)]
    rules: Vec<EncryptionRule>,
}
pages!(Encryption);

#[derive(Default, Deserialize)]
struct Lifecycle {
    #[serde(rename = "Rules", default)]
    rules: Vec<serde_json::Value>,
}
pages!(Lifecycle: rules);

#[derive(Default, Deserialize)]
struct Lock {
    #[serde(rename = "ObjectLockConfiguration", default)]
    config: ObjectLock,
}
pages!(Lock);

#[derive(Default, Deserialize)]
struct ListKeys {
    #[serde(rename = "Keys", default)]
    keys: Vec<KeyEntry>,
}
pages!(ListKeys: keys);

#[derive(Default, Deserialize)]
struct KeyEntry {
    #[serde(rename = "KeyId")]
    key_id: String,
    #[serde(rename = "KeyArn", default)]
    key_arn: Option<String>,
}

#[derive(Default, Deserialize)]
struct DescribeKey {
    #[serde(rename = "KeyMetadata", default)]
    meta: KeyMeta,
}
pages!(DescribeKey);

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyMeta {
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    key_manager: Option<String>,
    #[serde(default)]
    key_state: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Default, Deserialize)]
struct Grants {
    #[serde(rename = "Grants", default)]
    grants: Vec<KmsGrant>,
}
pages!(Grants: grants);

#[derive(Default, Deserialize)]
struct Secrets {
    #[serde(rename = "SecretList", default)]
    list: Vec<Secret>,
}
pages!(Secrets: list);

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    snap.buckets = buckets(ctx);
    snap.account_public_access_block = ctx
        .fetch::<Pab>(&Spec::of(&calls::S3_GET_ACCOUNT_PUBLIC_ACCESS_BLOCK))
        .optional(|p| p.config);
    snap.kms_keys = keys(ctx);
    snap.secrets = ctx
        .fetch::<Secrets>(&Spec::of(&calls::SECRETS_LIST_SECRETS))
        .or_default(|s| s.list);
}

/// The buckets named by `s3/list-buckets.json` and by the folders under `s3/buckets/`.
fn buckets(ctx: &mut Ctx) -> Collected<Vec<Bucket>> {
    let mut all: BTreeMap<String, Bucket> = BTreeMap::new();
    let listed = ctx.fetch::<ListBuckets>(&Spec::of(&calls::S3_LIST_ALL_MY_BUCKETS));
    let folders = ctx.subdirs("s3/buckets");
    let listed = match listed {
        Got::Data(l) => l.buckets,
        Got::Absent => Vec::new(),
        Got::Not(n) if folders.is_empty() => return Collected::Unknown(n),
        Got::Not(_) => Vec::new(),
    };
    for b in listed {
        all.insert(
            b.name.clone(),
            Bucket {
                name: b.name,
                creation_date: b.creation_date,
                region: b.region,
                ..Bucket::default()
            },
        );
    }
    for f in folders {
        all.entry(f.clone()).or_insert_with(|| Bucket {
            name: f,
            ..Bucket::default()
        });
    }
    Collected::Known(all.into_values().map(|b| bucket(ctx, b)).collect())
}

fn bucket(ctx: &mut Ctx, mut b: Bucket) -> Bucket {
    let dir = format!("s3/buckets/{}", safe_name(&b.name));
    let name = b.name.clone();
    let spec = |call: &'static Call| Spec::at(call, &dir).target(&name);
    b.policy = ctx
        .fetch::<Policy>(&spec(&calls::S3_GET_BUCKET_POLICY))
        .or_default(|p| p.policy);
    b.tags = ctx
        .fetch::<Tagging>(&spec(&calls::S3_GET_BUCKET_TAGGING))
        .or_default(|t| t.tags);
    b.public_access_block = ctx
        .fetch::<Pab>(&spec(&calls::S3_GET_BUCKET_PUBLIC_ACCESS_BLOCK))
        .optional(|p| p.config);
    // Both calls print nothing for a bucket that never had the feature.
    b.versioning = ctx
        .fetch::<Versioning>(&spec(&calls::S3_GET_BUCKET_VERSIONING).empty_ok())
        .or_default(|v| v);
    b.logging = ctx
        .fetch::<Logging>(&spec(&calls::S3_GET_BUCKET_LOGGING).empty_ok())
        .or_default(|l| l.enabled);
    b.acl = ctx
        .fetch::<Acl>(&spec(&calls::S3_GET_BUCKET_ACL))
        .or_default(|a| a);
    b.encryption = ctx
        .fetch::<Encryption>(&spec(&calls::S3_GET_ENCRYPTION_CONFIGURATION))
        .or_default(|e| e.config.rules);
    b.lifecycle_rules = ctx
        .fetch::<Lifecycle>(&spec(&calls::S3_GET_LIFECYCLE_CONFIGURATION))
        .or_default(|l| l.rules);
    b.object_lock = ctx
        .fetch::<Lock>(&spec(&calls::S3_GET_BUCKET_OBJECT_LOCK_CONFIGURATION))
        .optional(|l| l.config);
    b
}

/// The keys named by `kms/list-keys.json` and by the folders under `kms/keys/`.
fn keys(ctx: &mut Ctx) -> Collected<Vec<KmsKey>> {
    let listed = ctx.fetch::<ListKeys>(&Spec::of(&calls::KMS_LIST_KEYS));
    let folders = ctx.subdirs("kms/keys");
    let listed = match listed {
        Got::Data(l) => l.keys,
        Got::Absent => Vec::new(),
        Got::Not(n) if folders.is_empty() => return Collected::Unknown(n),
        Got::Not(_) => Vec::new(),
    };
    let mut all: BTreeMap<String, KmsKey> = BTreeMap::new();
    for k in listed {
        all.insert(
            k.key_id.clone(),
            KmsKey {
                key_id: k.key_id,
                key_arn: k.key_arn,
                ..KmsKey::default()
            },
        );
    }
    for f in folders {
        all.entry(f.clone()).or_insert_with(|| KmsKey {
            key_id: f,
            ..KmsKey::default()
        });
    }
    Collected::Known(all.into_values().map(|k| key(ctx, k)).collect())
}

fn key(ctx: &mut Ctx, mut k: KmsKey) -> KmsKey {
    let dir = format!("kms/keys/{}", safe_name(&k.key_id));
    let id = k.key_id.clone();
    let spec = |call: &'static Call| Spec::at(call, &dir).target(&id);
    k.policy = match ctx.fetch::<Policy>(&spec(&calls::KMS_GET_KEY_POLICY)) {
        Got::Data(Policy { policy: Some(p) }) => Collected::Known(p),
        Got::Data(Policy { policy: None }) | Got::Absent => {
            Collected::missing(format!("no policy in `{dir}/get-key-policy.json`"))
        }
        Got::Not(n) => Collected::Unknown(n),
    };
    k.grants = ctx
        .fetch::<Grants>(&spec(&calls::KMS_LIST_GRANTS))
        .or_default(|g| g.grants);
    let describe = format!("{dir}/describe-key.json");
    if ctx.path(&describe).is_file() {
        if let Got::Data(d) = ctx.fetch::<DescribeKey>(&spec(&calls::KMS_DESCRIBE_KEY)) {
            k.key_arn = k.key_arn.or(d.meta.arn);
            k.key_manager = d.meta.key_manager;
            k.key_state = d.meta.key_state;
            k.description = d.meta.description;
        }
    }
    k
}
