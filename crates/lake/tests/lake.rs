//! The lake answers what the raw logs answer: `trail usage`, the audit's review
//! (detections and usage), on logs with late-delivered events, a duplicated file, a
//! corrupt file, broken records, and after incremental and repeated compaction.

#![cfg(feature = "engine")]
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use phiward_catalog::Catalog;
use phiward_lake::{compact, CompactOptions, Filter, Lake, Source};
use phiward_trail::usage::Options;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";

fn at(day: u32, sec: u32) -> String {
    format!(
        "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
        sec / 3600 % 24,
        sec / 60 % 60,
        sec % 60
    )
}

fn role(name: &str) -> Value {
    json!({"type": "AssumedRole", "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{name}/s1"), "accountId": ACCOUNT,
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": format!("arn:aws:iam::{ACCOUNT}:role/app/{name}")},
        "attributes": {"mfaAuthenticated": "false"}}})
}

fn user(name: &str) -> Value {
    json!({"type": "IAMUser", "arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"), "accountId": ACCOUNT, "userName": name})
}

fn ev(time: &str, who: Value, source: &str, name: &str, extra: Value) -> Value {
    let mut e = json!({"eventVersion": "1.09", "eventTime": time, "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2",
        "eventID": format!("{time}-{name}"), "eventType": "AwsApiCall", "readOnly": true,
        "recipientAccountId": ACCOUNT, "userIdentity": who});
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn put(root: &Path, region: &str, day: u32, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = root.join(format!(
        "AWSLogs/{ACCOUNT}/CloudTrail/{region}/2024/05/{day:02}"
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!(
        "{ACCOUNT}_CloudTrail_{region}_202405{day:02}T0000Z_{name}.json.gz"
    ));
    std::fs::write(&p, bytes).unwrap();
    p
}

fn records(v: Vec<Value>) -> Vec<u8> {
    gz(&serde_json::to_vec(&json!({"Records": v})).unwrap())
}

/// Logs over five days with the awkward cases.
fn logs(root: &Path) {
    let mut day1 = Vec::new();
    for i in 0..40 {
        let obj = format!("arn:aws:s3:::phi-bucket/patients/{}/{i}.pdf", i % 4);
        day1.push(ev(&at(1, i * 60), role("etl"), "s3.amazonaws.com", "GetObject", json!({
            "requestParameters": {"bucketName": "phi-bucket", "key": format!("patients/{}/{i}.pdf", i % 4)},
            "resources": [{"ARN": obj}, {"ARN": "arn:aws:s3:::phi-bucket"}]})));
    }
    day1.push(ev(
        &at(1, 5000),
        role("etl"),
        "s3.amazonaws.com",
        "PutObject",
        json!({"errorCode": "AccessDenied",
        "requestParameters": {"bucketName": "phi-bucket", "key": "x"}}),
    ));
    day1.push(ev(
        &at(1, 5001),
        role("etl"),
        "s3.amazonaws.com",
        "ListObjectsV2",
        json!({"errorCode": "ThrottlingException",
        "requestParameters": {"bucketName": "phi-bucket"}}),
    ));
    day1.push(ev(
        &at(1, 5002),
        user("kim"),
        "dynamodb.amazonaws.com",
        "TransactWriteItems",
        json!({
        "resources": [{"ARN": format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/claims")}]}),
    ));
    day1.push(ev(&at(1, 5003), json!({"type": "Root", "arn": format!("arn:aws:iam::{ACCOUNT}:root"), "accountId": ACCOUNT}),
        "iam.amazonaws.com", "ListUsers", json!({})));
    day1.push(ev(
        &at(1, 5004),
        user("kim"),
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({}),
    ));
    day1.push(ev(&at(1, 5005), user("kim"), "signin.amazonaws.com", "ConsoleLogin", json!({
        "eventType": "AwsConsoleSignIn", "responseElements": {"ConsoleLogin": "Success"}, "additionalEventData": {"MFAUsed": "No"}})));
    day1.push(ev(
        &at(1, 5006),
        user("kim"),
        "iam.amazonaws.com",
        "CreateAccessKey",
        json!({"requestParameters": {"userName": "lee"}}),
    ));
    day1.push(ev(
        &at(1, 5007),
        role("etl"),
        "iam.amazonaws.com",
        "PutRolePolicy",
        json!({"requestParameters": {"roleName": "x"}}),
    ));
    day1.push(ev(
        &at(1, 5008),
        user("kim"),
        "sts.amazonaws.com",
        "GetCallerIdentity",
        json!({}),
    ));
    day1.push(ev(
        &at(1, 5009),
        user("kim"),
        "madeup.amazonaws.com",
        "DoSomething",
        json!({}),
    ));
    // Broken records: no time; no source (in every window).
    day1.push(json!({"eventName": "GetObject", "userIdentity": user("kim")}));
    day1.push(
        json!({"eventTime": at(1, 6000), "eventName": "GetObject", "userIdentity": user("kim")}),
    );
    let f1 = records(day1);
    put(root, "us-east-1", 1, "a", &f1);
    // The same file delivered twice under another name.
    put(root, "us-east-1", 1, "a-copy", &f1);
    // Late delivery: the day-4 folder holds events of days 2 and 4.
    put(
        root,
        "eu-west-1",
        4,
        "late",
        &records(vec![
            ev(
                &at(2, 100),
                user("lee"),
                "kms.amazonaws.com",
                "Decrypt",
                json!({"awsRegion": "eu-west-1",
            "resources": [{"ARN": format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1")}]}),
            ),
            ev(
                &at(4, 100),
                user("lee"),
                "kms.amazonaws.com",
                "Decrypt",
                json!({"awsRegion": "eu-west-1",
            "resources": [{"ARN": format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/k2")}]}),
            ),
        ]),
    );
    // Corrupt: truncated gzip.
    let good = records(vec![ev(
        &at(3, 1),
        user("lee"),
        "s3.amazonaws.com",
        "GetObject",
        json!({}),
    )]);
    put(root, "us-east-1", 3, "corrupt", &good[..good.len() / 2]);
    // A document broken in the middle: the first record counts.
    let broken = format!(
        "{{\"Records\":[{},{{\"eventName\"",
        ev(
            &at(5, 7),
            user("lee"),
            "s3.amazonaws.com",
            "ListBuckets",
            json!({})
        )
    );
    put(root, "us-east-1", 5, "broken", &gz(broken.as_bytes()));
    // A digest: never read as events.
    let d = root.join(format!(
        "AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2024/05/05"
    ));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("x.json.gz"), gz(b"{}")).unwrap();
}

fn raw_usage(root: &Path, opts: Options) -> Value {
    let paths = phiward_trail::read::discover(root).unwrap();
    serde_json::to_value(phiward_trail::usage::usage(
        &paths,
        opts,
        Catalog::get().unwrap(),
    ))
    .unwrap()
}

fn lake_usage(lake: &Lake, opts: Options) -> Value {
    serde_json::to_value(
        lake.usage(opts, &Filter::default(), Catalog::get().unwrap())
            .unwrap(),
    )
    .unwrap()
}

fn now() -> i64 {
    phiward_trail::time::parse("2024-05-06T00:00:00Z").unwrap()
}

fn windows() -> Vec<Options> {
    vec![
        Options::window(now(), None),
        Options::window(now(), Some(3 * 86_400)),
        Options::window(
            phiward_trail::time::parse("2024-05-01T01:00:00Z").unwrap(),
            Some(1800),
        ),
    ]
}

fn run(src: &Path, lake: &Path) -> phiward_lake::Compacted {
    let opts = CompactOptions {
        batch_bytes: 300,
        ..CompactOptions::default()
    };
    compact(
        &Source::Local(src.to_path_buf()),
        lake,
        &opts,
        Catalog::get().unwrap(),
        &|_, _| {},
    )
    .unwrap()
}

#[test]
fn lake_answers_what_the_logs_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (src, lake_dir) = (dir.path().join("logs"), dir.path().join("lake"));
    logs(&src);
    let done = run(&src, &lake_dir);
    assert_eq!((done.listed, done.added), (5, 5));
    assert_eq!(done.problems.len(), 2, "{:?}", done.problems);
    // Small batches wrote several files per partition; the merge left one each.
    assert!(done.merged >= 1);
    let lake = Lake::open(&lake_dir, None, 2).unwrap();
    for w in windows() {
        assert_eq!(lake_usage(&lake, w), raw_usage(&src, w), "window {w:?}");
    }
    // The late event is in its own day's partition.
    let t = lake.sql("SELECT day, count(*) AS n FROM events WHERE region = 'eu-west-1' GROUP BY day ORDER BY day").unwrap();
    let mut out = Vec::new();
    t.write_csv(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "day,n\n2024-05-02,1\n2024-05-04,1\n"
    );

    // Idempotent: nothing new, nothing changes.
    let again = run(&src, &lake_dir);
    assert_eq!(
        (again.added, again.already, again.parquet_written),
        (0, 5, 0)
    );
    // Incremental: a new day's file joins.
    put(
        &src,
        "us-east-1",
        5,
        "new",
        &records(vec![ev(
            &at(5, 9),
            role("etl"),
            "s3.amazonaws.com",
            "GetObject",
            json!({
        "resources": [{"ARN": "arn:aws:s3:::phi-bucket/patients/9.pdf"}]}),
        )]),
    );
    let inc = run(&src, &lake_dir);
    assert_eq!((inc.added, inc.already), (1, 5));
    let lake = Lake::open(&lake_dir, None, 2).unwrap();
    for w in windows() {
        assert_eq!(lake_usage(&lake, w), raw_usage(&src, w), "window {w:?}");
    }
    let parquet: Vec<_> =
        walk(&lake_dir.join("events/account=111122223333/region=us-east-1/day=2024-05-05"));
    assert_eq!(parquet.len(), 1, "{parquet:?}");

    // The audit's review: detections and usage alike.
    let catalog = Catalog::get().unwrap();
    let d = phiward_trail::detect::Options {
        automation: vec!["deploy*".into()],
        ..Default::default()
    };
    let paths = phiward_trail::read::discover(&src).unwrap();
    let raw = phiward_trail::review::review(&paths, &d, Options::window(now(), None), catalog);
    let lr = lake
        .review(
            &d,
            Options::window(now(), None),
            &Filter::default(),
            catalog,
        )
        .unwrap();
    assert_eq!(
        serde_json::to_value(&lr.detections).unwrap(),
        serde_json::to_value(&raw.detections).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&lr.usage).unwrap(),
        serde_json::to_value(&raw.usage).unwrap()
    );
    assert!(lr.detections.detections.len() >= 5);

    // Who touched the bucket: the role (its objects) and nobody else.
    let who = lake
        .who_accessed("arn:aws:s3:::phi-bucket", &Filter::default())
        .unwrap();
    let names: Vec<&str> = who
        .principals
        .iter()
        .map(|a| a.principal.as_str())
        .collect();
    assert_eq!(names, [format!("arn:aws:iam::{ACCOUNT}:role/app/etl")]);
    // Twice the day's file (a duplicate): 40 reads, a list, a denied write; then one read.
    assert_eq!(
        (
            who.principals[0].calls,
            who.principals[0].denied,
            who.principals[0].errors
        ),
        ((40 + 1 + 1) * 2 + 1, 2, 2)
    );
    let objs = lake
        .who_accessed("arn:aws:s3:::phi-bucket/patients/1/*", &Filter::default())
        .unwrap();
    assert_eq!(objs.principals[0].resources, 10);

    // Views.
    let t = lake.sql("SELECT action, calls FROM usage WHERE principal LIKE '%user/kim' AND action LIKE 'dynamodb:%' ORDER BY action").unwrap();
    let mut out = Vec::new();
    t.write_csv(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "action,calls\ndynamodb:DeleteItem,2\ndynamodb:PutItem,2\ndynamodb:UpdateItem,2\n"
    );
    // Raw records are kept.
    let t = lake
        .sql("SELECT raw FROM events WHERE event_name = 'StopLogging' LIMIT 1")
        .unwrap();
    let mut out = Vec::new();
    t.write_json_lines(&mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("eventVersion"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
                .collect()
        })
        .unwrap_or_default()
}

/// The generated benchmark logs (`bench/trail_gen.py`, a small run).
#[test]
fn lake_answers_what_the_generated_logs_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (src, lake_dir) = (dir.path().join("logs"), dir.path().join("lake"));
    let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/trail_gen.py");
    let ok = std::process::Command::new("python3")
        .arg(&gen)
        .arg(&src)
        .args(["--gb", "0.01", "--level", "1"])
        .status()
        .expect("python3 runs bench/trail_gen.py");
    assert!(ok.success());
    let done = compact(
        &Source::Local(src.clone()),
        &lake_dir,
        &CompactOptions::default(),
        Catalog::get().unwrap(),
        &|_, _| {},
    )
    .unwrap();
    assert!(done.rows > 5000, "{done:?}");
    let lake = Lake::open(&lake_dir, None, 2).unwrap();
    let end = phiward_trail::time::parse("2024-03-01T06:00:00Z").unwrap();
    for w in [
        Options::window(end, None),
        Options::window(end, Some(3 * 3600)),
    ] {
        assert_eq!(lake_usage(&lake, w), raw_usage(&src, w));
    }
}
