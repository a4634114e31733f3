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
        "identity_center: missing",
        "sso          not collected",
        "advisor      5 principals with Access Advisor data",
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
        text.contains("trails: missing: `cloudtrail/describe-trails.json` not found"),
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

/// A stand-in for the AWS CLI: enough answers for `scripts/export-account.sh` to run
/// through every section, with Organizations denied and one bucket without a policy.
const FAKE_AWS: &str = r#"#!/usr/bin/env bash
args="$*"
query=""; [[ "$args" == *"--query"* ]] && query=1
deny() { echo "" >&2; echo "An error occurred ($1) when calling the $2 operation: denied" >&2; exit 254; }
case "$args" in
  "sts get-caller-identity"*) [ -n "$query" ] && echo 111122223333 || echo '{"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/auditor"}' ;;
  "iam generate-credential-report"*) [ -n "$query" ] && echo COMPLETE || echo '{"State": "COMPLETE"}' ;;
  "iam get-credential-report"*) printf '{"Content": "%s", "GeneratedTime": "2026-11-01T00:00:00Z"}\n' "$(printf 'user,arn,mfa_active\n<root_account>,arn:aws:iam::111122223333:root,true\nauditor,arn:aws:iam::111122223333:user/auditor,false\n' | base64 -w0)" ;;
  "iam get-account-authorization-details"*) echo '{"UserDetailList": [{"UserName": "auditor", "Arn": "arn:aws:iam::111122223333:user/auditor"}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}' ;;
  "iam get-account-password-policy"*) deny NoSuchEntity GetAccountPasswordPolicy ;;
  "iam list-users"*) echo arn:aws:iam::111122223333:user/auditor ;;
  "iam list-roles"*|"iam list-groups"*) ;;
  "iam generate-service-last-accessed-details"*) echo job-1 ;;
  "iam get-service-last-accessed-details"*) [ -n "$query" ] && echo COMPLETED || echo '{"JobStatus": "COMPLETED", "ServicesLastAccessed": [{"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "LastAuthenticated": "2026-10-01T00:00:00Z"}]}' ;;
  organizations*) deny AccessDeniedException "${2}" ;;
  "cloudtrail describe-trails"*) [ -n "$query" ] && echo t1 || echo '{"trailList": [{"Name": "t1", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t1"}]}' ;;
  "cloudtrail get-trail-status"*) echo '{"IsLogging": true}' ;;
  "s3api list-buckets"*) [ -n "$query" ] && printf 'b1\tb2\n' || echo '{"Buckets": [{"Name": "b1"}, {"Name": "b2"}]}' ;;
  "s3api get-bucket-policy --bucket b1"*) echo '{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}' ;;
  "s3api get-bucket-policy"*) deny NoSuchBucketPolicy GetBucketPolicy ;;
  "s3api get-bucket-versioning"*) ;;
  "kms list-keys"*) [ -n "$query" ] && echo k1 || echo '{"Keys": [{"KeyId": "k1"}]}' ;;
  "kms get-key-policy"*) echo '{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}' ;;
  *) echo '{}' ;;
esac
"#;

#[test]
fn the_export_script_writes_the_layout_import_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let aws = bin.join("aws");
    std::fs::write(&aws, FAKE_AWS).unwrap();
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out_dir = dir.path().join("export");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/export-account.sh");
    let run = Command::new("bash")
        .arg(&script)
        .arg(&out_dir)
        .env("PATH", &path)
        .env("PHIWARD_ACCESS_ADVISOR", "1")
        .output()
        .expect("run the export script");
    assert!(run.status.success(), "{}", stderr(&run));
    for f in [
        "phiward-export.json",
        "iam/get-credential-report.json",
        "iam/get-account-password-policy.error",
        "organizations/describe-organization.error",
        "cloudtrail/trails/t1/get-trail-status.json",
        "s3/buckets/b1/get-bucket-policy.json",
        "s3/buckets/b2/get-bucket-policy.error",
        "kms/keys/k1/get-key-policy.json",
        "sns/list-subscriptions.json",
        "iam/access-advisor/users/auditor.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    let show = phiward(&["snapshot", "show", out_dir.to_str().unwrap()]);
    assert_eq!(show.status.code(), Some(0), "{}", stderr(&show));
    let text = stdout(&show);
    for want in [
        "account      111122223333",
        "1 users",
        "cred report  2 rows (root included)",
        "password     none (AWS defaults)",
        "organization not collected",
        "2 buckets",
        "advisor      1 principals",
        "organization: failed: the export failed: An error occurred (AccessDeniedException)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}
