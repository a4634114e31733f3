//! `phiward lint` end to end: formats, exit codes and the SARIF document's shape.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn phiward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("run phiward")
}

fn temp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("phiward-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const CLEAN: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-records/*"}]}"#;

/// A warning (`PW101`) and nothing worse.
const WARNING: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "arn:aws:s3:::phi-records/*"}]}"#;

/// Only an info finding (`PW105`).
const INFO: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::phi-records/*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-records/a/*"}]}"#;

/// An error (`PW301`) on line 3.
const ESCALATION: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow",
   "Action": "iam:CreatePolicyVersion", "Resource": "*"}]}"#;

const BROKEN: &str = "{\"Version\": \"2012-10-17\",\n \"Statement\": [}";

#[test]
fn clean_policies_exit_0() {
    let p = temp("clean.json", CLEAN);
    let out = phiward(&["lint", s(&p)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("1 file linted: no findings"));
}

#[test]
fn fail_on_sets_the_bar_for_exit_1() {
    let w = temp("warning.json", WARNING);
    let i = temp("info.json", INFO);
    assert_eq!(phiward(&["lint", s(&w)]).status.code(), Some(1));
    assert_eq!(
        phiward(&["lint", "--fail-on", "error", s(&w)])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(phiward(&["lint", s(&i)]).status.code(), Some(0));
    assert_eq!(
        phiward(&["lint", "--fail-on", "info", s(&i)]).status.code(),
        Some(1)
    );
}

#[test]
fn text_output_names_path_position_severity_and_id() {
    let p = temp("escalation.json", ESCALATION);
    let out = phiward(&["lint", s(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    let want = format!(
        "{}:3:14: error[PW301] statement 0 allows privilege escalation",
        s(&p)
    );
    assert!(first.starts_with(&want), "{first}");
    assert!(
        text.lines().nth(1).unwrap().starts_with("  fix: "),
        "{text}"
    );
    assert!(
        stderr(&out).contains("1 file linted: 1 error"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_file_exits_2_and_the_others_are_still_linted() {
    let good = temp("good.json", ESCALATION);
    let bad = temp("broken.json", BROKEN);
    let clean = temp("clean2.json", CLEAN);
    let out = phiward(&["lint", "--format", "json", s(&good), s(&bad), s(&clean)]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["path"], s(&good));
    assert_eq!(files[0]["findings"][0]["id"], "PW301");
    assert_eq!(files[1]["findings"][0]["id"], "PW001");
    assert_eq!(files[1]["findings"][0]["line"], 2);
    assert!(files[1]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid JSON"));
    assert_eq!(files[2]["findings"].as_array().unwrap().len(), 0);
    // An unreadable file is reported the same way.
    let out = phiward(&["lint", s(&clean), "/nonexistent/policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("/nonexistent/policy.json:1:1: error[PW000] cannot read"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_findings_have_exactly_the_documented_fields() {
    let p = temp("warning2.json", WARNING);
    let out = phiward(&["lint", "--format", "json", s(&p)]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let obj = doc.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["files"]);
    let f = &doc["files"][0]["findings"][0];
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["column", "fix", "id", "line", "message", "severity"]);
    assert_eq!(f["id"], "PW101");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 23);
}

#[test]
fn policy_types_change_the_grammar_and_the_rules() {
    let trust = temp(
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "lambda.amazonaws.com"}, "Action": ["sts:AssumeRole", "s3:GetObject"]}]}"#,
    );
    // `Principal` is not allowed in an identity-based policy.
    let out = phiward(&["lint", s(&trust)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("[PW001]"));
    let out = phiward(&["lint", "--resource-policy", "trust", s(&trust)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("[PW107] `s3:GetObject` has no effect in a trust policy"));
    let scp = temp(
        "scp.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
    );
    let out = phiward(&["lint", "--kind", "scp", s(&scp)]);
    assert!(stdout(&out).contains("[PW104]"), "{}", stdout(&out));
    let out = phiward(&[
        "lint",
        "--kind",
        "scp",
        "--resource-policy",
        "bucket",
        s(&scp),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting flags are a usage error"
    );
}

#[test]
fn standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(["lint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ESCALATION.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("-:3:14: error[PW301]"),
        "{}",
        stdout(&out)
    );
}

/// Checks the parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that code-scanning
/// services rely on: the required properties of `sarifLog`, `run`, `tool`,
/// `toolComponent`, `reportingDescriptor`, `result`, `message`, `location`,
/// `physicalLocation`, `artifactLocation` and `region`, and the enumerations they use.
fn check_sarif(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            errors.push(what.to_string());
        }
    };
    let levels = ["none", "note", "warning", "error"];
    need(
        doc["version"] == "2.1.0",
        "sarifLog.version must be \"2.1.0\"",
    );
    need(
        doc["$schema"]
            .as_str()
            .is_some_and(|s| s.starts_with("https://")),
        "$schema is a URI",
    );
    let Some(runs) = doc["runs"].as_array() else {
        return vec!["sarifLog.runs must be an array".into()];
    };
    need(runs.len() == 1, "one run");
    for run in runs {
        let driver = &run["tool"]["driver"];
        need(driver["name"].is_string(), "toolComponent.name is required");
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        need(!rules.is_empty(), "driver.rules lists the rules");
        for r in &rules {
            need(r["id"].is_string(), "reportingDescriptor.id is required");
            for d in ["shortDescription", "fullDescription", "help"] {
                need(
                    r[d]["text"].as_str().is_some_and(|t| !t.is_empty()),
                    "multiformatMessageString.text is required",
                );
            }
            need(
                r["helpUri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://") && u.ends_with(".md")),
                "helpUri is an absolute URI",
            );
            need(
                r["defaultConfiguration"]["level"]
                    .as_str()
                    .is_some_and(|l| levels.contains(&l)),
                "defaultConfiguration.level is a level",
            );
        }
        let Some(results) = run["results"].as_array() else {
            need(false, "run.results is an array");
            continue;
        };
        for res in results {
            need(
                res["message"]["text"].is_string(),
                "result.message.text is required",
            );
            let id = res["ruleId"].as_str().unwrap_or_default();
            let index = res["ruleIndex"]
                .as_u64()
                .and_then(|i| usize::try_from(i).ok());
            need(
                index
                    .and_then(|i| rules.get(i))
                    .is_some_and(|r| r["id"] == id),
                "ruleIndex points at the rule named by ruleId",
            );
            need(
                res["level"].as_str().is_some_and(|l| levels.contains(&l)),
                "result.level is a level",
            );
            let locs = res["locations"].as_array().cloned().unwrap_or_default();
            need(locs.len() == 1, "one location per result");
            for l in &locs {
                let pl = &l["physicalLocation"];
                need(
                    pl["artifactLocation"]["uri"].is_string(),
                    "artifactLocation.uri",
                );
                need(
                    pl["region"]["startLine"].as_u64().is_some_and(|n| n >= 1),
                    "region.startLine >= 1",
                );
                need(
                    pl["region"]["startColumn"].as_u64().is_some_and(|n| n >= 1),
                    "region.startColumn >= 1",
                );
            }
        }
    }
    errors
}

#[test]
fn sarif_has_rule_metadata_and_located_results() {
    let a = temp("sarif escalation.json", ESCALATION);
    let b = temp("sarif-broken.json", BROKEN);
    let out = phiward(&["lint", "--format", "sarif", s(&a), s(&b)]);
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let errors = check_sarif(&doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let pw301 = rules.iter().find(|r| r["id"] == "PW301").unwrap();
    assert_eq!(pw301["name"], "privilege-escalation");
    assert_eq!(pw301["defaultConfiguration"]["level"], "error");
    assert!(pw301["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules/PW301.md"));
    let pw305 = rules.iter().find(|r| r["id"] == "PW305").unwrap();
    assert_eq!(pw305["defaultConfiguration"]["level"], "note");
    let results = run["results"].as_array().unwrap();
    let first = &results[0];
    assert_eq!(first["ruleId"], "PW301");
    let loc = &first["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("sarif%20escalation.json"));
    assert_eq!(loc["region"]["startLine"], 3);
    assert!(results.iter().any(|r| r["ruleId"] == "PW001"));
    // The checker itself rejects a document missing required parts.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["message"] = Value::Null;
    broken["runs"][0]["tool"]["driver"]["rules"][0]["id"] = Value::Null;
    let errors = check_sarif(&broken);
    assert!(
        errors.contains(&"result.message.text is required".to_string())
            && errors.contains(&"reportingDescriptor.id is required".to_string()),
        "{errors:?}"
    );
}
