//! `phiward access-report` end to end on the demo account: every format, the people file,
//! and the exit status.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test set-up fails loudly"
)]

use serde_json::Value;

mod common;
use common::phiward;

const DEMO: &str = "examples/demo-account";

fn run(args: &[&str]) -> (i32, String, String) {
    let o = phiward(args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

#[test]
fn text_groups_by_person_then_principal_then_resource() {
    let (code, out, err) = run(&["access-report", "--snapshot", DEMO, "--phi-only"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("access per person (PHI resources):\n"),
        "{out}"
    );
    let lee = out
        .find("\ndr-lee\n  user arn:aws:iam::111122223333:user/dr-lee (iam user)\n")
        .expect("dr-lee");
    let rest = &out[lee..];
    let records = rest
        .find("    arn:aws:s3:::mercy-phi-records [PHI]\n      Read: s3:GetObject: conditional\n")
        .expect("records");
    assert!(rest[records..].contains("unless `aws:SourceIp` is outside `198.51.100.0/24` (bucket `mercy-phi-records` policy statement 1)"));
    assert!(out.contains("(unassigned)\n  role arn:aws:iam::111122223333:role/Clinician (saml)\n"));
    // Without --phi-only, non-PHI buckets are listed too.
    let (_, all, _) = run(&["access-report", "--snapshot", DEMO]);
    assert!(
        all.contains("arn:aws:s3:::mercy-web-assets\n"),
        "not PHI, no tag"
    );
    assert!(!out.contains("mercy-web-assets"));
}

#[test]
fn json_is_versioned_and_keyed_by_person_principal_and_resource() {
    let v = json(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--phi-only",
        "--format",
        "json",
    ]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["account"], "111122223333");
    assert_eq!(v["phi_only"], true);
    let people = v["people"].as_array().unwrap();
    let names: Vec<&str> = people
        .iter()
        .map(|p| p["person"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "sorted and unique");
    let bot = people.iter().find(|p| p["person"] == "deploy-bot").unwrap();
    let h = &bot["principals"][0];
    assert_eq!(
        h["arn"],
        "arn:aws:iam::111122223333:user/automation/deploy-bot"
    );
    assert_eq!(h["type"], "user");
    assert_eq!(h["mapped_by"], "iam_user");
    let buckets: Vec<&str> = h["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "s3_bucket")
        .map(|r| r["arn"].as_str().unwrap())
        .collect();
    assert_eq!(buckets.len(), 4, "{buckets:?}");
    let imaging = h["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["arn"] == "arn:aws:s3:::mercy-phi-imaging")
        .unwrap();
    let level = &imaging["levels"][0];
    assert_eq!(level["level"], "Read");
    let g = &level["grants"][0];
    assert_eq!(g["access"], "allowed");
    assert!(g["via"][0]["line"].as_u64().is_some());
    assert!(
        g.get("conditions").is_none(),
        "allowed grants carry no conditions"
    );
}

#[test]
fn csv_has_one_row_per_statement_with_its_policy_statement_and_line() {
    let (code, out, err) = run(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--phi-only",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("person,email,principal,principal_type,mapped_by,resource,resource_type,phi,access_level,actions,reach,conditions,policy,statement,line")
    );
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let v = json(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--phi-only",
        "--format",
        "json",
    ]);
    let statements: usize = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["principals"].as_array().unwrap())
        .flat_map(|h| h["resources"].as_array().unwrap())
        .flat_map(|r| r["levels"].as_array().unwrap())
        .flat_map(|l| l["grants"].as_array().unwrap())
        .map(|g| g["via"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(rows.len(), statements);
    let lee = rows
        .iter()
        .find(|r| r.starts_with("dr-lee,,arn:aws:iam::111122223333:user/dr-lee,user,iam_user,arn:aws:s3:::mercy-phi-records,s3_bucket,true,Read,s3:GetObject,conditional,"))
        .expect("dr-lee's read");
    assert!(
        lee.contains("unless `aws:SourceVpce` is not `vpce-0a1b2c3d`"),
        "{lee}"
    );
    assert!(
        lee.ends_with(",arn:aws:iam::111122223333:policy/clinical/ClinicianPHIRead,0,4"),
        "{lee}"
    );
}

#[test]
fn the_people_file_maps_roles_and_html_goes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "person,email,role\n\"Ruiz, Ana\",ana@mercy.example,Clinician\nGhost,,NoSuchRole\n",
    )
    .unwrap();
    let page = dir.path().join("access.html");
    let csv = dir.path().join("access.csv");
    let v = json(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--phi-only",
        "--people",
        people.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        &format!("html={}", page.display()),
        "--output",
        &format!("csv={}", csv.display()),
    ]);
    let ana = v["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"] == "Ruiz, Ana")
        .unwrap();
    assert_eq!(ana["email"], "ana@mercy.example");
    assert_eq!(ana["principals"][0]["mapped_by"], "assignment");
    assert!(v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("`NoSuchRole`")));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("id=\"phiward-data\""));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .contains("\"Ruiz, Ana\",ana@mercy.example,"));
}

#[test]
fn unreadable_inputs_exit_2() {
    let (code, _, err) = run(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--people",
        "/nonexistent/people.csv",
    ]);
    assert_eq!(code, 2, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("people.csv");
    std::fs::write(&bad, "name,group\nx,y\n").unwrap();
    let (code, _, err) = run(&[
        "access-report",
        "--snapshot",
        DEMO,
        "--people",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("`person` and `role`"), "{err}");
    // A snapshot with an unparsable bucket policy: reported without it, exit 2.
    let snap = dir.path().join("snap");
    copy_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(DEMO)
            .as_path(),
        &snap,
    );
    std::fs::write(
        snap.join("s3/buckets/mercy-research/get-bucket-policy.json"),
        r#"{"Policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Maybe\"}]}"}"#,
    )
    .unwrap();
    let (code, out, err) = run(&[
        "access-report",
        "--snapshot",
        snap.to_str().unwrap(),
        "--phi-only",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("mercy-research"), "{err}");
    assert!(out.contains("\ndr-lee\n"));
    let (code, _, _) = run(&["access-report", "--snapshot", "/nonexistent/phiward"]);
    assert_eq!(code, 2);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
