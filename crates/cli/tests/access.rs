//! `phiward who-can` and `phiward can` end to end on the demo account.

use serde_json::Value;

mod common;
use common::phiward;

const DEMO: &str = "examples/demo-account";

#[test]
fn who_can_json_has_the_documented_shape() {
    let o = phiward(&[
        "who-can",
        "s3:GetObject",
        "arn:aws:s3:::mercy-phi-claims-exports/a.csv",
        "--snapshot",
        DEMO,
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["action"], "s3:GetObject");
    assert_eq!(v["resource"], "arn:aws:s3:::mercy-phi-claims-exports/a.csv");
    let ps = v["principals"].as_array().expect("principals");
    let admin = ps
        .iter()
        .find(|p| p["arn"] == "arn:aws:iam::111122223333:user/it-admin")
        .expect("it-admin");
    assert_eq!(admin["type"], "user");
    assert_eq!(admin["access"], "allowed");
    assert_eq!(
        admin["via"][0]["policy"],
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert!(admin["via"][0]["line"].as_u64().is_some());
    let de = ps
        .iter()
        .find(|p| p["arn"] == "arn:aws:iam::111122223333:user/de-ito")
        .expect("de-ito");
    assert_eq!(de["access"], "conditional");
    assert_eq!(de["conditions"][0]["key"], "aws:MultiFactorAuthPresent");
}

#[test]
fn who_can_text_and_patterns() {
    let o = phiward(&[
        "who-can",
        "sts:Assume*",
        "arn:aws:iam::111122223333:role/PartnerClaimsAccess",
        "--snapshot",
        DEMO,
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("arn:aws:iam::444455556666:role/ClaimsProcessor (External): allowed"),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn can_lists_what_a_principal_can_do() {
    let o = phiward(&["can", "researcher-kim", "iam:*", "*", "--snapshot", DEMO]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("can:\n  nothing"), "{out}");
    let o = phiward(&["can", "nobody-here", "--snapshot", DEMO]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`nobody-here` is no user or role"));
}

#[test]
fn a_missing_snapshot_exits_2() {
    let o = phiward(&[
        "who-can",
        "s3:GetObject",
        "*",
        "--snapshot",
        "/nonexistent/phiward",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn paths_to_admin_in_the_demo_account() {
    let o = phiward(&["paths", "--snapshot", DEMO, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let paths = v["paths"].as_array().expect("paths");
    // researcher-kim's NotAction grant lets her assume the MFA-protected break-glass role.
    let kim = paths
        .iter()
        .find(|p| p["from"] == "arn:aws:iam::111122223333:user/researcher-kim")
        .expect("researcher-kim has a path");
    assert_eq!(kim["to"], "arn:aws:iam::111122223333:role/BreakGlassAdmin");
    assert_eq!(kim["access"], "conditional");
    assert_eq!(kim["steps"][0]["technique"], "assume_role");
    // The deploy pipeline reaches the CloudFormation role (automation, practice 7).
    assert!(paths
        .iter()
        .any(|p| p["steps"][0]["technique"] == "pass_role_cloud_formation"));
    for format in ["dot", "graphml", "mermaid"] {
        let o = phiward(&[
            "paths",
            "--from",
            "researcher-kim",
            "--snapshot",
            DEMO,
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("BreakGlassAdmin"),
            "{format}"
        );
    }
}

#[test]
fn who_can_transitive_adds_the_partner_behind_its_role() {
    let o = phiward(&[
        "who-can",
        "s3:GetObject",
        "arn:aws:s3:::mercy-phi-claims-exports/a.csv",
        "--snapshot",
        DEMO,
        "--transitive",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let t = v["transitive"].as_array().expect("transitive");
    let partner = t
        .iter()
        .find(|x| x["arn"] == "arn:aws:iam::444455556666:role/ClaimsProcessor")
        .expect("the partner reaches the data through its role");
    assert_eq!(partner["type"], "external");
    assert_eq!(
        partner["reaches"],
        "arn:aws:iam::111122223333:role/PartnerClaimsAccess"
    );
    assert_eq!(partner["path"][0]["technique"], "assume_role");
}
