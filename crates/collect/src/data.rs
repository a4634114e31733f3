//! Where PHI lives: S3 buckets (one call per setting, in the bucket's own region), the
//! account-level S3 public access block, KMS keys with policies and grants, and Secrets
//! Manager secrets per region.

use aws_sdk_s3::types as st;
use phiward_snapshot::model::data as m;
use phiward_snapshot::model::iam::Tag;
use phiward_snapshot::{Collected, PolicyText, Snapshot};

use crate::ctx::{ots, Ctx, Got};
use crate::logging::merge;
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// Everything this module reads.
pub(crate) struct Stores {
    buckets: Collected<Vec<m::Bucket>>,
    account_public_access_block: Collected<Option<m::PublicAccessBlock>>,
    kms_keys: Collected<Vec<m::KmsKey>>,
    secrets: Collected<Vec<m::Secret>>,
}

impl Stores {
    pub(crate) fn apply(self, snap: &mut Snapshot) {
        snap.buckets = self.buckets;
        snap.account_public_access_block = self.account_public_access_block;
        snap.kms_keys = self.kms_keys;
        snap.secrets = self.secrets;
    }
}

pub(crate) async fn collect(ctx: &Ctx, sdk: &Sdk, account: &str) -> Stores {
    let keys = sdk.regions.iter().map(|r| kms_keys(ctx, sdk, r));
    let secrets = sdk.regions.iter().map(|r| secrets(ctx, sdk, r));
    let (buckets, pab, keys, secrets) = tokio::join!(
        buckets(ctx, sdk),
        account_public_access_block(ctx, sdk, account),
        futures_util::future::join_all(keys),
        futures_util::future::join_all(secrets),
    );
    Stores {
        buckets,
        account_public_access_block: pab,
        kms_keys: merge(keys),
        secrets: merge(secrets),
    }
}

