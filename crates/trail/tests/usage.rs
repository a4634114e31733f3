//! Usage mining over the layouts CloudTrail logs come in, with corrupt input mixed in.

#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use std::io::Write as _;
use std::path::Path;

use phiward_catalog::Catalog;
use phiward_trail::event::PrincipalKind;
use phiward_trail::read::discover;
use phiward_trail::resources::ResourceSet;
use phiward_trail::time;
use phiward_trail::usage::{usage, Options, Usage};
use proptest::prelude::*;

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

fn role_event(t: &str, source: &str, name: &str, extra: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventTime":"{t}","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1",
        "userIdentity":{{"type":"AssumedRole","principalId":"AROA:i-1","arn":"arn:aws:sts::111122223333:assumed-role/etl/i-1",
        "accountId":"111122223333","sessionContext":{{"sessionIssuer":{{"type":"Role","arn":"arn:aws:iam::111122223333:role/service/etl",
        "userName":"etl"}},"attributes":{{"mfaAuthenticated":"false"}}}}}}{extra}}}"#
    )
}

fn user_event(t: &str, source: &str, name: &str, extra: &str) -> String {
    format!(
        r#"{{"eventTime":"{t}","eventSource":"{source}","eventName":"{name}",
        "userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/kim","accountId":"111122223333","userName":"kim"}}{extra}}}"#
    )
}

fn records(events: &[String]) -> Vec<u8> {
    format!("{{\"Records\":[{}]}}", events.join(",")).into_bytes()
}

fn opts(window_days: Option<i64>) -> Options {
    let now = time::parse("2024-06-01T00:00:00Z").expect("time");
    Options::window(now, window_days.map(|d| d * 86_400))
}

fn mine(root: &Path, o: Options) -> Usage {
    let paths = discover(root).expect("discover");
    usage(&paths, o, Catalog::get().expect("catalog"))
}

fn layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let day = "AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/2024/05/20";
    write(
        root,
        &format!("{day}/111122223333_CloudTrail_us-east-1_20240520T1000Z_a.json.gz"),
        &gz(&records(&[
            role_event(
                "2024-05-20T10:00:00Z",
                "s3.amazonaws.com",
                "GetObject",
                r#","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::phi/2024/a.csv"}]"#,
            ),
            role_event(
                "2024-05-20T10:05:00Z",
                "s3.amazonaws.com",
                "ListObjectsV2",
                r#","requestParameters":{"bucketName":"phi","list-type":"2"}"#,
            ),
            role_event(
                "2024-05-21T10:05:00Z",
                "s3.amazonaws.com",
                "GetObject",
                r#","resources":[{"ARN":"arn:aws:s3:::phi/2024/b.csv"}]"#,
            ),
            user_event(
                "2024-05-20T11:00:00Z",
                "iam.amazonaws.com",
                "CreateUser",
                r#","errorCode":"AccessDenied""#,
            ),
            user_event(
                "2024-05-20T11:00:01Z",
                "ec2.amazonaws.com",
                "RunInstances",
                r#","errorCode":"Client.UnauthorizedOperation""#,
            ),
            user_event(
                "2024-05-20T11:00:02Z",
                "sts.amazonaws.com",
                "GetCallerIdentity",
                "",
            ),
            user_event(
                "2024-05-20T11:00:03Z",
                "madeup.amazonaws.com",
                "DoThing",
                "",
            ),
            // Outside a 30-day window.
            user_event(
                "2024-04-01T00:00:00Z",
                "s3.amazonaws.com",
                "ListBuckets",
                "",
            ),
        ])),
    );
    // Digests hold no events and are skipped.
    write(
        root,
        "AWSLogs/o-abc123/111122223333/CloudTrail-Digest/us-east-1/2024/05/20/d.json.gz",
        &gz(b"{\"awsAccountId\":\"111122223333\"}"),
    );
    // A JSON-lines export (uncompressed) with a broken line.
    let lines = [
        user_event(
            "2024-05-25T00:00:00Z",
            "dynamodb.amazonaws.com",
            "TransactWriteItems",
            "",
        ),
        "{\"eventTime\": broken".to_string(),
        r#"{"eventTime":"2024-05-25T00:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":{"type":"Root","accountId":"111122223333"}}"#.to_string(),
    ];
    let lines: Vec<String> = lines.iter().map(|l| l.replace('\n', "")).collect();
    write(root, "exports/athena.jsonl", lines.join("\n").as_bytes());
    // A truncated gzip file.
    let whole = gz(&records(&[role_event(
        "2024-05-20T10:00:00Z",
        "kms.amazonaws.com",
        "Decrypt",
        "",
    )]));
    write(root, "exports/truncated.json.gz", &whole[..whole.len() / 2]);
    dir
}

