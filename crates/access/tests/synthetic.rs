//! Small accounts built in the test: external principals, conditions, boundaries, notes.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;

use phiward_access::{who_can, AccessModel, PrincipalType, Reach};
use phiward_snapshot::model::data::Bucket;
use phiward_snapshot::model::iam::Iam;
use phiward_snapshot::{Collected, PolicyText, Snapshot, SourceKind};

fn snapshot(bucket_policy: &str) -> Snapshot {
    let mut s = common::snapshot_of("111122223333", SourceKind::default());
    s.iam = Collected::Known(Iam::default());
    s.organization = Collected::Known(None);
    let mut b: Bucket = serde_json::from_value(serde_json::json!({"Name": "phi-open"})).unwrap();
    b.policy = Collected::Known(Some(PolicyText::from_source(bucket_policy)));
    b.region = Some("us-east-1".into());
    s.buckets = Collected::Known(vec![b]);
    s
}

#[test]
fn anyone_from_an_ip_range_is_listed_with_the_condition() {
    let s = snapshot(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::phi-open/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#,
    );
    let m = AccessModel::new(&s);
    let w = who_can(
        &m,
        "s3:GetObject",
        &["s3:GetObject".into()],
        "arn:aws:s3:::phi-open/x",
    );
    let anyone = w.principals.iter().find(|g| g.arn == "*").unwrap();
    assert_eq!(anyone.kind, PrincipalType::External);
    assert_eq!(anyone.access, Reach::Conditional);
    let c = &anyone.conditions[0];
    assert_eq!((c.key.as_str(), c.when), ("aws:SourceIp", "allowed_if"));
    assert_eq!(c.values, ["203.0.113.0/24"]);
    assert!(c
        .describe()
        .contains("allowed if `aws:SourceIp` is in `203.0.113.0/24`"));
}

#[test]
fn a_deny_outside_tls_makes_a_public_grant_conditional() {
    let s = snapshot(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::phi-open/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::phi-open/*",
             "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    );
    let m = AccessModel::new(&s);
    let w = who_can(
        &m,
        "s3:GetObject",
        &["s3:GetObject".into()],
        "arn:aws:s3:::phi-open/x",
    );
    assert_eq!(w.principals.len(), 1);
    let other = &w.principals[0];
    assert_eq!(other.arn, "arn:aws:iam::444455556666:root");
    assert_eq!(other.access, Reach::Conditional);
    assert!(other
        .conditions
        .iter()
        .any(|c| c.key == "aws:SecureTransport" && c.when == "denied_if"));
    // A different resource in the bucket is not named by the grant.
    let w = who_can(
        &m,
        "s3:PutObject",
        &["s3:PutObject".into()],
        "arn:aws:s3:::phi-open/x",
    );
    assert!(w.principals.is_empty());
}

#[test]
fn unreadable_parts_become_notes() {
    let mut s = snapshot(r#"{"Version":"2012-10-17","Statement":[]}"#);
    s.organization = Collected::default();
    s.iam = Collected::default();
    let m = AccessModel::new(&s);
    assert!(m.notes.iter().any(|n| n.contains("SCPs")), "{:?}", m.notes);
    assert!(m.notes.iter().any(|n| n.contains("IAM was not collected")));
    let w = who_can(
        &m,
        "s3:GetObject",
        &["s3:GetObject".into()],
        "arn:aws:s3:::phi-open/x",
    );
    assert!(w.notes.iter().any(|n| n.contains("SCPs")));
}

#[test]
fn an_unparsable_bucket_policy_is_skipped_and_reported() {
    let s = snapshot(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}"#);
    let m = AccessModel::new(&s);
    assert_eq!(m.skipped.len(), 1);
    assert!(m.skipped[0].place.contains("phi-open"));
}
