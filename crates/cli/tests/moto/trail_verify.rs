//! `phiward trail verify s3://BUCKET/PREFIX` against moto: a signed digest chain (built
//! by `crates/trail/tests/chain`) uploaded with each digest's signature in its
//! `x-amz-meta-signature`, verified intact, then tampered with in S3 one way at a time.
//! Run from `collect_against_moto`, after the collector's checks, so that nothing resets
//! the server meanwhile.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::chain::{build, gz, key, keys_json, Chain, FP};

const BUCKET: &str = "phiward-trail-verify";

fn bucket_script(url: &str, args: &[&str]) {
    let script = crate::script("trail_bucket.py");
    let mut all = vec![script.to_str().unwrap(), url];
    all.extend_from_slice(args);
    crate::run_python(&all);
}

fn verify(url: &str, keys: &Path, home: &Path, extra: &[&str]) -> Output {
    verify_as(url, keys, home, extra, ("testing", "testing"))
}

/// `phiward trail verify` on the test bucket with the given access key and secret.
fn verify_as(
    url: &str,
    keys: &Path,
    home: &Path,
    extra: &[&str],
    (key, secret): (&str, &str),
) -> Output {
    let mut args = vec![
        "trail",
        "verify",
        "s3://phiward-trail-verify/prefix",
        "--public-keys",
        keys.to_str().unwrap(),
        "--endpoint-url",
        url,
    ];
    args.extend_from_slice(extra);
    crate::phiward(&args, key, secret, home)
}

/// The finding kinds of a JSON report, sorted; the exit code.
fn kinds(o: &Output) -> (Option<i32>, Vec<String>) {
    let report: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let mut k: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    k.sort();
    (o.status.code(), k)
}

fn put(url: &str, chain: &Chain, key: &str, bytes: &[u8], signature: Option<&str>) {
    let file = chain.dir.path().join("tampered.json.gz");
    std::fs::write(&file, bytes).unwrap();
    let s3_key = format!("prefix/{key}");
    let mut args = vec!["put", BUCKET, &s3_key, file.to_str().unwrap()];
    args.extend(signature);
    bucket_script(url, &args);
}

