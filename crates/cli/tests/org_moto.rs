//! `phiward collect --organization` against moto (`scripts/moto.sh start`): an
//! organization seeded by `crates/collect/tests/moto/seed_org.py` (management account,
//! PHI, identity and sandbox accounts, an account outside every OU, a suspended one;
//! SCPs at the root, on Workloads and on Sandbox, an RCP on PHI; a role chain from the
//! identity account to the PHI bucket) is collected, re-collected (only what is stale),
//! audited, and asked `who-can` across accounts; the answers are checked against
//! decisions of `phiward simulate` on cases written here, policy by policy.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test fails on unexpected data"
)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

mod moto_env;
use moto_env::{python, root};

fn phiward(args: &[&str], home: &Path) -> Output {
    moto_env::phiward_as("testing", "testing", home)
        .args(args)
        .output()
        .expect("run phiward")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The seed's SCPs, written again here from the seed's text, level by level.
fn scps(levels: &[&[&str]]) -> Value {
    let deny_logging = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": [
        "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors", "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder"], "Resource": "*"}]});
    let deny_root = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*",
        "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]});
    let no_s3 = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]});
    let all: Value = serde_json::from_str(ALLOW_ALL).unwrap();
    Value::Array(
        levels
            .iter()
            .map(|l| {
                Value::Array(
                    l.iter()
                        .map(|n| match *n {
                            "all" => all.clone(),
                            "logging" => deny_logging.clone(),
                            "root" => deny_root.clone(),
                            _ => no_s3.clone(),
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

#[test]
fn organization_against_moto() {
    let Ok(url) = std::env::var("PHIWARD_MOTO_URL") else {
        println!("skipped: PHIWARD_MOTO_URL is not set (scripts/moto.sh start prints it)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let seed = Command::new(python())
        .arg(root().join("crates/collect/tests/moto/seed_org.py"))
        .arg(&url)
        .output()
        .expect("run the seed");
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let s: Value = serde_json::from_slice(&seed.stdout).unwrap();
    let acct = |k: &str| s["accounts"][k].as_str().unwrap().to_string();
    let (phi, identity, sandbox) = (acct("phi"), acct("identity"), acct("sandbox"));
    let bucket = s["bucket"].as_str().unwrap().to_string();
    let out = tmp.path().join("org");
    let dir = out.to_str().unwrap();

    let collect = |extra: &[&str]| {
        let mut args = vec![
            "collect",
            "--organization",
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--out",
            dir,
        ];
        args.extend_from_slice(extra);
        let o = phiward(&args, home);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        stdout(&o)
    };
    let first = collect(&["--max-parallel", "2"]);
    assert!(
        first.contains("6 accounts: 5 collected (0 kept from the last run), 0 failed, 1 skipped"),
        "{first}"
    );
    let tree: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("organization.json")).unwrap())
            .unwrap();
    let retired = tree["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Id"] == s["accounts"]["retired"])
        .unwrap();
    assert_eq!(retired["Status"], "SUSPENDED");
    assert_eq!(retired["Collection"]["status"], "skipped");
    let scp_targets: Vec<(String, Value)> = tree["scps"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["Name"].as_str().unwrap().to_string(),
                p["Targets"].clone(),
            )
        })
        .collect();
    assert!(
        scp_targets
            .iter()
            .any(|(n, t)| n == "SandboxNoS3" && *t == json!([s["ous"]["sandbox"]])),
        "{scp_targets:?}"
    );
    assert_eq!(
        tree["delegated_administrators"]["value"][0]["Id"],
        identity.as_str()
    );
    // Each account's folder carries its path and guardrails.
    let phi_snap = phiward_snapshot::read_snapshot(&out.join("accounts").join(&phi)).unwrap();
    let path: Vec<String> = phi_snap
        .organization
        .get()
        .unwrap()
        .as_ref()
        .unwrap()
        .ou_path
        .get()
        .unwrap()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    assert_eq!(
        path,
        [
            s["ous"]["phi"].as_str().unwrap(),
            s["ous"]["workloads"].as_str().unwrap(),
            s["root"].as_str().unwrap()
        ]
    );

    // A re-run keeps every fresh account; with a zero age it collects them again.
    let again = collect(&[]);
    assert!(
        again.contains("5 collected (5 kept from the last run)"),
        "{again}"
    );
    let stale = collect(&["--max-age", "0s", "--accounts", &phi]);
    assert!(stale.contains("(4 kept from the last run)"), "{stale}");

    // The audit: per account and for the organization, with the cross-account path.
    let audit = phiward(&["audit", dir, "--format", "json"], home);
    assert!(
        audit.status.code().is_some_and(|c| c == 1),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let report: Value = serde_json::from_slice(&audit.stdout).unwrap();
    let of = |check: &str| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == check)
            .cloned()
            .collect()
    };
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["account"].is_string()));
    assert_eq!(of("ORG-001")[0]["status"], "pass", "{:?}", of("ORG-001"));
    let org5 = of("ORG-005");
    assert!(
        org5.iter()
            .any(|f| f["account"] == s["accounts"]["loose"] && f["status"] == "fail"),
        "{org5:?}"
    );
    let org3 = of("ORG-003");
    assert!(
        org3.iter()
            .any(|f| f["account"] == phi.as_str() && f["status"] == "pass"),
        "{org3:?}"
    );
    assert!(
        org3.iter()
            .any(|f| f["account"] == sandbox.as_str() && f["status"] == "fail"),
        "{org3:?}"
    );
    let org6 = of("ORG-006");
    assert_eq!(org6.len(), 1, "{org6:?}");
    assert_eq!(org6[0]["status"], "fail");
    let text = org6[0].to_string();
    let analyst = format!("arn:aws:iam::{identity}:user/analyst");
    let auditor = format!("arn:aws:iam::{identity}:role/Auditor");
    let reader = format!("arn:aws:iam::{phi}:role/PhiReader");
    let dev = format!("arn:aws:iam::{sandbox}:role/Dev");
    assert!(
        text.contains(&analyst) && text.contains(&auditor) && text.contains(&reader),
        "{text}"
    );
    assert!(!text.contains(&dev), "{text}");

    // who-can across accounts, against simulate's decisions on cases written here.
    let who = phiward(
        &[
            "who-can",
            "s3:GetObject",
            &format!("arn:aws:s3:::{bucket}/chart.pdf"),
            "--snapshot",
            dir,
            "--transitive",
            "--format",
            "json",
        ],
        home,
    );
    assert_eq!(
        who.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&who.stderr)
    );
    let who: Value = serde_json::from_slice(&who.stdout).unwrap();
    let direct: Vec<&str> = who["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["arn"].as_str().unwrap())
        .collect();
    let via: Vec<&str> = who["transitive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["from"].as_str().unwrap())
        .collect();

    let object = format!("arn:aws:s3:::{bucket}/chart.pdf");
    let bucket_policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "CrossAccountReaders", "Effect": "Allow",
        "Principal": {"AWS": [auditor.clone(), dev.clone()]}, "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
    // RCPFullAWSAccess is implicit at every level; the PHI OU's RCP is the only one.
    let phi_rcps = json!([[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": s["org"]},
        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}]]);
    let read_all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let s3_all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    let cases = json!([
        {"id": "auditor", "identityPolicies": [read_all], "resourcePolicy": bucket_policy,
         "scps": scps(&[&["all", "logging"], &["all"], &["all"]]), "rcps": phi_rcps,
         "request": {"principal": format!("arn:aws:sts::{identity}:assumed-role/Auditor/s"), "action": "s3:GetObject",
                     "resource": object, "resourceAccount": phi,
                     "context": {"aws:PrincipalOrgID": s["org"], "aws:PrincipalArn": auditor, "aws:PrincipalAccount": identity}}},
        {"id": "dev", "identityPolicies": [s3_all], "resourcePolicy": bucket_policy,
         "scps": scps(&[&["all", "logging"], &["all", "sandbox"], &["all"]]), "rcps": phi_rcps,
         "request": {"principal": format!("arn:aws:sts::{sandbox}:assumed-role/Dev/s"), "action": "s3:GetObject",
                     "resource": object, "resourceAccount": phi,
                     "context": {"aws:PrincipalOrgID": s["org"], "aws:PrincipalArn": dev, "aws:PrincipalAccount": sandbox}}},
        {"id": "reader", "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*")}]}], "resourcePolicy": bucket_policy,
         "scps": scps(&[&["all", "logging"], &["all", "root"], &["all"], &["all"]]), "rcps": phi_rcps,
         "request": {"principal": format!("arn:aws:sts::{phi}:assumed-role/PhiReader/s"), "action": "s3:GetObject",
                     "resource": object, "resourceAccount": phi,
                     "context": {"aws:PrincipalOrgID": s["org"], "aws:PrincipalArn": reader, "aws:PrincipalAccount": phi}}},
        {"id": "analyst-assumes-reader", "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "sts:AssumeRole", "Resource": reader}]}],
         "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{identity}:root")}, "Action": "sts:AssumeRole"}]},
         "scps": scps(&[&["all", "logging"], &["all"], &["all"]]),
         "request": {"principal": analyst, "action": "sts:AssumeRole", "resource": reader, "resourceAccount": phi,
                     "context": {"aws:PrincipalOrgID": s["org"], "aws:PrincipalArn": analyst, "aws:PrincipalAccount": identity}}},
        {"id": "analyst-reads-directly", "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "sts:AssumeRole", "Resource": reader}]}], "resourcePolicy": bucket_policy,
         "scps": scps(&[&["all", "logging"], &["all"], &["all"]]), "rcps": phi_rcps,
         "request": {"principal": analyst, "action": "s3:GetObject", "resource": object, "resourceAccount": phi,
                     "context": {"aws:PrincipalOrgID": s["org"], "aws:PrincipalArn": analyst, "aws:PrincipalAccount": identity}}}
    ]);
    let cases_file = tmp.path().join("cases.json");
    std::fs::write(&cases_file, cases.to_string()).unwrap();
    let sim = phiward(&["simulate", "--cases", cases_file.to_str().unwrap()], home);
    assert_eq!(
        sim.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let decided: std::collections::HashMap<String, String> = stdout(&sim)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let allowed = |id: &str| decided[id] == "Allowed";
    assert_eq!(
        direct.contains(&auditor.as_str()),
        allowed("auditor"),
        "{decided:?} {direct:?}"
    );
    assert_eq!(
        direct.contains(&dev.as_str()),
        allowed("dev"),
        "{decided:?} {direct:?}"
    );
    assert_eq!(
        direct.contains(&reader.as_str()),
        allowed("reader"),
        "{decided:?} {direct:?}"
    );
    assert_eq!(
        direct.contains(&analyst.as_str()),
        allowed("analyst-reads-directly"),
        "{decided:?} {direct:?}"
    );
    assert_eq!(
        via.contains(&analyst.as_str()),
        allowed("analyst-assumes-reader") && allowed("reader"),
        "{decided:?} {via:?}"
    );
    assert!(
        allowed("auditor") && !allowed("dev") && allowed("analyst-assumes-reader"),
        "{decided:?}"
    );

    // The access report across accounts: nora holds the PHI account's Identity Center
    // role (its assignment read with the management account's credentials); audrey's
    // Auditor role (identity account, `person` tag) reads the bucket across accounts.
    let report = phiward(
        &[
            "access-report",
            "--snapshot",
            dir,
            "--phi-only",
            "--format",
            "json",
        ],
        home,
    );
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let r: Value = serde_json::from_slice(&report.stdout).unwrap();
    let person = |name: &str| {
        r["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["person"] == name)
            .unwrap_or_else(|| panic!("no {name} in {r}"))
            .clone()
    };
    let reaches = |p: &Value, role: &str| {
        p["principals"].as_array().unwrap().iter().any(|h| {
            h["arn"].as_str().unwrap().ends_with(role)
                && h["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x["arn"] == format!("arn:aws:s3:::{bucket}"))
        })
    };
    let nora = person("nora@mercy.example");
    assert!(
        reaches(&nora, "AWSReservedSSO_phi-nurse_0123456789abcdef"),
        "{nora}"
    );
    assert!(nora.to_string().contains("identity_center"), "{nora}");
    let audrey = person("audrey@mercy.example");
    assert!(
        reaches(&audrey, &format!("{identity}:role/Auditor")),
        "{audrey}"
    );
}
