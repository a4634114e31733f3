//! The same queries on a Ballista cluster (a scheduler and two executors started here, on
//! 127.0.0.1) return the rows embedded DataFusion returns.

#![cfg(feature = "local-cluster")]
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write as _;

use phiward_catalog::Catalog;
use phiward_lake::cluster::LocalCluster;
use phiward_lake::{compact, CompactOptions, Filter, Lake, Source};
use phiward_trail::usage::Options;
use serde_json::json;

fn logs(root: &std::path::Path) {
    for day in 1..=4u32 {
        let dir = root.join(format!(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/{day:02}"
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let recs: Vec<_> = (0..300u32)
            .map(|i| {
                json!({"eventTime": format!("2024-05-{day:02}T{:02}:{:02}:00Z", i / 60 % 24, i % 60),
                    "eventSource": if i % 3 == 0 { "kms.amazonaws.com" } else { "s3.amazonaws.com" },
                    "eventName": if i % 3 == 0 { "Decrypt" } else { "GetObject" },
                    "awsRegion": "us-east-1", "recipientAccountId": "111122223333", "sourceIPAddress": format!("10.0.0.{}", i % 7),
                    "errorCode": if i % 17 == 0 { Some("AccessDenied") } else { None },
                    "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111122223333:user/u{}", i % 5)},
                    "resources": [{"ARN": format!("arn:aws:s3:::phi/{day}/{}", i % 11)}]})
            })
            .collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&serde_json::to_vec(&json!({"Records": recs})).unwrap())
            .unwrap();
        std::fs::write(dir.join(format!("f{day}.json.gz")), e.finish().unwrap()).unwrap();
    }
}

fn csv(lake: &Lake, sql: &str) -> String {
    let mut out = Vec::new();
    lake.sql(sql).unwrap().write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn ballista_returns_the_rows_datafusion_returns() {
    let dir = tempfile::tempdir().unwrap();
    let (src, lake_dir) = (dir.path().join("logs"), dir.path().join("lake"));
    logs(&src);
    compact(
        &Source::Local(src),
        &lake_dir,
        &CompactOptions::default(),
        Catalog::get().unwrap(),
        &|_, _| {},
    )
    .unwrap();
    let cluster = LocalCluster::start(2, 2).unwrap();
    assert!(cluster.url().starts_with("df://127.0.0.1:"));
    let embedded = Lake::open(&lake_dir, None, 2).unwrap();
    let remote = Lake::open(&lake_dir, Some(cluster.url()), 2).unwrap();
    for sql in [
        "SELECT principal, count(*) AS n, sum(CASE WHEN denied THEN 1 ELSE 0 END) AS d FROM events GROUP BY principal ORDER BY principal",
        "SELECT day, count(*) AS n FROM events WHERE day >= '2024-05-02' GROUP BY day ORDER BY day",
        "SELECT principal, action, calls, denied FROM usage ORDER BY principal, action",
        "SELECT resource, count(*) AS n FROM access_to_resource WHERE starts_with(resource, 'arn:aws:s3:::phi/3/') GROUP BY resource ORDER BY resource",
    ] {
        let (a, b) = (csv(&embedded, sql), csv(&remote, sql));
        assert!(a.lines().count() > 2, "{sql}: {a}");
        assert_eq!(a, b, "{sql}");
    }
    let now = phiward_trail::time::parse("2024-05-05T00:00:00Z").unwrap();
    let catalog = Catalog::get().unwrap();
    for w in [
        Options::window(now, None),
        Options::window(now, Some(2 * 86_400)),
    ] {
        let a =
            serde_json::to_value(embedded.usage(w, &Filter::default(), catalog).unwrap()).unwrap();
        let b =
            serde_json::to_value(remote.usage(w, &Filter::default(), catalog).unwrap()).unwrap();
        assert_eq!(a, b);
    }
    let f = Filter::default();
    assert_eq!(
        embedded
            .who_accessed("arn:aws:s3:::phi", &f)
            .unwrap()
            .principals,
        remote
            .who_accessed("arn:aws:s3:::phi", &f)
            .unwrap()
            .principals
    );
}
