//! An organization snapshot generated offline (`bench/gen_org.py`): `snapshot show`,
//! `audit` in JSON and every other format (each finding naming its account, the
//! organization's checks), and `who-can` across accounts.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test fails on unexpected data"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn phiward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run phiward")
}

fn generate(out: &Path) {
    let o = Command::new("python3")
        .arg(root().join("bench/gen_org.py"))
        .args([
            "--out",
            out.to_str().unwrap(),
            "--accounts",
            "8",
            "--large",
            "0",
        ])
        .args(["--small-scale", "0.004", "--large-scale", "0.02"])
        .output()
        .expect("run python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn findings<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

#[test]
fn organization_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    generate(&org);
    let dir = org.to_str().unwrap();

    let show = phiward(&["snapshot", "show", dir]);
    let text = String::from_utf8_lossy(&show.stdout);
    assert_eq!(show.status.code(), Some(0), "{text}");
    assert!(
        text.contains("organization o-gen (management account 000000000001)"),
        "{text}"
    );
    assert!(text.contains("SUSPENDED"), "{text}");

    // One account's folder is an ordinary snapshot; the organization's folder is not.
    let one = phiward(&[
        "audit",
        &format!("{dir}/accounts/000000000002"),
        "--format",
        "json",
    ]);
    assert!(
        one.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let refused = phiward(&[
        "who-can",
        "s3:GetObject",
        "*",
        "--snapshot",
        &format!("{dir}/accounts"),
    ]);
    assert_eq!(refused.status.code(), Some(2));

    let out = phiward(&[
        "audit",
        dir,
        "--format",
        "json",
        "--output",
        &format!("csv={}/a.csv", tmp.path().display()),
        "--output",
        &format!("asff={}/a.asff", tmp.path().display()),
        "--output",
        &format!("sarif={}/a.sarif", tmp.path().display()),
        "--output",
        &format!("ocsf={}/a.ocsf", tmp.path().display()),
        "--output",
        &format!("html={}/a.html", tmp.path().display()),
        "--output",
        &format!("text={}/a.txt", tmp.path().display()),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = report["findings"].as_array().unwrap();
    assert!(all
        .iter()
        .all(|f| f["account"].as_str().is_some_and(|a| a.len() == 12)));
    // Seven accounts audited (the suspended one is skipped), each with its own checks.
    let accounts: std::collections::BTreeSet<&str> = findings(&report, "LOG-001")
        .iter()
        .map(|f| f["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts.len(), 7, "{accounts:?}");

    // ORG-002: the root's SCP denies stopping logging everywhere but the management account.
    let org2 = findings(&report, "ORG-002");
    assert!(
        !org2.is_empty() && org2.iter().all(|f| f["status"] == "pass"),
        "{org2:?}"
    );
    assert!(!org2.iter().any(|f| f["account"] == "000000000001"));
    // ORG-003: the root user is denied only under Workloads.
    for f in findings(&report, "ORG-003") {
        let path = f["evidence"][0]["detail"].as_str().unwrap();
        let expect = if path.contains("ou-workloads") {
            "pass"
        } else {
            "fail"
        };
        assert_eq!(f["status"], expect, "{f}");
    }
    // ORG-005: the identity account is in an OU.
    let org5 = findings(&report, "ORG-005");
    assert!(org5
        .iter()
        .any(|f| f["account"] == "000000000002" && f["status"] == "pass"));
    // ORG-006: the identity account's role reaches the first PHI account's bucket through
    // PhiReader, hop by hop.
    let org6 = findings(&report, "ORG-006");
    let crossing: Vec<&&Value> = org6.iter().filter(|f| f["status"] == "fail").collect();
    assert!(!crossing.is_empty(), "{org6:?}");
    let text = serde_json::to_string(&crossing).unwrap();
    assert!(
        text.contains("role/CrossAccountReader") && text.contains("role/PhiReader"),
        "{text}"
    );

    // ORG-006 on the KMS key encrypting that bucket: its policy lets the identity account
    // decrypt, and CrossAccountReader's own policy allows it.
    let keys: Vec<&&Value> = org6
        .iter()
        .filter(|f| f["resource"].as_str().is_some_and(|r| r.contains(":key/")))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["status"], "fail", "{:?}", keys[0]);
    let text = serde_json::to_string(keys[0]).unwrap();
    assert!(
        text.contains("000000000002:role/CrossAccountReader")
            && text.contains("KMS key `00000000-0000-4000-8000-000000000000` policy"),
        "{text}"
    );

    for (file, needle) in [
        ("a.csv", ",000000000002\r\n"),
        ("a.asff", "\"AwsAccountId\":\"000000000002\""),
        ("a.sarif", "\"account\": \"000000000002\""),
        ("a.ocsf", "\"uid\":\"000000000002\""),
        ("a.html", "account 000000000002: "),
        ("a.txt", "account 000000000002:"),
    ] {
        let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
        assert!(text.contains(needle), "{file} lacks {needle}");
    }

    // who-can across accounts: the bucket's owner found, PhiReader directly and
    // CrossAccountReader through it.
    let phi = crossing[0]["account"].as_str().unwrap();
    let bucket = crossing[0]["resource"].as_str().unwrap();
    let who = phiward(&[
        "who-can",
        "s3:GetObject",
        &format!("{bucket}/x"),
        "--snapshot",
        dir,
        "--transitive",
        "--format",
        "json",
    ]);
    assert_eq!(
        who.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&who.stderr)
    );
    let who: Value = serde_json::from_slice(&who.stdout).unwrap();
    assert_eq!(who["resource_account"], phi);
    let text = who.to_string();
    assert!(
        text.contains(&format!("arn:aws:iam::{phi}:role/PhiReader")),
        "{text}"
    );
    assert!(
        who["transitive"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["from"] == "arn:aws:iam::000000000002:role/CrossAccountReader"),
        "{text}"
    );

    // ORG-006 follows only the roles other accounts can enter; the full search of
    // `who-can --transitive` finds no other foreign principal.
    let foreign = |arn: &str| {
        arn.split(':')
            .nth(4)
            .is_some_and(|a| a.len() == 12 && a != phi)
    };
    let finding = crossing
        .iter()
        .find(|f| f["resource"] == bucket)
        .map(|f| f.to_string())
        .unwrap();
    let mut checked = 0;
    for g in who["principals"].as_array().unwrap() {
        let arn = g["arn"].as_str().unwrap();
        if g["type"] != "external" && foreign(arn) {
            assert!(finding.contains(arn), "{arn} not in {finding}");
            checked += 1;
        }
    }
    for p in who["transitive"].as_array().unwrap() {
        let from = p["from"].as_str().unwrap();
        if foreign(from) {
            assert!(finding.contains(from), "{from} not in {finding}");
            checked += 1;
        }
    }
    assert!(checked > 0, "{text}");

    // paths across accounts: CrossAccountReader (identity account) assumes PhiReader (PHI
    // account), which reads the bucket; the hop is an assume_role edge between accounts.
    let paths = phiward(&[
        "paths",
        "--snapshot",
        dir,
        "--to",
        &format!("s3:GetObject:{bucket}/x"),
        "--from",
        "arn:aws:iam::000000000002:role/CrossAccountReader",
        "--format",
        "json",
    ]);
    assert_eq!(
        paths.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&paths.stderr)
    );
    let doc: Value = serde_json::from_slice(&paths.stdout).unwrap();
    let text = doc.to_string();
    assert!(
        text.contains(&format!("arn:aws:iam::{phi}:role/PhiReader"))
            && text.contains("assume_role"),
        "{text}"
    );
    // From another account's role that nothing links to the PHI account: no path.
    let none = phiward(&[
        "paths",
        "--snapshot",
        dir,
        "--to",
        &format!("s3:GetObject:{bucket}/x"),
        "--from",
        "arn:aws:iam::000000000001:role/role-00000",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&none.stdout).unwrap();
    assert!(
        doc["paths"].as_array().is_some_and(|p| p.is_empty()),
        "{doc}"
    );
}

/// Regression: an unreadable file of an account the organization's checks read again
/// (the management account, for ORG-001) was named twice in `skipped`, once with the
/// account and once without.
#[test]
fn a_truncated_account_file_is_named_once() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    generate(&org);
    let file = org.join("accounts/000000000001/iam/get-account-password-policy.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() / 2]).unwrap();
    let out = phiward(&["audit", org.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let named: Vec<&Value> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.to_string().contains("get-account-password-policy.json"))
        .collect();
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(named[0].to_string().contains("000000000001"), "{named:?}");
    // The rest of the run goes on: every account's checks and the organization's.
    assert!(!findings(&report, "ORG-001").is_empty());
    assert!(!findings(&report, "ORG-006").is_empty());
}

/// Regression: ORG-006 follows, in the PHI account, only the roles another account can
/// enter and what they assume. An entry role with every permission was taken for an
/// administrator, whose assume-role edges the escalation graph leaves out; the role it
/// assumes to get past a bucket policy that lets in that role alone was not followed,
/// and the path from the other account was missed.
#[test]
fn org_006_follows_an_administrator_entry_role_past_a_deny_all_but_one_bucket() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    generate(&org);
    let details = |aid: &str| {
        org.join(format!(
            "accounts/{aid}/iam/get-account-authorization-details.json"
        ))
    };
    let phi = std::fs::read_dir(org.join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|aid| {
            std::fs::read_to_string(details(aid))
                .is_ok_and(|t| t.contains(&format!("arn:aws:iam::{aid}:role/PhiReader")))
        })
        .unwrap();
    let doc =
        |statements: Value| serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    let role = |name: &str, trust: Value, inline: Value| {
        serde_json::json!({
            "Path": "/", "RoleName": name, "RoleId": format!("AROA{}", name.to_uppercase()),
            "Arn": format!("arn:aws:iam::{phi}:role/{name}"), "CreateDate": "2025-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": trust,
            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": inline}],
            "AttachedManagedPolicies": [], "Tags": []
        })
    };
    let bucket = format!("phi-{phi}-0000");
    let vault = format!("arn:aws:iam::{phi}:role/Vault");
    let entry = format!("arn:aws:iam::{phi}:role/Entry");
    let reader = "arn:aws:iam::000000000002:role/CrossAccountReader";
    let edit = |path: PathBuf, f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&path, v.to_string()).unwrap();
    };
    edit(details(&phi), &|v| {
        let roles = v["RoleDetailList"].as_array_mut().unwrap();
        roles.push(role(
            "Vault",
            doc(serde_json::json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{phi}:root")}, "Action": "sts:AssumeRole"}])),
            doc(serde_json::json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}])),
        ));
        roles.push(role(
            "Entry",
            doc(serde_json::json!([{"Effect": "Allow", "Principal": {"AWS": reader}, "Action": "sts:AssumeRole"}])),
            doc(serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
        ));
    });
    edit(details("000000000002"), &|v| {
        let roles = v["RoleDetailList"].as_array_mut().unwrap();
        let r = roles
            .iter_mut()
            .find(|r| r["RoleName"] == "CrossAccountReader")
            .unwrap();
        r["RolePolicyList"].as_array_mut().unwrap().push(serde_json::json!({
            "PolicyName": "entry",
            "PolicyDocument": doc(serde_json::json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": entry}]))
        }));
    });
    // Everyone but Vault is denied the objects: PhiReader too.
    let policy = doc(
        serde_json::json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{bucket}/*"),
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": vault}}}]),
    );
    std::fs::write(
        org.join(format!(
            "accounts/{phi}/s3/buckets/{bucket}/get-bucket-policy.json"
        )),
        serde_json::json!({"Policy": policy.to_string()}).to_string(),
    )
    .unwrap();

    let out = phiward(&["audit", org.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = findings(&report, "ORG-006")
        .into_iter()
        .find(|f| f["resource"] == format!("arn:aws:s3:::{bucket}"))
        .unwrap();
    assert_eq!(f["status"], "fail", "{f}");
    let text = f.to_string();
    assert!(
        text.contains(reader) && text.contains(&entry) && text.contains(&vault),
        "{text}"
    );
}
