//! `phiward snapshot import` and `phiward snapshot show` end to end: output, refusals and
//! exit codes.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test on unexpected errors"
)]

use std::path::Path;
use std::process::{Command, Output};

fn phiward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("run phiward")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn show_summarises_the_demo_account() {
    let out = phiward(&["snapshot", "show", "examples/demo-account"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "account      111122223333 (mercy-health-prod)",
        "41 users, 8 groups, 25 roles (4 service-linked), 61 managed policies",
        "as of        2026-11-01T00:00:00+00:00",
        "2 trails, 1 Config recorders, 4 metric filters, 4 alarms",
        "9 buckets (4 tagged data-classification=phi)",
        "0 fail to parse",
        "access_advisor: NotSupported",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn import_writes_a_snapshot_that_show_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("snap");
    let snap = out_dir.to_str().unwrap();
    let out = phiward(&[
        "snapshot",
        "import",
        "--from",
        "examples/demo-account",
        "--out",
        snap,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("41 users, 25 roles, 61 managed policies, 9 buckets, 2 trails"));
    assert!(out_dir.join("snapshot.json").is_file());
    assert!(out_dir.join("collection.json").is_file());

    let raw = phiward(&["snapshot", "show", "examples/demo-account"]);
    let written = phiward(&["snapshot", "show", snap]);
    assert_eq!(written.status.code(), Some(0));
    // Everything but the `source` line, which names the folder read, is the same.
    let strip = |o: &Output| {
        stdout(o)
            .lines()
            .filter(|l| !l.starts_with("source"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&raw), strip(&written));

    // A non-empty --out is refused without --force, and nothing is touched.
    let before = std::fs::read(out_dir.join("snapshot.json")).unwrap();
    let again = phiward(&[
        "snapshot",
        "import",
        "--from",
        "examples/demo-account",
        "--out",
        snap,
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    assert_eq!(
        before,
        std::fs::read(out_dir.join("snapshot.json")).unwrap()
    );
    let forced = phiward(&[
        "snapshot",
        "import",
        "--from",
        "examples/demo-account",
        "--out",
        snap,
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
}

#[test]
fn unreadable_files_exit_2_but_the_import_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("export");
    std::fs::create_dir_all(from.join("iam")).unwrap();
    std::fs::create_dir_all(from.join("sns")).unwrap();
    std::fs::write(
        from.join("iam/get-account-authorization-details.json"),
        "{\"UserDetailList\": [\n  {\"UserName\": ",
    )
    .unwrap();
    std::fs::write(
        from.join("sns/list-subscriptions.json"),
        r#"{"Subscriptions": [{"TopicArn": "arn:aws:sns:us-east-1:111122223333:t", "Protocol": "email", "Endpoint": "a@b.example"}]}"#,
    )
    .unwrap();
    let out_dir = dir.path().join("snap");
    let out = phiward(&[
        "snapshot",
        "import",
        "--from",
        from.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("get-account-authorization-details.json` line 2 column"),
        "{err}"
    );
    assert!(
        out_dir.join("snapshot.json").is_file(),
        "the rest is still written"
    );

    let show = phiward(&["snapshot", "show", from.to_str().unwrap()]);
    assert_eq!(show.status.code(), Some(2));
    let text = stdout(&show);
    assert!(text.contains("iam          not collected"), "{text}");
    assert!(text.contains("1 SNS subscriptions"), "{text}");
    assert!(text.contains("unreadable files: 1"), "{text}");
    assert!(
        text.contains("trails: Missing: `cloudtrail/describe-trails.json` not found"),
        "{text}"
    );
}

#[test]
fn a_folder_that_is_no_snapshot_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = phiward(&["snapshot", "show", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("neither a snapshot"),
        "{}",
        stderr(&out)
    );
    let out = phiward(&["snapshot", "show", "/nonexistent/phiward-snapshot"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unparseable_policy_documents_are_reported_by_show() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path();
    std::fs::create_dir_all(from.join("s3/buckets/b")).unwrap();
    std::fs::write(
        from.join("s3/buckets/b/get-bucket-policy.json"),
        r#"{"Policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"allow\"}]}"}"#,
    )
    .unwrap();
    let out = phiward(&["snapshot", "show", from.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bucket `b` policy") && err.contains("line 1"),
        "{err}"
    );
}
