//! Detections for the audit: one positive and one negative event for each kind.

use phiward_trail::detect::{detect, Kind, Options};

fn user(name: &str) -> serde_json::Value {
    serde_json::json!({"type": "IAMUser", "arn": format!("arn:aws:iam::111122223333:user/{name}"), "accountId": "111122223333", "userName": name})
}

fn role(name: &str) -> serde_json::Value {
    serde_json::json!({"type": "AssumedRole", "arn": format!("arn:aws:sts::111122223333:assumed-role/{name}/s"),
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": format!("arn:aws:iam::111122223333:role/{name}")}}})
}

/// The records written as one CloudTrail log file `a.json` in a new temporary folder
/// (removed when the returned guard is dropped).
#[expect(clippy::expect_used, reason = "test set-up fails loudly")]
fn log_file(records: &[serde_json::Value]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&serde_json::json!({"Records": records})).expect("json"),
    )
    .expect("write");
    (dir, file)
}

fn ev(
    i: u32,
    who: serde_json::Value,
    source: &str,
    name: &str,
    extra: serde_json::Value,
) -> serde_json::Value {
    let mut e = serde_json::json!({"eventTime": format!("2026-10-01T00:00:{i:02}Z"), "eventID": format!("e{i}"),
        "eventSource": source, "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.9",
        "userAgent": "console.amazonaws.com", "userIdentity": who});
    if let (Some(e), Some(x)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            e.insert(k.clone(), v.clone());
        }
    }
    e
}

#[test]
fn each_kind_with_its_evidence() {
    let root = serde_json::json!({"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"});
    let none = serde_json::json!({});
    let records = vec![
        ev(
            0,
            root.clone(),
            "s3.amazonaws.com",
            "ListBuckets",
            none.clone(),
        ),
        ev(
            1,
            user("kim"),
            "cloudtrail.amazonaws.com",
            "StopLogging",
            none.clone(),
        ),
        ev(
            2,
            user("kim"),
            "cloudtrail.amazonaws.com",
            "DescribeTrails",
            none.clone(),
        ),
        ev(
            3,
            user("kim"),
            "signin.amazonaws.com",
            "ConsoleLogin",
            serde_json::json!({"responseElements": {"ConsoleLogin": "Success"}, "additionalEventData": {"MFAUsed": "No"}}),
        ),
        ev(
            4,
            user("ana"),
            "signin.amazonaws.com",
            "ConsoleLogin",
            serde_json::json!({"responseElements": {"ConsoleLogin": "Success"}, "additionalEventData": {"MFAUsed": "Yes"}}),
        ),
        ev(
            5,
            user("kim"),
            "iam.amazonaws.com",
            "CreateAccessKey",
            serde_json::json!({"requestParameters": {"userName": "ana"}}),
        ),
        ev(
            6,
            user("kim"),
            "iam.amazonaws.com",
            "CreateAccessKey",
            serde_json::json!({"requestParameters": {"userName": "kim"}}),
        ),
        ev(
            7,
            role("Operator"),
            "iam.amazonaws.com",
            "AttachRolePolicy",
            serde_json::json!({"requestParameters": {"roleName": "x"}}),
        ),
        ev(
            8,
            role("TerraformApply"),
            "iam.amazonaws.com",
            "AttachRolePolicy",
            none.clone(),
        ),
        ev(
            9,
            role("Operator"),
            "s3.amazonaws.com",
            "PutBucketPolicy",
            serde_json::json!({"errorCode": "AccessDenied"}),
        ),
        ev(
            10,
            serde_json::json!({"type": "AWSService", "invokedBy": "config.amazonaws.com"}),
            "iam.amazonaws.com",
            "GetRole",
            none,
        ),
    ];
    let (_dir, file) = log_file(&records);
    let opts = Options {
        automation: vec!["Terraform*".into()],
        ..Options::default()
    };
    let d = detect(std::slice::from_ref(&file), &opts);
    let got: Vec<(Kind, &str)> = d
        .detections
        .iter()
        .map(|x| (x.kind, x.evidence.event_id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Kind::RootActivity, "e0"),
            (Kind::LoggingChanged, "e1"),
            (Kind::ConsoleLoginWithoutMfa, "e3"),
            (Kind::AccessKeyForAnotherUser, "e5"),
            (Kind::PolicyChangeOutsideAutomation, "e7"),
        ]
    );
    let e = &d.detections[1].evidence;
    assert_eq!(
        (e.file.as_path(), e.record, e.source_ip.as_str()),
        (file.as_path(), 1, "203.0.113.9")
    );
    assert_eq!(
        d.detections[4].principal,
        "arn:aws:iam::111122223333:role/Operator"
    );
    // Without automation roles, Terraform's change is reported too.
    let d = detect(&[file], &Options::default());
    assert_eq!(
        d.detections
            .iter()
            .filter(|x| x.kind == Kind::PolicyChangeOutsideAutomation)
            .count(),
        2
    );
}

/// `phiward audit --logs` reads the files once for detections and usage: the same answers
/// as reading them twice, and each skipped record named once.
#[test]
fn one_pass_review_matches_two_passes() {
    let records = vec![
        ev(
            0,
            user("kim"),
            "cloudtrail.amazonaws.com",
            "StopLogging",
            serde_json::json!({}),
        ),
        ev(
            1,
            role("Operator"),
            "s3.amazonaws.com",
            "GetObject",
            serde_json::json!({}),
        ),
        // No eventTime: both readers would report it.
        serde_json::json!({"eventSource": "s3.amazonaws.com", "eventName": "GetObject",
            "userIdentity": user("kim")}),
        // No eventName: only usage reports it.
        serde_json::json!({"eventTime": "2026-10-01T00:01:00Z", "eventSource": "s3.amazonaws.com",
            "userIdentity": user("kim")}),
    ];
    let (_dir, file) = log_file(&records);
    let paths = [file];
    let catalog = phiward_catalog::Catalog::get().expect("catalog");
    let window = phiward_trail::usage::Options::window(
        phiward_trail::time::parse("2026-11-01T00:00:00Z").expect("time"),
        None,
    );
    let r = phiward_trail::review::review(&paths, &Options::default(), window, catalog);
    let d = detect(&paths, &Options::default());
    let u = phiward_trail::usage::usage(&paths, window, catalog);
    assert_eq!(r.detections.detections, d.detections);
    assert_eq!(r.usage.principals, u.principals);
    assert_eq!(r.usage.counted, 2);
    let messages: Vec<(Option<usize>, &str)> = r
        .usage
        .problems
        .iter()
        .map(|p| (p.record, p.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (Some(2), "no valid `eventTime`"),
            (Some(3), "no `eventSource` or `eventName`")
        ]
    );
    assert_eq!(r.detections.problems, r.usage.problems);
}
