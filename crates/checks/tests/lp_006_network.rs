//! LP-006 on a PHI bucket that follows AWS's recommended pattern: deny `s3:*` when the
//! source address is outside the organisation's ranges and the request is not made by an
//! AWS service. A direct request from the internet is denied, so the bucket passes; the
//! requests AWS services make on a principal's behalf are named in a separate,
//! informational finding, not as a failure (regression: "answers a request from the
//! internet unless other conditions stop it"). A bucket that denies only under conditions
//! the snapshot cannot decide fails and names them.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};
use phiward_findings::{Finding, Severity, Status};
use phiward_snapshot::PolicyText;
use serde_json::json;

const BUCKET: &str = "arn:aws:s3:::phi-records";

/// LP-006's findings on the clean fixture with the PHI bucket's policy replaced.
fn lp006(policy: serde_json::Value) -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let mut loaded = phiward_snapshot::load(&dir).unwrap();
    let snap = &mut loaded.snapshot;
    let bucket = snap
        .buckets
        .get_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b.name == "phi-records")
        .unwrap();
    *bucket.policy.get_mut().unwrap() = Some(PolicyText::from_source(policy.to_string()));
    let access = AccessModel::new(snap);
    let config = Config::parse(
        &std::fs::read_to_string(dir.join("phiward.toml")).unwrap(),
        "phiward.toml",
    )
    .unwrap();
    let now = snap.as_of.unwrap_or(snap.created);
    run_all(&Audit::new(snap, &access, now, &config))
        .into_iter()
        .filter(|f| f.check == "LP-006" && f.resource == BUCKET)
        .collect()
}

fn deny(condition: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyWithoutTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [BUCKET, format!("{BUCKET}/*")],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyOutsideCorpNetwork", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [BUCKET, format!("{BUCKET}/*")], "Condition": condition}]})
}

#[test]
fn the_recommended_pattern_passes_with_a_note_on_the_service_exemption() {
    let found = lp006(deny(json!({
        "NotIpAddress": {"aws:SourceIp": ["10.20.0.0/16", "192.0.2.0/24"]},
        "Bool": {"aws:ViaAWSService": "false"}
    })));
    assert_eq!(found.len(), 2, "{found:#?}");
    let (main, note) = (&found[0], &found[1]);
    assert_eq!(main.status, Status::Pass, "{}", main.message);
    assert_eq!(
        main.message,
        "PHI bucket `phi-records` denies requests from outside the network"
    );
    // The exemption: informational, not a failure, naming the key and the statement.
    assert_eq!(note.status, Status::Pass, "{}", note.message);
    assert_eq!(note.severity, Severity::Info);
    assert!(
        note.message
            .contains("lets requests AWS services make on a principal's behalf (`aws:ViaAWSService` is `true`) through from outside the network"),
        "{}",
        note.message
    );
    let exempting = note
        .evidence
        .iter()
        .find(|e| e.statement == Some(1))
        .unwrap();
    assert!(
        exempting
            .detail
            .contains("denies only when `aws:ViaAWSService` is `false`"),
        "{}",
        exempting.detail
    );
    assert!(exempting.line.is_some());
}

#[test]
fn a_bucket_without_the_exemption_passes_without_a_note() {
    let found = lp006(deny(json!({
        "NotIpAddress": {"aws:SourceIp": ["10.20.0.0/16"]}
    })));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].status, Status::Pass);
}

#[test]
fn a_conditional_failure_names_its_conditions() {
    // Denied outside the network unless the caller is in the organisation: whether the
    // probe is, the snapshot cannot tell.
    let found = lp006(deny(json!({
        "NotIpAddress": {"aws:SourceIp": ["10.20.0.0/16"]},
        "StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}
    })));
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.ends_with(
            "answers a request from the internet (203.0.113.7), allowed unless \
             `aws:PrincipalOrgID` is not `o-a1b2c3d4e5`"
        ),
        "{}",
        f.message
    );
    assert!(!f.message.contains("other conditions"));
    assert!(f.evidence.iter().any(|e| e.statement == Some(1)
        && e.detail == "unless `aws:PrincipalOrgID` is not `o-a1b2c3d4e5`"));
}
