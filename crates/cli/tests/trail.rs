//! `phiward trail` end to end: usage, unused, policy and verify on logs written here for
//! the demo account (examples/demo-account).

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;

use std::path::Path;

use common::phiward;

const NOW: &str = "2026-11-01T00:00:00Z";

fn role_event(t: &str, source: &str, name: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut e = serde_json::json!({
        "eventVersion": "1.08", "eventTime": t, "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "eventID": format!("{t}-{name}"),
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/DataEngineer/kim",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/DataEngineer"}}}
    });
    if let (Some(e), Some(x)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            e.insert(k.clone(), v.clone());
        }
    }
    e
}

fn logs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut events = Vec::new();
    for i in 0..3 {
        events.push(role_event(
            &format!("2026-10-0{}T10:00:00Z", i + 1),
            "s3.amazonaws.com",
            "GetObject",
            serde_json::json!({"resources": [
                {"type": "AWS::S3::Object", "ARN": format!("arn:aws:s3:::mercy-phi-claims-exports/2026/10/x{i}.csv")},
                {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::mercy-phi-claims-exports"}]}),
        ));
    }
    events.push(role_event(
        "2026-10-02T10:00:00Z",
        "s3.amazonaws.com",
        "ListObjectsV2",
        serde_json::json!({"requestParameters": {"bucketName": "mercy-phi-claims-exports"}}),
    ));
    events.push(role_event(
        "2026-10-02T11:00:00Z",
        "athena.amazonaws.com",
        "StartQueryExecution",
        serde_json::json!({}),
    ));
    events.push(role_event(
        "2026-10-03T11:00:05Z",
        "s3.amazonaws.com",
        "DeleteObject",
        serde_json::json!({"errorCode": "AccessDenied", "requestParameters": {"bucketName": "mercy-phi-imaging", "key": "a"}}),
    ));
    let day = dir
        .path()
        .join("AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02");
    std::fs::create_dir_all(&day).unwrap();
    std::fs::write(
        day.join("111122223333_CloudTrail_us-east-1_20261002T1000Z_a.json"),
        serde_json::to_vec(&serde_json::json!({"Records": events})).unwrap(),
    )
    .unwrap();
    dir
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = phiward(args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn p(d: &Path) -> &str {
    d.to_str().unwrap()
}

#[test]
fn usage_in_every_format() {
    let dir = logs();
    let (code, out, _) = run(&["trail", "usage", p(dir.path()), "--now", NOW]);
    assert_eq!(code, 0);
    assert!(
        out.contains("arn:aws:iam::111122223333:role/DataEngineer (role): 6 calls, 1 denied"),
        "{out}"
    );
    assert!(out.contains("s3:ListBucket  1 calls"), "{out}");
    let (code, out, _) = run(&[
        "trail",
        "usage",
        p(dir.path()),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["principals"][0]["actions"][0]["action"],
        "athena:StartQueryExecution"
    );
    let (code, out, _) = run(&[
        "trail",
        "usage",
        p(dir.path()),
        "--now",
        NOW,
        "--format",
        "csv",
        "--threads",
        "1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().next(),
        Some("principal,kind,action,count,denied,first_seen,last_seen,resources")
    );
    assert_eq!(out.lines().count(), 5);
    // A 10-day window ending at --now sees nothing.
    let (_, out, _) = run(&[
        "trail",
        "usage",
        p(dir.path()),
        "--now",
        NOW,
        "--since",
        "10d",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outsideWindow"], 6);
}

#[test]
fn unreadable_input_exits_2_and_is_named() {
    let dir = logs();
    std::fs::write(dir.path().join("broken.json.gz"), [0x1f, 0x8b, 8, 0, 1, 2]).unwrap();
    let (code, out, err) = run(&["trail", "usage", p(dir.path()), "--now", NOW]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json.gz"), "{err}");
    assert!(out.contains("DataEngineer"), "the rest is still read");
    let (code, _, err) = run(&["trail", "usage", p(dir.path()), "--since", "ninety"]);
    assert_eq!(code, 2);
    assert!(err.contains("--since ninety"), "{err}");
}

#[test]
fn policy_is_least_privilege_and_lints_clean() {
    let dir = logs();
    let args = [
        "trail",
        "policy",
        "DataEngineer",
        "--snapshot",
        "examples/demo-account",
        p(dir.path()),
        "--now",
        NOW,
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("lint: clean"), "{out}");
    assert!(
        out.contains("left out (only ever denied): s3:DeleteObject"),
        "{out}"
    );
    assert!(out.contains("- removed"), "{out}");
    let mut only = args.to_vec();
    only.push("--policy-only");
    let (_, out, _) = run(&only);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let get = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == "s3:GetObject")
        .unwrap();
    assert_eq!(get["Resource"].as_array().map(Vec::len), Some(3));
    let (code, _, err) = run(&[
        "trail",
        "policy",
        "nobody",
        "--snapshot",
        "examples/demo-account",
        p(dir.path()),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("nobody"), "{err}");
}

#[test]
fn unused_lists_granted_actions_never_used() {
    let dir = logs();
    let (code, out, _) = run(&[
        "trail",
        "unused",
        "--snapshot",
        "examples/demo-account",
        p(dir.path()),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let de = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == "arn:aws:iam::111122223333:role/DataEngineer")
        .unwrap();
    assert_eq!(de["used"], 3);
    let s3 = de["unused"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "s3")
        .unwrap();
    assert_eq!(
        s3["levels"]["Write"],
        serde_json::json!(["s3:DeleteObject", "s3:PutObject"])
    );
}

#[test]
fn verify_exit_codes() {
    let dir = logs();
    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, r#"{"PublicKeyList": []}"#).unwrap();
    // No digests at all: nothing could be checked.
    let (code, _, err) = run(&["trail", "verify", p(dir.path()), "--public-keys", p(&keys)]);
    assert_eq!(code, 2, "{err}");
    // A digest without a signature is an integrity finding.
    let digest = dir.path().join("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/02/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261002T110000Z.json.gz");
    std::fs::create_dir_all(digest.parent().unwrap()).unwrap();
    std::fs::write(&digest, r#"{"digestStartTime":"2026-10-02T10:00:00Z","digestEndTime":"2026-10-02T11:00:00Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/02/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261002T110000Z.json.gz","digestPublicKeyFingerprint":"ab","digestSignatureAlgorithm":"SHA256withRSA","previousDigestSignature":null,"logFiles":[]}"#).unwrap();
    let (code, out, _) = run(&["trail", "verify", p(dir.path()), "--public-keys", p(&keys)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("signature_missing"), "{out}");
    std::fs::write(&keys, "not json").unwrap();
    let (code, _, err) = run(&["trail", "verify", p(dir.path()), "--public-keys", p(&keys)]);
    assert_eq!(code, 2);
    assert!(err.contains("list-public-keys"), "{err}");
}
