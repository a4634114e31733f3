//! `phiward audit` end to end: report shape, exit codes.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;
use common::phiward;

#[test]
fn the_demo_account_fails_with_every_status_in_the_json() {
    let o = phiward(&["audit", "examples/demo-account", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Progress is drawn on a terminal only: piped, standard error stays empty.
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["account"], "111122223333");
    assert_eq!(v["as_of"], "2026-11-01T00:00:00+00:00");
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["status"] == "pass"),
        "passing findings are kept"
    );
    let root = findings
        .iter()
        .find(|f| f["check"] == "ROOT-001")
        .expect("ROOT-001");
    assert_eq!(root["status"], "fail");
    assert_eq!(root["severity"], "critical");
    assert_eq!(root["practice"], 1);
    assert_eq!(root["hipaa"][0], "164.312(d)");
    assert!(root["remediation"].as_str().is_some_and(|r| !r.is_empty()));
}

#[test]
fn fail_on_sets_the_bar_and_text_groups_by_practice() {
    let o = phiward(&[
        "audit",
        "crates/checks/tests/fixtures/clean",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1. Roles, not root") && out.contains("7. Automation"));
    assert!(out.contains(" 0 fail,"), "{out}");
    let o = phiward(&["audit", "examples/demo-account", "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(1), "root without MFA is critical");
}

/// `--timings` prints every check, and loading, the model and the report, on stderr.
#[test]
fn timings_name_every_check_and_phase() {
    let o = phiward(&[
        "audit",
        "examples/demo-account",
        "--format",
        "json",
        "--timings",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    for name in ["(load)", "(model)", "(report)", "ROOT-001", "AUTO-004"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert_eq!(
        err.lines().count(),
        phiward_checks::CHECKS.len() + 3,
        "{err}"
    );
}

#[test]
fn an_unreadable_snapshot_exits_2() {
    let o = phiward(&["audit", "/nonexistent/phiward-snapshot"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_config_file_next_to_the_snapshot_is_read_and_a_bad_one_exits_2() {
    let dir = std::env::temp_dir().join(format!("phiward-audit-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = Command::new("cp")
        .arg("-r")
        .arg(root.join("crates/checks/tests/fixtures/clean"))
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(status.success());
    let d = dir.to_str().expect("utf-8 path");
    // Three administrators are required: the clean account's two now fail ADMIN-001. The
    // fixture's own settings (approved PHI readers, automation roles) stay.
    let own = std::fs::read_to_string(dir.join("phiward.toml")).expect("fixture config");
    let strict = own.replace("[admins]\n", "[admins]\nmin = 3\n");
    std::fs::write(dir.join("phiward.toml"), &strict).expect("write");
    let o = phiward(&["audit", d, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let admin = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "ADMIN-001")
        .expect("ADMIN-001");
    assert_eq!(admin["status"], "fail");
    // Suppressed, it no longer fails the run.
    std::fs::write(
        dir.join("phiward.toml"),
        format!("{strict}\n[[suppress]]\ncheck = \"ADMIN-001\"\nresource = \"*\"\nreason = \"hiring\"\nowner = \"ciso\"\nexpires = \"2027-03-31\"\n"),
    )
    .expect("write");
    assert_eq!(phiward(&["audit", d]).status.code(), Some(0));
    std::fs::write(dir.join("phiward.toml"), "[admins]\nminimum = 3\n").expect("write");
    let o = phiward(&["audit", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("phiward.toml"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sarif_csv_and_several_outputs_at_once() {
    let dir = std::env::temp_dir().join(format!("phiward-audit-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let csv = dir.join("a.csv");
    let json = dir.join("a.json");
    let o = phiward(&[
        "audit",
        "examples/demo-account",
        "--format",
        "sarif",
        "--output",
        &format!("csv={}", csv.display()),
        "--output",
        &format!("JSON={}", json.display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&o.stdout).expect("sarif");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(results.iter().all(|r| {
        let i = r["ruleIndex"].as_u64().expect("index") as usize;
        rules[i]["id"] == r["ruleId"]
    }));
    let pass_role = results
        .iter()
        .find(|r| r["ruleId"] == "AUTO-001")
        .expect("AUTO-001 result");
    assert_eq!(pass_role["level"], "error");
    assert!(
        pass_role["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .is_some_and(|s| s.starts_with("arn:aws:iam::111122223333:"))
    );
    let text = std::fs::read_to_string(&csv).expect("csv written");
    assert!(text.starts_with("check,title,severity,practice,status,"));
    assert!(text.contains("\r\nROOT-001,The root user has MFA,critical,1,fail,"));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("json");
    assert_eq!(v["schema_version"], 1);
    let o = phiward(&["audit", "examples/demo-account", "--output", "pdf=/tmp/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format `pdf`"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_prints_a_checks_page_and_lists_them() {
    let o = phiward(&["explain", "auto-001"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("# AUTO-001: iam:PassRole is limited to named roles"),
        "{out}"
    );
    assert!(out.contains("**Why:**") && out.contains("164.308(a)(4)(ii)(B)"));
    let list = phiward(&["explain"]);
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() >= 22);
    assert_eq!(phiward(&["explain", "NOPE-1"]).status.code(), Some(2));
}

#[test]
fn asff_ocsf_and_html_outputs() {
    let dir = tempfile::tempdir().expect("dir");
    let (ocsf, html) = (dir.path().join("o.json"), dir.path().join("a.html"));
    let o = phiward(&[
        "audit",
        "examples/demo-account",
        "--format",
        "asff",
        "--region",
        "eu-central-1",
        "--output",
        &format!("ocsf={}", ocsf.display()),
        "--output",
        &format!("html={}", html.display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let asff: Value = serde_json::from_slice(&o.stdout).expect("asff");
    let asff = asff.as_array().expect("an array of findings");
    let json = phiward(&["audit", "examples/demo-account", "--format", "json"]);
    let json: Value = serde_json::from_slice(&json.stdout).expect("json");
    let count = json["findings"].as_array().map(Vec::len);
    assert_eq!(Some(asff.len()), count, "one ASFF finding per finding");
    let root = asff
        .iter()
        .find(|f| f["GeneratorId"] == "ROOT-001")
        .expect("ROOT-001");
    assert_eq!(root["Compliance"]["Status"], "FAILED");
    assert_eq!(root["Severity"]["Label"], "CRITICAL");
    assert_eq!(
        root["ProductArn"],
        "arn:aws:securityhub:eu-central-1:111122223333:product/111122223333/default"
    );
    assert_eq!(root["Resources"][0]["Type"], "AwsAccount");
    let ocsf: Value =
        serde_json::from_str(&std::fs::read_to_string(&ocsf).expect("ocsf written")).expect("ocsf");
    assert_eq!(ocsf.as_array().map(Vec::len), count);
    assert_eq!(ocsf[0]["class_uid"], 2004);
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<td>1. Roles, not root</td>"));
    assert!(page.contains(&format!("data-count=\"total\">{}</td>", count.unwrap_or(0))));
}

/// `--logs`: LP-008 weighs each principal's granted actions against the logs' window (one
/// read of the logs serves LOG-013 too); an unreadable log file is named and exits 2.
#[test]
fn logs_weigh_unused_actions_and_a_bad_log_exits_2() {
    let logs = "crates/checks/tests/fixtures/lp-008-logs";
    let o = phiward(&[
        "audit",
        "crates/checks/tests/fixtures/clean",
        "--logs",
        logs,
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let lp: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "LP-008")
        .collect();
    let ci: Vec<&&Value> = lp
        .iter()
        .filter(|f| f["resource"] == "arn:aws:iam::111122223333:role/ci-deploy")
        .collect();
    assert_eq!(ci.len(), 1);
    assert_eq!(ci[0]["status"], "fail");
    let message = ci[0]["message"].as_str().expect("message");
    assert!(
        message.contains("2026-07-01T10:00:00Z .. 2026-10-30T10:01:00Z, 121 days"),
        "{message}"
    );
    assert!(ci[0].to_string().contains("iam:PassRole"));

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken.json.gz");
    std::fs::write(&bad, b"not gzip").expect("write");
    let o = phiward(&[
        "audit",
        "crates/checks/tests/fixtures/clean",
        "--logs",
        logs,
        "--logs",
        bad.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let skipped = v["skipped"].to_string();
    assert!(skipped.contains("broken.json.gz"), "{skipped}");
    // Named once, though both readers met it.
    assert_eq!(skipped.matches("broken.json.gz").count(), 1, "{skipped}");
}