#[test]
fn usage_per_principal() {
    let dir = layout();
    let u = mine(dir.path(), opts(Some(30)));
    assert_eq!(u.files, 3);
    assert_eq!(u.outside_window, 1);
    let role = u
        .principal("arn:aws:iam::111122223333:role/service/etl")
        .expect("role");
    assert_eq!(role.kind, PrincipalKind::Role);
    assert_eq!(role.calls, 3);
    let names: Vec<&str> = role.actions.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(names, ["s3:GetObject", "s3:ListBucket"]);
    let get = &role.actions[0];
    assert_eq!((get.count, get.denied), (2, 0));
    assert_eq!(get.first_seen, "2024-05-20T10:00:00Z");
    assert_eq!(get.last_seen, "2024-05-21T10:05:00Z");
    assert_eq!(
        get.resources,
        ["arn:aws:s3:::phi/2024/a.csv", "arn:aws:s3:::phi/2024/b.csv"]
    );
    assert_eq!(role.actions[1].resources, ["arn:aws:s3:::phi"]);
    assert_eq!(role.actions[1].events, ["s3.amazonaws.com:ListObjectsV2"]);
    // Found by role name too.
    assert!(u.principal("etl").is_some());

    let kim = u
        .principal("arn:aws:iam::111122223333:user/kim")
        .expect("user");
    assert_eq!(kim.denied, 2);
    let names: Vec<&str> = kim.actions.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        names,
        [
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "ec2:RunInstances",
            "iam:CreateUser"
        ]
    );
    assert_eq!(kim.unknown_events[0].event, "madeup.amazonaws.com:DoThing");
    assert_eq!(
        kim.no_permission_events[0].event,
        "sts.amazonaws.com:GetCallerIdentity"
    );
    let root = u.principal("arn:aws:iam::111122223333:root").expect("root");
    assert_eq!(root.kind, PrincipalKind::Root);

    // The broken line and the truncated file are reported with their paths, and skipped.
    assert_eq!(u.problems.len(), 2, "{:?}", u.problems);
    assert!(u.problems[0].path.ends_with("exports/athena.jsonl"));
    assert_eq!(u.problems[0].record, Some(1));
    assert!(u.problems[1].path.ends_with("exports/truncated.json.gz"));
}

#[test]
fn the_window_counts_back_from_now() {
    let dir = layout();
    let all = mine(dir.path(), opts(None));
    assert_eq!(all.outside_window, 0);
    assert!(all
        .principal("arn:aws:iam::111122223333:user/kim")
        .expect("kim")
        .actions
        .iter()
        .any(|a| a.action == "s3:ListAllMyBuckets"));
    let early = Options::window(time::parse("2024-05-20T10:01:00Z").expect("t"), Some(3600));
    let u = mine(dir.path(), early);
    assert_eq!(u.counted, 1);
}