pub(crate) fn s3_client(sdk: &Sdk, region: &str) -> aws_sdk_s3::Client {
    // Emulators serve buckets under the path, not as host names.
    let conf = aws_sdk_s3::config::Builder::from(&sdk.in_region(region))
        .force_path_style(sdk.endpoint_url.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

async fn buckets(ctx: &Ctx, sdk: &Sdk) -> Collected<Vec<m::Bucket>> {
    let home = sdk.regions.first().map_or("us-east-1", String::as_str);
    let s3 = s3_client(sdk, home);
    let listed = ctx
        .call(
            &calls::S3_LIST_ALL_MY_BUCKETS,
            None,
            s3.list_buckets()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let list: Vec<st::Bucket> = match listed {
        Got::Data(pages) => pages.iter().flat_map(|p| p.buckets().to_vec()).collect(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let each = list.iter().map(|b| bucket(ctx, sdk, &s3, b));
    let mut buckets = futures_util::future::join_all(each).await;
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    Collected::Known(buckets)
}

async fn bucket(ctx: &Ctx, sdk: &Sdk, home: &aws_sdk_s3::Client, b: &st::Bucket) -> m::Bucket {
    let name = b.name().unwrap_or_default().to_string();
    let n = Some(name.as_str());
    let location = ctx
        .call(
            &calls::S3_GET_BUCKET_LOCATION,
            n,
            home.get_bucket_location().bucket(&name).send(),
        )
        .await;
    // No constraint means us-east-1; `EU` is the old name of eu-west-1.
    let region = location.data().map(|l| match l.location_constraint() {
        None => "us-east-1".to_string(),
        Some(c) if c.as_str().is_empty() => "us-east-1".to_string(),
        Some(c) if c.as_str() == "EU" => "eu-west-1".to_string(),
        Some(c) => c.as_str().to_string(),
    });
    let s3 = match &region {
        Some(r) => s3_client(sdk, r),
        None => home.clone(),
    };
    let (policy, acl, pab, versioning, lock, logging, lifecycle, encryption, tags) = tokio::join!(
        ctx.call(
            &calls::S3_GET_BUCKET_POLICY,
            n,
            s3.get_bucket_policy().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_ACL,
            n,
            s3.get_bucket_acl().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_PUBLIC_ACCESS_BLOCK,
            n,
            s3.get_public_access_block().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_VERSIONING,
            n,
            s3.get_bucket_versioning().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_OBJECT_LOCK_CONFIGURATION,
            n,
            s3.get_object_lock_configuration().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_LOGGING,
            n,
            s3.get_bucket_logging().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_LIFECYCLE_CONFIGURATION,
            n,
            s3.get_bucket_lifecycle_configuration().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_ENCRYPTION_CONFIGURATION,
            n,
            s3.get_bucket_encryption().bucket(&name).send()
        ),
        ctx.call(
            &calls::S3_GET_BUCKET_TAGGING,
            n,
            s3.get_bucket_tagging().bucket(&name).send()
        ),
    );
    m::Bucket {
        creation_date: ots(b.creation_date()),
        region,
        policy: policy
            .optional(|o| o.policy().map(PolicyText::from_source))
            .map(Option::flatten),
        acl: acl.or_default(|o| m::Acl {
            owner: o.owner().map(|w| m::Grantee {
                grantee_type: None,
                id: w.id().map(str::to_string),
                uri: None,
                display_name: w.display_name().map(str::to_string),
            }),
            grants: o
                .grants()
                .iter()
                .map(|g| m::Grant {
                    grantee: g.grantee().map(grantee).unwrap_or_default(),
                    permission: g
                        .permission()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                })
                .collect(),
        }),
        public_access_block: pab
            .optional(|o| o.public_access_block_configuration().map(block))
            .map(Option::flatten),
        versioning: versioning.or_default(|o| m::Versioning {
            status: o.status().map(|s| s.as_str().to_string()),
            mfa_delete: o.mfa_delete().map(|s| s.as_str().to_string()),
        }),
        object_lock: lock
            .optional(|o| {
                o.object_lock_configuration().map(|c| m::ObjectLock {
                    object_lock_enabled: c.object_lock_enabled().map(|e| e.as_str().to_string()),
                    rule: c.rule().and_then(|r| r.default_retention()).map(|d| {
                        serde_json::json!({"DefaultRetention": {
                            "Mode": d.mode().map(|x| x.as_str()),
                            "Days": d.days(),
                            "Years": d.years(),
                        }})
                    }),
                })
            })
            .map(Option::flatten),
        logging: logging
            .optional(|o| {
                o.logging_enabled().map(|l| m::LoggingEnabled {
                    target_bucket: l.target_bucket().to_string(),
                    target_prefix: l.target_prefix().to_string(),
                })
            })
            .map(Option::flatten),
        lifecycle_rules: lifecycle.or_default(|o| o.rules().iter().map(lifecycle_rule).collect()),
        encryption: encryption.or_default(|o| {
            o.server_side_encryption_configuration()
                .map(|c| c.rules().iter().map(encryption_rule).collect())
                .unwrap_or_default()
        }),
        tags: tags.or_default(|o| {
            o.tag_set()
                .iter()
                .map(|x| Tag {
                    key: x.key().to_string(),
                    value: x.value().to_string(),
                })
                .collect()
        }),
        name,
    }
}

fn grantee(g: &st::Grantee) -> m::Grantee {
    m::Grantee {
        grantee_type: Some(g.r#type().as_str().to_string()),
        id: g.id().map(str::to_string),
        uri: g.uri().map(str::to_string),
        display_name: g.display_name().map(str::to_string),
    }
}

fn block(c: &st::PublicAccessBlockConfiguration) -> m::PublicAccessBlock {
    m::PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    }
}

/// The parts of a lifecycle rule the checks read, in AWS's field names.
fn lifecycle_rule(r: &st::LifecycleRule) -> serde_json::Value {
    let mut v = serde_json::json!({
        "ID": r.id(),
        "Status": r.status().as_str(),
    });
    if let Some(e) = r.expiration() {
        v["Expiration"] = serde_json::json!({"Days": e.days()});
    }
    if let Some(e) = r.noncurrent_version_expiration() {
        v["NoncurrentVersionExpiration"] =
            serde_json::json!({"NoncurrentDays": e.noncurrent_days()});
    }
    v
}

fn encryption_rule(r: &st::ServerSideEncryptionRule) -> m::EncryptionRule {
    m::EncryptionRule {
        apply_server_side_encryption_by_default: r.apply_server_side_encryption_by_default().map(
            |d| m::EncryptionDefault {
                sse_algorithm: d.sse_algorithm().as_str().to_string(),
                kms_master_key_id: d.kms_master_key_id().map(str::to_string),
            },
        ),
        bucket_key_enabled: r.bucket_key_enabled(),
    }
}

async fn account_public_access_block(
    ctx: &Ctx,
    sdk: &Sdk,
    account: &str,
) -> Collected<Option<m::PublicAccessBlock>> {
    let client = crate::sdk::s3control_client(sdk);
    ctx.call(
        &calls::S3_GET_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        None,
        client.get_public_access_block().account_id(account).send(),
    )
    .await
    .optional(|o| {
        o.public_access_block_configuration()
            .map(|c| m::PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })
    })
    .map(Option::flatten)
}

async fn kms_keys(ctx: &Ctx, sdk: &Sdk, region: &str) -> Collected<Vec<m::KmsKey>> {
    let kms = aws_sdk_kms::Client::new(&sdk.in_region(region));
    let target = (sdk.regions.len() > 1).then_some(region);
    let listed = ctx
        .call(
            &calls::KMS_LIST_KEYS,
            target,
            kms.list_keys()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let ids: Vec<String> = match listed {
        Got::Data(v) => v
            .iter()
            .filter_map(|k| k.key_id().map(str::to_string))
            .collect(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let each = ids.iter().map(|id| {
        let kms = &kms;
        async move {
            let t = Some(id.as_str());
            let (described, policy, grants) = tokio::join!(
                ctx.call(
                    &calls::KMS_DESCRIBE_KEY,
                    t,
                    kms.describe_key().key_id(id).send()
                ),
                ctx.call(
                    &calls::KMS_GET_KEY_POLICY,
                    t,
                    kms.get_key_policy()
                        .key_id(id)
                        .policy_name("default")
                        .send()
                ),
                ctx.call(
                    &calls::KMS_LIST_GRANTS,
                    t,
                    kms.list_grants()
                        .key_id(id)
                        .into_paginator()
                        .items()
                        .send()
                        .collect::<Result<Vec<_>, _>>()
                ),
            );
            let meta = described.data();
            let meta = meta.as_ref().and_then(|d| d.key_metadata());
            m::KmsKey {
                key_id: id.clone(),
                key_arn: meta.and_then(|k| k.arn()).map(str::to_string),
                key_manager: meta
                    .and_then(|k| k.key_manager())
                    .map(|x| x.as_str().to_string()),
                key_state: meta
                    .and_then(|k| k.key_state())
                    .map(|x| x.as_str().to_string()),
                description: meta.and_then(|k| k.description()).map(str::to_string),
                policy: match policy {
                    Got::Data(o) => match o.policy() {
                        Some(p) => Collected::Known(PolicyText::from_source(p)),
                        None => Collected::missing("the key has no `default` policy"),
                    },
                    Got::Absent => Collected::missing("the key has no `default` policy"),
                    Got::Not(n) => Collected::Unknown(n),
                },
                grants: grants.or_default(|g| {
                    g.iter()
                        .map(|g| m::KmsGrant {
                            grant_id: g.grant_id().unwrap_or_default().to_string(),
                            name: g.name().map(str::to_string),
                            grantee_principal: g.grantee_principal().map(str::to_string),
                            retiring_principal: g.retiring_principal().map(str::to_string),
                            operations: g
                                .operations()
                                .iter()
                                .map(|o| o.as_str().to_string())
                                .collect(),
                            constraints: None,
                        })
                        .collect()
                }),
            }
        }
    });
    let mut keys = futures_util::future::join_all(each).await;
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    Collected::Known(keys)
}

async fn secrets(ctx: &Ctx, sdk: &Sdk, region: &str) -> Collected<Vec<m::Secret>> {
    let client = aws_sdk_secretsmanager::Client::new(&sdk.in_region(region));
    let target = (sdk.regions.len() > 1).then_some(region);
    let items = ctx
        .call(
            &calls::SECRETS_LIST_SECRETS,
            target,
            client
                .list_secrets()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    items.or_default(|pages| {
        pages
            .iter()
            .flat_map(|p| p.secret_list())
            .map(|s| m::Secret {
                arn: s.arn().unwrap_or_default().to_string(),
                name: s.name().unwrap_or_default().to_string(),
                kms_key_id: s.kms_key_id().map(str::to_string),
                rotation_enabled: s.rotation_enabled(),
                rotation_lambda_arn: s.rotation_lambda_arn().map(str::to_string),
                rotation_rules: s.rotation_rules().map(|r| m::RotationRules {
                    automatically_after_days: r
                        .automatically_after_days()
                        .and_then(|d| u32::try_from(d).ok()),
                    schedule_expression: r.schedule_expression().map(str::to_string),
                }),
                last_rotated_date: ots(s.last_rotated_date()),
                last_accessed_date: ots(s.last_accessed_date()),
                tags: s
                    .tags()
                    .iter()
                    .map(|x| Tag {
                        key: x.key().unwrap_or_default().to_string(),
                        value: x.value().unwrap_or_default().to_string(),
                    })
                    .collect(),
            })
            .collect()
    })
}
