//! The `phiward` binary end to end: output format, errors and exit codes.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn phiward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("run phiward")
}

fn temp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("phiward-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    p
}

/// The JSON lines a run printed.
fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

fn case(id: &str, policy: &str, expected: &str) -> String {
    format!(
        r#"{{"id":"{id}","identityPolicies":[{policy}],"request":{{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{{}}}},"expected":"{expected}"}}"#
    )
}

#[test]
fn example_cases_print_json_lines_in_order() {
    let out = phiward(&["simulate", "--cases", "examples/phi-access.json", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0]["id"], "clinician-reads-phi-from-hospital-network");
    assert_eq!(lines[1]["decision"], "ExplicitlyDenied");
    assert_eq!(
        lines[1]["explanation"]["deniedBy"][0]["sid"],
        "DenyOutsideHospitalNetwork"
    );
    assert_eq!(lines[1]["explanation"]["deniedBy"][0]["line"], 78);
}

#[test]
fn a_bad_case_does_not_stop_the_batch_and_exits_2() {
    let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#;
    let file = format!(
        "[{},{},{}]",
        case("a", ALLOW_ALL, "Allowed"),
        case("b", bad, "Allowed"),
        case("c", ALLOW_ALL, "Allowed")
    );
    let p = temp("batch.json", &file);
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["decision"], "Allowed");
    let err = lines[1]["error"].as_str().unwrap();
    assert!(
        err.contains("identityPolicies[0]")
            && err.contains("`Effect` must be")
            && err.contains("line 1"),
        "{err}"
    );
    assert_eq!(lines[2]["decision"], "Allowed");
}

#[test]
fn check_reports_disagreements_with_exit_1() {
    let file = format!(
        "[{},{}]",
        case("ok", ALLOW_ALL, "Allowed"),
        case("wrong", ALLOW_ALL, "ExplicitlyDenied")
    );
    let p = temp("check.json", &file);
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap(), "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("wrong: expected ExplicitlyDenied, decided Allowed"),
        "{stderr}"
    );
    // without --check a disagreement is not a failure
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let p = temp("broken.json", "[\n  {\"id\": \"x\"} {\"id\": \"y\"}\n]");
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("broken.json") && stderr.contains("line 2"),
        "{stderr}"
    );
    let out = phiward(&["simulate", "--cases", "/nonexistent/cases.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn expected_never_influences_the_decision() {
    let a = phiward(&["simulate", "--cases", "examples/phi-access.json"]);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/phi-access.json"),
    )
    .unwrap();
    let flipped = text.replace(
        "\"expected\": \"Allowed\"",
        "\"expected\": \"ExplicitlyDenied\"",
    );
    let p = temp("flipped.json", &flipped);
    let b = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn single_request_form() {
    let pol = temp("alice.json", ALLOW_ALL);
    let bucket = temp(
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}]}"#,
    );
    let base = [
        "simulate",
        "--policy",
        pol.to_str().unwrap(),
        "--resource-policy",
        bucket.to_str().unwrap(),
        "--principal",
        "arn:aws:iam::111122223333:user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    let mut inside: Vec<&str> = base.to_vec();
    inside.extend(["--context", "aws:SourceIp=198.51.100.9"]);
    let out = phiward(&inside);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "Allowed");
    let mut outside: Vec<&str> = base.to_vec();
    outside.extend(["--context", "aws:SourceIp=203.0.113.9", "--explain"]);
    let out = phiward(&outside);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ExplicitlyDenied"), "{text}");
    assert!(text.contains("bucket.json statement 0"), "{text}");
}

#[test]
fn bad_flags_are_input_errors() {
    let out = phiward(&["simulate", "--principal", "bob", "--action", "s3:GetObject"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported principal `bob`"));
    let out = phiward(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111122223333:user/a",
        "--action",
        "s3:GetObject",
        "--context",
        "novalue",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_case_with_broken_json_inside_is_reported_alone() {
    let file = format!(
        "[{},\n{{\"id\": \"broken\", \"request\": tru}},\n{}]",
        case("a", ALLOW_ALL, "Allowed"),
        case("c", ALLOW_ALL, "Allowed")
    );
    let p = temp("inner.json", &file);
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["id"], "#1");
    assert!(
        lines[1]["error"].as_str().unwrap().contains("line 2"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["decision"], "Allowed");
}

#[test]
fn unknown_keys_give_conditional_answers() {
    let pol = temp(
        "mfa.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NeedMFA","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    );
    let out = phiward(&[
        "simulate",
        "--policy",
        pol.to_str().unwrap(),
        "--principal",
        "arn:aws:iam::111122223333:user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::phi/x",
        "--unknown",
        "aws:MultiFactorAuthPresent",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access"], "conditional");
    assert_eq!(v["allowedIf"][0]["key"], "aws:MultiFactorAuthPresent");
    assert_eq!(v["allowedIf"][0]["sid"], "NeedMFA");
}

#[test]
fn oversized_inputs_are_refused_clearly() {
    let big = temp(
        "huge-policy.json",
        &format!("{{\"x\": \"{}\"}}", "a".repeat(17 * 1024 * 1024)),
    );
    let out = phiward(&[
        "simulate",
        "--policy",
        big.to_str().unwrap(),
        "--principal",
        "arn:aws:iam::111122223333:user/a",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("huge-policy.json") && stderr.contains("too large"),
        "{stderr}"
    );
    let hostile = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"{}"}}]}}"#,
        "*a".repeat(20_000)
    );
    let file = format!("[{}]", case("hostile", &hostile, "Allowed"));
    let p = temp("hostile.json", &file);
    let out = phiward(&["simulate", "--cases", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert!(
        lines[0]["error"].as_str().unwrap().contains("bytes long"),
        "{}",
        lines[0]
    );
}