#[test]
fn one_thread_and_many_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in 0..40 {
        let evs: Vec<String> = (0..50)
            .map(|i| {
                role_event(
                    &format!("2024-05-{:02}T10:00:{:02}Z", 1 + f % 28, i % 60),
                    "s3.amazonaws.com",
                    "GetObject",
                    &format!(r#","resources":[{{"ARN":"arn:aws:s3:::b/{f}/{i}"}}]"#),
                )
            })
            .collect();
        write(
            dir.path(),
            &format!("AWSLogs/1/CloudTrail/us-east-1/x/{f}.json.gz"),
            &gz(&records(&evs)),
        );
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| mine(dir.path(), opts(None)));
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("pool")
        .install(|| mine(dir.path(), opts(None)));
    assert_eq!(one.principals, many.principals);
    assert_eq!(one.principals[0].actions[0].count, 2000);
    // 2000 objects collapse under the resource limit, and every one stays covered.
    let res = &one.principals[0].actions[0].resources;
    assert!(
        res.len() <= 256 && res.iter().all(|r| r.ends_with("/*")),
        "{res:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No input makes reading panic; a truncated file yields a prefix of its events.
    #[test]
    fn never_panics(cut in 0usize..2000, junk in proptest::collection::vec(any::<u8>(), 0..200), gzip in any::<bool>()) {
        let evs: Vec<String> = (0..10).map(|i| user_event(&format!("2024-05-20T11:00:0{i}Z"), "s3.amazonaws.com", "GetObject", r#","requestParameters":{"bucketName":"b","key":"k\u00e9\n"}"#)).collect();
        let whole = records(&evs);
        let mut bytes = if gzip { gz(&whole) } else { whole.clone() };
        bytes.truncate(cut.min(bytes.len()));
        bytes.extend_from_slice(&junk);
        let mut out = phiward_trail::read::FileOutcome::default();
        let mut n = 0;
        let path = Path::new("x.json");
        match if gzip { None } else { Some(&bytes) } {
            Some(b) => phiward_trail::read::read_bytes(path, b, |_, _| n += 1, &mut out),
            None => {
                let dir = tempfile::tempdir().expect("tempdir");
                let p = dir.path().join("x.json.gz");
                std::fs::write(&p, &bytes).expect("write");
                out = phiward_trail::read::read_file(&p, &mut Vec::new(), &mut Vec::new(), |_, _| n += 1);
            }
        }
        prop_assert!(n <= 10 || !junk.is_empty());
        if cut < whole.len() && junk.is_empty() && !gzip {
            prop_assert!(!out.problems.is_empty() || n == 0);
        }
    }
}

#[test]
fn huge_values_are_fine() {
    let big = "x".repeat(5_000_000);
    let ev = user_event(
        "2024-05-20T11:00:00Z",
        "s3.amazonaws.com",
        "GetObject",
        &format!(r#","requestParameters":{{"bucketName":"{big}"}},"userAgent":[[[[[[1]]]]]]"#),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.json", &records(&[ev]));
    let u = mine(dir.path(), opts(None));
    assert!(u.problems.is_empty());
    assert_eq!(
        u.principals[0].actions[0].resources[0].len(),
        big.len() + 13
    );
}

proptest! {
    /// Collapsing keeps every ARN covered and stays within the limit whenever the ARNs
    /// have room to go up.
    #[test]
    fn collapse_covers_everything(
        keys in proptest::collection::vec(("[a-c]{1,2}", "[a-c]{1,2}", "[a-c]{1,3}"), 1..60),
        limit in 1usize..8,
    ) {
        let arns: Vec<String> = keys.iter().map(|(b, d, f)| format!("arn:aws:s3:::bkt/{b}/{d}/{f}")).collect();
        let out = phiward_trail::resources::collapse(arns.clone(), limit);
        prop_assert!(out.len() <= limit.max(1) || out == ["arn:aws:s3:::bkt/*"]);
        for a in &arns {
            prop_assert!(out.iter().any(|p| p == a || p.strip_suffix('*').is_some_and(|pre| a.starts_with(pre))), "{} not covered by {:?}", a, out);
        }
    }
}

proptest! {
    /// A set's patterns depend only on the ARNs given it: any order, any split into sets
    /// merged later, gives what collapsing them all at once gives. (Regression: the lake,
    /// reading ARNs sorted, and the raw logs, read in parallel, collapsed differently.)
    #[test]
    fn resource_sets_ignore_order_and_merging(
        keys in proptest::collection::vec(("[a-d]{1,2}", "[a-c]{1,2}", "[a-c]{0,3}", 0usize..3), 1..80),
        limit in 1usize..12,
        seed in any::<u64>(),
        parts in 1usize..5,
    ) {
        let arns: Vec<String> = keys
            .iter()
            .map(|(b, d, f, kind)| match kind {
                0 => format!("arn:aws:s3:::bkt/{b}/{d}/{f}"),
                1 => format!("arn:aws:kms:us-east-{}:1:key/{b}{d}", d.len()),
                _ => format!("arn:aws:s3:::bkt/{b}"),
            })
            .collect();
        let want = phiward_trail::resources::collapse(arns.clone(), limit);
        let mut shuffled = arns.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut sets: Vec<ResourceSet> = (0..parts).map(|_| ResourceSet::default()).collect();
        for (i, a) in shuffled.iter().enumerate() {
            sets[i % parts].insert(a, limit);
        }
        let mut all = ResourceSet::default();
        for s in sets.into_iter().rev() {
            all.merge(s, limit);
        }
        prop_assert_eq!(all.sorted(), want);
    }
}

#[test]
fn resources_are_kept_to_the_actions_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ev = role_event(
        "2024-05-20T10:00:00Z",
        "s3.amazonaws.com",
        "GetObject",
        r#","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::phi/a"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::phi"}]"#,
    );
    write(dir.path(), "a.json", &records(&[ev]));
    let u = mine(dir.path(), opts(None));
    assert_eq!(u.principals[0].actions[0].resources, ["arn:aws:s3:::phi/a"]);
}
