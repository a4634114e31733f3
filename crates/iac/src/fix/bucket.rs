//! Bucket policies: PHI buckets deny requests without TLS (LP-007) and from outside the
//! organisation's networks (LP-006, with `--network`/`--vpce`); audit-log buckets are
//! changed only by administrators and the logging services, and deleting or changing
//! their settings needs MFA (LOG-004). One fix per bucket adds every statement its
//! failing findings call for to the bucket's current policy.
//!
//! AWS: S3 User Guide, "Bucket policy examples" (`aws:SecureTransport`, `aws:SourceIp`,
//! `aws:SourceVpce`, `aws:MultiFactorAuthPresent`) and IAM User Guide, "AWS global
//! condition context keys" (`aws:PrincipalArn` is absent for service principals, so
//! `"Null": {"aws:PrincipalArn": "false"}` leaves CloudTrail's and Config's deliveries
//! alone).

use std::collections::BTreeMap;

use phiward_access::AccessModel;
use phiward_checks::{Audit, Config};
use phiward_findings::Finding;
use phiward_snapshot::{Collected, PolicyText, Snapshot};
use serde_json::{json, Value};

use super::cis::{hcl, sh};
use super::{ident, snake, target, Fix, Options};

/// The accounts' principals that may change log buckets: administrators, service-linked
/// roles, and the AWS Config recorder's role.
fn trusted(s: &Snapshot, config: &Config) -> Vec<String> {
    let m = AccessModel::new(s);
    let now = s.as_of.unwrap_or(s.created);
    let a = Audit::new(s, &m, now, config);
    let mut out: Vec<String> = a.trusted_arns().into_iter().map(str::to_string).collect();
    if let Some(c) = s.config.get() {
        out.extend(c.recorders.iter().filter_map(|r| r.role_arn.clone()));
    }
    out.sort();
    out.dedup();
    out
}

fn statements(check: &str, bucket: &str, opts: &Options, trusted: &[String]) -> Vec<Value> {
    let arn = format!("arn:aws:s3:::{bucket}");
    let resources = json!([arn, format!("{arn}/*")]);
    match check {
        "LP-007" => vec![
            json!({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": resources,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        ],
        "LP-006" if !opts.networks.is_empty() || !opts.vpc_endpoints.is_empty() => {
            let mut cond = serde_json::Map::new();
            if !opts.networks.is_empty() {
                cond.insert(
                    "NotIpAddress".into(),
                    json!({"aws:SourceIp": opts.networks}),
                );
            }
            if !opts.vpc_endpoints.is_empty() {
                cond.insert(
                    "StringNotEquals".into(),
                    json!({"aws:SourceVpce": opts.vpc_endpoints}),
                );
            }
            vec![
                json!({"Sid": "DenyOutsideNetwork", "Effect": "Deny", "Principal": "*",
                "Action": "s3:*", "Resource": resources, "Condition": cond}),
            ]
        }
        "LOG-004" => vec![
            json!({"Sid": "OnlyAdministratorsAndLoggingChangeLogs", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
                    "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl",
                    "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning", "s3:PutBucketObjectLockConfiguration",
                    "s3:DeleteBucket"],
                "Resource": resources,
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": trusted}, "Null": {"aws:PrincipalArn": "false"}}}),
            json!({"Sid": "LogChangesNeedMfa", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                    "s3:PutLifecycleConfiguration", "s3:PutBucketVersioning", "s3:DeleteBucket"],
                "Resource": resources,
                // The logging services never delete logs nor change the bucket: no
                // exemption is needed for them here.
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
        ],
        _ => Vec::new(),
    }
}

/// The bucket's policy with `add` appended (a statement with the same `Sid` replaced).
fn merged(current: Option<&PolicyText>, add: &[Value]) -> Value {
    let mut doc: Value = current
        .and_then(|t| serde_json::from_str(t.as_str()).ok())
        .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
    let mut list: Vec<Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    };
    for s in add {
        list.retain(|x| x.get("Sid").is_none() || x.get("Sid") != s.get("Sid"));
        list.push(s.clone());
    }
    if let Some(o) = doc.as_object_mut() {
        o.insert("Statement".into(), Value::Array(list));
        o.entry("Version").or_insert(json!("2012-10-17"));
    }
    doc
}

pub(super) fn fixes(
    s: &Snapshot,
    config: &Config,
    failing: &[&Finding],
    opts: &Options,
    _all: &[Finding],
) -> Vec<Fix> {
    let mut by_bucket: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in failing
        .iter()
        .filter(|f| matches!(f.check, "LP-006" | "LP-007" | "LOG-004"))
    {
        if let Some(b) = f.resource.strip_prefix("arn:aws:s3:::") {
            by_bucket.entry(b.to_string()).or_default().push(f);
        }
    }
    let trusted = if by_bucket.values().flatten().any(|f| f.check == "LOG-004") {
        trusted(s, config)
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for (bucket, findings) in by_bucket {
        let mut add = Vec::new();
        let mut targets = Vec::new();
        let mut checks = Vec::new();
        for f in findings {
            let st = statements(f.check, &bucket, opts, &trusted);
            if st.is_empty() {
                continue;
            }
            add.extend(st);
            targets.push(target(f));
            checks.push(f.check);
        }
        if add.is_empty() {
            continue;
        }
        let current = s
            .buckets
            .get()
            .and_then(|bs| bs.iter().find(|b| b.name == bucket))
            .and_then(|b| b.policy.get().cloned().flatten());
        let doc = merged(current.as_ref(), &add);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let id = ident(&bucket);
        let indented: String = text.lines().map(|l| format!("        {l}\n")).collect();
        let what = checks.join(", ");
        let cloudformation = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: phiward fix for {what} on bucket {bucket} (the bucket's current policy with the statements added)\nResources:\n  {id}Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: {bucket}\n      PolicyDocument:\n{indented}"
        );
        let tf = snake(&bucket);
        let terraform = format!(
            "# phiward fix for {what} on bucket {bucket}\nresource \"aws_s3_bucket_policy\" \"{tf}\" {{\n  bucket = {b}\n  policy = <<-POLICY\n{body}  POLICY\n}}\n",
            b = hcl(&bucket),
            body = text.replace("${", "$${").lines().map(|l| format!("    {l}\n")).collect::<String>(),
        );
        let compact = serde_json::to_string(&doc).unwrap_or_default();
        let cli = format!(
            "# phiward fix for {what} on bucket {bucket}\naws s3api put-bucket-policy --bucket {b} --policy {p}\n",
            b = sh(&bucket),
            p = sh(&compact),
        );
        let policy = PolicyText::from_source(compact);
        let name = bucket.clone();
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            if let Some(bs) = snap.buckets.get_mut() {
                if let Some(b) = bs.iter_mut().find(|b| b.name == name) {
                    b.policy = Collected::Known(Some(policy.clone()));
                }
            }
        });
        out.push(Fix {
            name: format!("bucket-policy-{bucket}"),
            title: format!("bucket `{bucket}`: policy statements for {what}"),
            targets,
            cloudformation,
            terraform,
            cli,
            apply,
        });
    }
    out
}
