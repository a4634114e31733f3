//! `phiward iac check` end to end: the example pull request, formats, suppressions from
//! `phiward.toml`, and exit codes.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test on unexpected errors"
)]

mod common;

use common::phiward;
use serde_json::Value;

const CHANGED: &str = "examples/iac/changed/claims.yaml";
const BASE: &str = "examples/iac/base/claims.yaml";

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_example_pull_request_fails_with_the_new_escalation_path() {
    let o = phiward(&["iac", "check", CHANGED, "--baseline", BASE]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("error[PW502] DeveloperPolicy: `arn:aws:iam::000000000000:role/claims-developer` can become administrator"), "{out}");
    assert!(out.contains("-[pass_role_lambda]->"), "{out}");
    assert!(
        out.contains("examples/iac/changed/claims.yaml:93:16"),
        "{out}"
    );
    // Against itself, the base adds no access; its lint warnings remain.
    let o = phiward(&[
        "iac",
        "check",
        BASE,
        "--baseline",
        BASE,
        "--fail-on",
        "error",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("[PW5"));
}

#[test]
fn with_a_snapshot_new_access_is_measured_against_the_account() {
    let o = phiward(&[
        "iac",
        "check",
        CHANGED,
        "--snapshot",
        "examples/demo-account",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let ids: Vec<&str> = findings.iter().filter_map(|f| f["id"].as_str()).collect();
    for id in ["PW401", "PW402", "PW501", "PW502", "PW503", "PW504"] {
        assert!(ids.contains(&id), "{id} missing: {ids:?}");
    }
    // The demo account is 111122223333: ARNs use it, not a placeholder.
    assert!(stdout(&o).contains("arn:aws:iam::111122223333:role/claims-developer"));
}

#[test]
fn sarif_for_code_scanning() {
    let o = phiward(&[
        "iac",
        "check",
        CHANGED,
        "--baseline",
        BASE,
        "--format",
        "sarif",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.contains(&"PW502") && rules.contains(&"PW101"));
    let r = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PW502")
        .unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], CHANGED);
    assert_eq!(loc["region"]["startLine"], 93);
    assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], "PW502");
}

#[test]
fn suppressions_in_phiward_toml_and_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("phiward.toml");
    std::fs::write(
        &config,
        "[[suppress]]\ncheck = \"PW502\"\nresource = \"DeveloperPolicy\"\nreason = \"reviewed\"\nowner = \"sec\"\nexpires = \"2099-01-01\"\n",
    )
    .unwrap();
    let o = phiward(&[
        "iac",
        "check",
        CHANGED,
        "--baseline",
        BASE,
        "--config",
        config.to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("suppressed: reviewed (sec, until 2099-01-01)"),
        "{out}"
    );
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: 7\n").unwrap();
    let o = phiward(&["iac", "check", bad.to_str().unwrap(), CHANGED]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("error[PW400] R: a policy document must be a mapping"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn terraform_plans_and_parameters() {
    let o = phiward(&[
        "iac",
        "check",
        "examples/iac/terraform/plan.json",
        "--parameters",
        "AWS::AccountId=111122223333",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains(&"PW404") && ids.contains(&"PW406"), "{ids:?}");
}

#[test]
fn fix_writes_proved_fixes_for_the_demo_account() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixes");
    let o = phiward(&[
        "fix",
        "examples/demo-account",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("passes: LP-007 `arn:aws:s3:::mercy-phi-imaging`"),
        "{text}"
    );
    assert!(text.contains("not offered mfa-003"), "{text}");
    let first = out.join("01-log-006-cis-iam-policy-changes");
    for f in ["cloudformation.yaml", "main.tf", "aws-cli.sh"] {
        let body = std::fs::read_to_string(first.join(f)).unwrap();
        assert!(body.contains("Proved by phiward"), "{f}");
    }
}

#[test]
fn a_folder_skips_files_that_are_not_templates_but_a_file_named_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(root.join(BASE), dir.path().join("claims.yaml")).unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}").unwrap();
    let o = phiward(&[
        "iac",
        "check",
        dir.path().to_str().unwrap(),
        "--fail-on",
        "error",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let pkg = dir.path().join("package.json");
    let o = phiward(&["iac", "check", pkg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}
