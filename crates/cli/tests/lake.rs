//! `phiward trail compact|query|who-accessed` end to end, and a lake as the input of
//! `trail usage|unused|policy` and `audit --logs`: the same answers as the raw logs.

#![cfg(feature = "lake")]
#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;
mod moto_env;

use std::path::Path;

use common::phiward;

const NOW: &str = "2026-11-01T00:00:00Z";

fn event(t: &str, source: &str, name: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut e = serde_json::json!({
        "eventVersion": "1.08", "eventTime": t, "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "eventID": format!("{t}-{name}"), "recipientAccountId": "111122223333",
        "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/DataEngineer/kim",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/DataEngineer"}}}
    });
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn logs(dir: &Path) {
    let mut events = Vec::new();
    for i in 0..3 {
        events.push(event(
            &format!("2026-10-0{}T10:00:00Z", i + 1),
            "s3.amazonaws.com",
            "GetObject",
            serde_json::json!({"resources": [
                {"ARN": format!("arn:aws:s3:::mercy-phi-claims-exports/2026/10/x{i}.csv")},
                {"ARN": "arn:aws:s3:::mercy-phi-claims-exports"}]}),
        ));
    }
    events.push(event(
        "2026-10-02T11:00:00Z",
        "athena.amazonaws.com",
        "StartQueryExecution",
        serde_json::json!({}),
    ));
    events.push(event(
        "2026-10-03T11:00:05Z",
        "cloudtrail.amazonaws.com",
        "StopLogging",
        serde_json::json!({}),
    ));
    events.push(event("2026-10-03T11:00:06Z", "s3.amazonaws.com", "DeleteObject",
        serde_json::json!({"errorCode": "AccessDenied", "requestParameters": {"bucketName": "mercy-phi-imaging", "key": "a"}})));
    let day = dir.join("AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02");
    std::fs::create_dir_all(&day).unwrap();
    std::fs::write(
        day.join("111122223333_CloudTrail_us-east-1_20261002T1000Z_a.json"),
        serde_json::to_vec(&serde_json::json!({"Records": events})).unwrap(),
    )
    .unwrap();
}

fn out(args: &[&str]) -> (String, i32) {
    let o = phiward(args);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_lake_answers_as_its_logs() {
    let dir = tempfile::tempdir().unwrap();
    let (src, lake) = (dir.path().join("logs"), dir.path().join("lake"));
    logs(&src);
    let (s, l) = (src.to_str().unwrap(), lake.to_str().unwrap());
    let (text, code) = out(&["trail", "compact", s, "--out", l]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1 added"), "{text}");
    let (text, code) = out(&["trail", "compact", s, "--out", l, "--format", "json"]);
    assert_eq!(code, 0);
    assert!(text.contains("\"added\": 0"), "{text}");
    let demo = "examples/demo-account";
    for args in [
        vec!["trail", "usage", "LOGS", "--now", NOW, "--format", "json"],
        vec![
            "trail", "usage", "LOGS", "--now", NOW, "--since", "30d", "--format", "csv",
        ],
        vec![
            "trail",
            "unused",
            "--snapshot",
            demo,
            "LOGS",
            "--now",
            NOW,
            "--format",
            "json",
        ],
        vec![
            "trail",
            "policy",
            "DataEngineer",
            "--snapshot",
            demo,
            "LOGS",
            "--now",
            NOW,
            "--format",
            "json",
        ],
        vec!["audit", demo, "--logs", "LOGS", "--format", "json"],
    ] {
        let with = |p: &str| -> Vec<String> {
            args.iter()
                .map(|a| {
                    if *a == "LOGS" {
                        p.to_string()
                    } else {
                        (*a).to_string()
                    }
                })
                .collect()
        };
        let raw: Vec<String> = with(s);
        let from_lake: Vec<String> = with(l);
        let a = out(&raw.iter().map(String::as_str).collect::<Vec<_>>());
        let b = out(&from_lake.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(!a.0.is_empty(), "{args:?}");
        assert_eq!(a, b, "{args:?}");
    }
    let (text, code) = out(&[
        "trail",
        "query",
        l,
        "SELECT event_name, count(*) AS n FROM events GROUP BY event_name ORDER BY event_name",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        text,
        "event_name,n\nDeleteObject,1\nGetObject,3\nStartQueryExecution,1\nStopLogging,1\n"
    );
    let (text, code) = out(&[
        "trail",
        "who-accessed",
        "arn:aws:s3:::mercy-phi-claims-exports",
        l,
        "--now",
        NOW,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("arn:aws:iam::111122223333:role/DataEngineer,role,3,0,0,"),
        "{text}"
    );
    let (text, code) = out(&["trail", "query", l, "SELECT nope FROM events"]);
    assert_eq!(code, 2, "{text}");
}

/// `phiward trail compact s3://BUCKET/PREFIX` against moto (`PHIWARD_MOTO_URL`; without
/// it, it says so and passes: `.ci/run` and `scripts/test.sh` always set it): the lake
/// compacted from the bucket answers `trail usage` as the local copy of the same logs
/// does, and a second run adds nothing.
#[test]
fn a_lake_compacted_from_a_bucket_answers_as_its_logs() {
    let Ok(url) = std::env::var("PHIWARD_MOTO_URL") else {
        println!("skipped: PHIWARD_MOTO_URL is not set (scripts/moto.sh start prints it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (src, lake) = (dir.path().join("logs"), dir.path().join("lake"));
    logs(&src);
    let signatures = dir.path().join("signatures.tsv");
    std::fs::write(&signatures, "").unwrap();
    let upload = std::process::Command::new(moto_env::python())
        .arg(moto_env::root().join("crates/collect/tests/moto/trail_bucket.py"))
        .args([&url, "upload", "phiward-lake-source", "trail/"])
        .arg(&src)
        .arg(&signatures)
        .output()
        .unwrap();
    assert!(
        upload.status.success(),
        "{}",
        String::from_utf8_lossy(&upload.stderr)
    );
    let compact = |extra: &[&str]| {
        let mut args = vec![
            "trail",
            "compact",
            "s3://phiward-lake-source/trail/",
            "--out",
            lake.to_str().unwrap(),
            "--endpoint-url",
            &url,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        moto_env::phiward_as("testing", "testing", dir.path())
            .args(&args)
            .output()
            .unwrap()
    };
    let first = compact(&[]);
    let text = String::from_utf8_lossy(&first.stdout);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(text.contains("\"added\": 1"), "{text}");
    let again = compact(&[]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("\"added\": 0"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let usage = |input: &Path| {
        out(&[
            "trail",
            "usage",
            input.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            "json",
        ])
    };
    let (from_logs, code) = usage(&src);
    assert_eq!(code, 0, "{from_logs}");
    assert!(from_logs.contains("s3:GetObject"), "{from_logs}");
    assert_eq!(usage(&lake), (from_logs, 0));
}