pub(crate) fn check(url: &str, tmp: &Path) {
    let chain = build(None, None);
    let keys = tmp.join("trail-keys.json");
    std::fs::write(&keys, keys_json(key(), FP)).unwrap();
    let sigs = chain.sig_file();
    let upload = |c: &Chain| {
        bucket_script(
            url,
            &[
                "upload",
                BUCKET,
                "prefix/",
                c.dir.path().to_str().unwrap(),
                sigs.to_str().unwrap(),
            ],
        );
    };
    upload(&chain);

    // Intact: every signature and hash verifies.
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(kinds(&o), (Some(0), vec![]));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (&report["digests"], &report["digestsValid"]),
        (&Value::from(3), &Value::from(3))
    );
    assert_eq!(report["logsValid"], 6);
    let o = verify(url, &keys, tmp, &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("no integrity problem found"), "{text}");

    // A log file rewritten in the bucket.
    put(url, &chain, &chain.logs[2], &gz(br#"{"Records":[]}"#), None);
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(kinds(&o), (Some(1), vec!["log_modified".to_string()]));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&chain.logs[2]));
    upload(&chain);

    // A digest whose signature metadata is another digest's.
    let digest = std::fs::read(chain.path(&chain.digests[1])).unwrap();
    put(
        url,
        &chain,
        &chain.digests[1],
        &digest,
        Some(&chain.sigs[0].1),
    );
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(
        kinds(&o),
        (
            Some(1),
            vec!["bad_signature".to_string(), "chain_broken".to_string()]
        )
    );
    // Without metadata at all.
    put(url, &chain, &chain.digests[1], &digest, None);
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(kinds(&o), (Some(1), vec!["signature_missing".to_string()]));
    upload(&chain);

    // A digest deleted: reported missing by the next one, its hour a gap, its log files
    // no longer vouched for.
    bucket_script(
        url,
        &["delete", BUCKET, &format!("prefix/{}", chain.digests[1])],
    );
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(
        kinds(&o),
        (
            Some(1),
            ["digest_missing", "gap", "log_extra", "log_extra"]
                .map(String::from)
                .to_vec()
        )
    );
    // A log file deleted.
    upload(&chain);
    bucket_script(
        url,
        &["delete", BUCKET, &format!("prefix/{}", chain.logs[0])],
    );
    let o = verify(url, &keys, tmp, &["--format", "json"]);
    assert_eq!(kinds(&o), (Some(1), vec!["log_missing".to_string()]));

    check_policy(url, tmp, &chain, &keys, &upload);

    // What cannot be read exits 2 with a clear message.
    let o = crate::phiward(
        &[
            "trail",
            "verify",
            "s3://no-such-trail-bucket/x",
            "--public-keys",
            keys.to_str().unwrap(),
            "--endpoint-url",
            url,
        ],
        "testing",
        "testing",
        tmp,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s3://no-such-trail-bucket/x/") && err.contains("NoSuchBucket"),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(["trail", "verify", "s3://phiward-trail-verify/prefix"])
        .args([
            "--public-keys",
            keys.to_str().unwrap(),
            "--endpoint-url",
            url,
        ])
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", tmp.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", tmp.join("no-credentials"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no usable AWS credentials"), "{err}");
}

/// Under moto's IAM enforcement: `docs/trail-verify-policy.json` is enough to verify the
/// bucket; a user who may read the digests but not the log files gets `log_unreadable`,
/// each refused read named on standard error, and exit 2.
fn check_policy(url: &str, tmp: &Path, chain: &Chain, keys: &Path, upload: &dyn Fn(&Chain)) {
    upload(chain);
    let digests_only = tmp.join("digests-only-policy.json");
    std::fs::write(
        &digests_only,
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::my-trail-bucket"},
            {"Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::my-trail-bucket/prefix/AWSLogs/*/CloudTrail-Digest/*"}]})
        .to_string(),
    )
    .unwrap();
    let policy = crate::root().join("docs/trail-verify-policy.json");
    let script = crate::script("trail_bucket.py");
    let users: Value = serde_json::from_str(&crate::run_python(&[
        script.to_str().unwrap(),
        url,
        "users",
        BUCKET,
        &format!("trail-verifier={}", policy.display()),
        &format!("digest-reader={}", digests_only.display()),
    ]))
    .unwrap();
    let run = |user: &str| {
        let (key, secret) = (
            users[user][0].as_str().unwrap(),
            users[user][1].as_str().unwrap(),
        );
        verify_as(url, keys, tmp, &["--format", "json"], (key, secret))
    };
    let documented = run("trail-verifier");
    let limited = run("digest-reader");
    bucket_script(url, &["auth-off"]);
    assert_eq!(kinds(&documented), (Some(0), vec![]));
    assert_eq!(
        kinds(&limited),
        (Some(2), vec!["log_unreadable".to_string(); 6])
    );
    let err = String::from_utf8_lossy(&limited.stderr);
    assert!(err.contains("AccessDenied"), "{err}");
}

/// With a key allowed only the collector policy (no `s3:ListBucket`), listing the bucket
/// is refused: exit 2, and the message names the permission.
pub(crate) fn check_denied(url: &str, tmp: &Path, key_id: &str, secret: &str) {
    let keys = tmp.join("trail-keys.json");
    std::fs::write(&keys, keys_json(key(), FP)).unwrap();
    let o = crate::phiward(
        &[
            "trail",
            "verify",
            "s3://mercy-cloudtrail-logs/",
            "--public-keys",
            keys.to_str().unwrap(),
            "--endpoint-url",
            url,
        ],
        key_id,
        secret,
        tmp,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("AccessDenied") && err.contains("s3:ListBucket"),
        "{err}"
    );
}
