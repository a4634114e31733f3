//! Integrity validation over signed digest chains built here with a generated RSA key,
//! tampered with in every way `trail verify` reports.

#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use phiward_trail::digest::{hex, sha256_hex, PublicKeys};
use phiward_trail::verify::{verify, DirSource, Finding, Report};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Sha256;

const ACCT: &str = "111122223333";
const FP: &str = "0123456789abcdef0123456789abcdef";

fn key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).expect("key generation")
    })
}

fn other_key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).expect("key generation")
    })
}

fn keys_json(k: &rsa::RsaPrivateKey, fingerprint: &str) -> Vec<u8> {
    keys_json_until(k, fingerprint, serde_json::json!("2025-01-01T00:00:00Z"))
}

fn keys_json_until(k: &rsa::RsaPrivateKey, fingerprint: &str, until: serde_json::Value) -> Vec<u8> {
    use base64::Engine as _;
    let der = k.to_public_key().to_pkcs1_der().expect("der");
    let value = base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
    serde_json::to_vec(&serde_json::json!({"PublicKeyList": [{
        "Value": value, "ValidityStartTime": "2024-01-01T00:00:00Z",
        "ValidityEndTime": until, "Fingerprint": fingerprint}]}))
    .expect("json")
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn write(root: &Path, key: &str, bytes: &[u8]) {
    let p = root.join(key);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

fn sign(k: &rsa::RsaPrivateKey, digest: &serde_json::Value, raw: &[u8]) -> String {
    let prev = digest["previousDigestSignature"].as_str().unwrap_or("null");
    let s = format!(
        "{}\n{}/{}\n{}\n{}",
        digest["digestEndTime"].as_str().expect("end"),
        digest["digestS3Bucket"].as_str().expect("bucket"),
        digest["digestS3Object"].as_str().expect("object"),
        sha256_hex(raw),
        prev
    );
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.clone());
    hex(&signer.sign(s.as_bytes()).to_vec())
}

struct Chain {
    dir: tempfile::TempDir,
    sigs: Vec<(String, String)>,
    digests: Vec<String>,
    logs: Vec<String>,
}

fn digest_key(hour: u32) -> String {
    format!(
        "AWSLogs/{ACCT}/CloudTrail-Digest/us-east-1/2024/05/01/{ACCT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T{:02}0000Z.json.gz",
        hour + 1
    )
}

fn log_key(hour: u32, n: u32) -> String {
    format!("AWSLogs/{ACCT}/CloudTrail/us-east-1/2024/05/01/{ACCT}_CloudTrail_us-east-1_20240501T{hour:02}{:02}Z_f{n}.json.gz", 10 + n)
}

/// Three hourly digests with two log files each. `restart_at` starts a new chain (null
/// previous signature) at that digest; `skip_hour` leaves a one-hour hole before it.
fn build(restart_at: Option<u32>, skip_hour: Option<u32>) -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let root = root.as_path();
    let mut prev: Option<(String, String, String)> = None; // key, hash, signature
    let mut chain = Chain {
        dir,
        sigs: Vec::new(),
        digests: Vec::new(),
        logs: Vec::new(),
    };
    for h in 0..3u32 {
        let hour = if skip_hour.is_some_and(|s| h >= s) {
            h + 1
        } else {
            h
        };
        let mut files = Vec::new();
        for n in 0..2 {
            let lk = log_key(hour, n);
            let body = format!(
                r#"{{"Records":[{{"eventTime":"2024-05-01T{hour:02}:1{n}:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com"}}]}}"#
            );
            write(root, &lk, &gz(body.as_bytes()));
            files.push(
                serde_json::json!({"s3Bucket": "trail-bucket", "s3Object": format!("prefix/{lk}"),
                "hashValue": sha256_hex(body.as_bytes()), "hashAlgorithm": "SHA-256"}),
            );
            chain.logs.push(lk);
        }
        let dk = digest_key(hour);
        let restart = restart_at == Some(h);
        let (pk, ph, ps) = match (&prev, restart) {
            (Some((k, hsh, s)), false) => (
                serde_json::json!(format!("prefix/{k}")),
                serde_json::json!(hsh),
                serde_json::json!(s),
            ),
            _ => (
                serde_json::Value::Null,
                serde_json::Value::Null,
                serde_json::Value::Null,
            ),
        };
        let d = serde_json::json!({
            "awsAccountId": ACCT,
            "digestStartTime": format!("2024-05-01T{hour:02}:00:00Z"),
            "digestEndTime": format!("2024-05-01T{:02}:00:00Z", hour + 1),
            "digestS3Bucket": "trail-bucket",
            "digestS3Object": format!("prefix/{dk}"),
            "digestPublicKeyFingerprint": FP,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "previousDigestS3Bucket": if pk.is_null() { serde_json::Value::Null } else { serde_json::json!("trail-bucket") },
            "previousDigestS3Object": pk,
            "previousDigestHashValue": ph,
            "previousDigestHashAlgorithm": "SHA-256",
            "previousDigestSignature": ps,
            "logFiles": files,
        });
        let raw = serde_json::to_vec(&d).expect("json");
        let sig = sign(key(), &d, &raw);
        write(root, &dk, &gz(&raw));
        chain.sigs.push((format!("prefix/{dk}"), sig.clone()));
        prev = Some((dk.clone(), sha256_hex(&raw), sig));
        chain.digests.push(dk);
    }
    chain
}

impl Chain {
    fn sig_file(&self) -> PathBuf {
        let p = self.dir.path().join("signatures.tsv");
        let mut text = String::from("# key\tsignature\n");
        for (k, s) in &self.sigs {
            text.push_str(&format!("{k}\t{s}\n"));
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    fn run_with(&self, keys: &[u8]) -> Report {
        let source = DirSource::new(self.dir.path())
            .with_signatures(&self.sig_file())
            .expect("signatures");
        verify(&source, &PublicKeys::parse(keys).expect("keys")).expect("verify")
    }

    fn run(&self) -> Report {
        self.run_with(&keys_json(key(), FP))
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.path().join(key)
    }
}

fn kinds(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            serde_json::to_value(f).expect("json")["kind"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn an_intact_chain_verifies() {
    let c = build(None, None);
    let r = c.run();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(
        (r.digests, r.digests_valid, r.logs, r.logs_valid),
        (3, 3, 6, 6)
    );
    assert_eq!(r.from.as_deref(), Some("2024-05-01T00:00:00Z"));
    assert_eq!(r.to.as_deref(), Some("2024-05-01T03:00:00Z"));
}

#[test]
fn a_modified_log_file_is_reported() {
    let c = build(None, None);
    std::fs::write(c.path(&c.logs[2]), gz(br#"{"Records":[]}"#)).expect("write");
    let r = c.run();
    assert_eq!(
        r.findings,
        [Finding::LogModified {
            log: c.logs[2].clone(),
            digest: c.digests[1].clone()
        }]
    );
}

#[test]
fn a_missing_log_file_is_reported() {
    let c = build(None, None);
    std::fs::remove_file(c.path(&c.logs[0])).expect("rm");
    let r = c.run();
    assert_eq!(
        r.findings,
        [Finding::LogMissing {
            log: c.logs[0].clone(),
            digest: c.digests[0].clone()
        }]
    );
}

#[test]
fn an_extra_log_file_is_reported_and_a_new_one_is_pending() {
    let c = build(None, None);
    let extra = log_key(1, 7);
    write(c.dir.path(), &extra, &gz(b"{\"Records\":[]}"));
    let newer = log_key(5, 1);
    write(c.dir.path(), &newer, &gz(b"{\"Records\":[]}"));
    let r = c.run();
    assert_eq!(r.findings, [Finding::LogExtra { log: extra }]);
    assert_eq!(r.logs_pending, 1);
}

#[test]
fn a_modified_digest_fails_its_signature_and_the_next_link() {
    let c = build(None, None);
    let p = c.path(&c.digests[1]);
    let raw = {
        use std::io::Read as _;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).expect("open"))
            .read_to_string(&mut s)
            .expect("gunzip");
        s
    };
    // Drop the second log file's entry, as someone hiding it would.
    let mut d: serde_json::Value = serde_json::from_str(&raw).expect("json");
    d["logFiles"].as_array_mut().expect("array").pop();
    std::fs::write(&p, gz(&serde_json::to_vec(&d).expect("json"))).expect("write");
    let r = c.run();
    assert_eq!(kinds(&r), ["bad_signature", "digest_modified", "log_extra"]);
    assert!(r.findings.contains(&Finding::DigestModified {
        digest: c.digests[1].clone(),
        referenced_by: c.digests[2].clone()
    }));
}

#[test]
fn a_digest_re_signed_with_another_key_is_caught() {
    let c = build(None, None);
    let p = c.path(&c.digests[2]);
    let mut d: serde_json::Value = {
        use std::io::Read as _;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).expect("open"))
            .read_to_string(&mut s)
            .expect("gunzip");
        serde_json::from_str(&s).expect("json")
    };
    d["logFiles"] = serde_json::json!([]);
    let raw = serde_json::to_vec(&d).expect("json");
    let forged = sign(other_key(), &d, &raw);
    std::fs::write(&p, gz(&raw)).expect("write");
    let mut c = c;
    c.sigs[2].1 = forged;
    let r = c.run();
    assert_eq!(kinds(&r), ["bad_signature", "log_extra", "log_extra"]);
}

#[test]
fn a_missing_digest_is_reported() {
    let c = build(None, None);
    std::fs::remove_file(c.path(&c.digests[1])).expect("rm");
    let r = c.run();
    assert!(r.findings.contains(&Finding::DigestMissing {
        digest: format!("prefix/{}", c.digests[1]),
        referenced_by: c.digests[2].clone()
    }));
    // Its log files are no longer listed by any digest, and its hour is unverified.
    assert_eq!(
        kinds(&r),
        ["digest_missing", "gap", "log_extra", "log_extra"]
    );
    assert!(r.findings.contains(&Finding::Gap {
        chain: format!("AWSLogs/{ACCT}/{ACCT}_CloudTrail-Digest_us-east-1_trail_us-east-1"),
        from: "2024-05-01T01:00:00Z".into(),
        to: "2024-05-01T02:00:00Z".into(),
    }));
}

#[test]
fn a_swapped_signature_breaks_the_chain() {
    let mut c = build(None, None);
    c.sigs[1].1 = c.sigs[0].1.clone();
    let r = c.run();
    assert_eq!(kinds(&r), ["bad_signature", "chain_broken"]);
    assert!(r.findings.contains(&Finding::ChainBroken {
        digest: c.digests[2].clone(),
        previous: c.digests[1].clone()
    }));
}

#[test]
fn missing_signatures_and_unknown_keys_are_reported() {
    let mut c = build(None, None);
    c.sigs.remove(0);
    let r = c.run();
    assert_eq!(
        r.findings,
        [Finding::SignatureMissing {
            digest: c.digests[0].clone()
        }]
    );
    let r = c.run_with(&keys_json(key(), "ffff"));
    assert_eq!(
        kinds(&r),
        ["signature_missing", "unknown_key", "unknown_key"]
    );
}

#[test]
fn gaps_and_restarted_chains_are_reported() {
    let c = build(None, Some(2));
    let r = c.run();
    assert_eq!(
        r.findings,
        [Finding::Gap {
            chain: format!("AWSLogs/{ACCT}/{ACCT}_CloudTrail-Digest_us-east-1_trail_us-east-1"),
            from: "2024-05-01T02:00:00Z".into(),
            to: "2024-05-01T03:00:00Z".into(),
        }]
    );
    let c = build(Some(1), None);
    let r = c.run();
    assert_eq!(kinds(&r), ["gap"]);
}

#[test]
fn moved_and_unreadable_digests_are_reported() {
    let c = build(None, None);
    let moved = c.digests[0].replace("2024/05/01", "2024/05/02");
    std::fs::create_dir_all(c.path(&moved).parent().expect("parent")).expect("mkdir");
    std::fs::rename(c.path(&c.digests[0]), c.path(&moved)).expect("mv");
    let r = c.run();
    assert!(
        kinds(&r).contains(&"digest_moved".to_string()),
        "{:?}",
        r.findings
    );
    let bytes = std::fs::read(c.path(&c.digests[1])).expect("read");
    std::fs::write(c.path(&c.digests[1]), &bytes[..bytes.len() / 2]).expect("truncate");
    let r = c.run();
    assert!(r
        .findings
        .iter()
        .any(|f| matches!(f, Finding::DigestUnreadable { digest, .. } if *digest == c.digests[1])));
}

#[test]
fn sidecar_signatures_are_read() {
    let c = build(None, None);
    for (k, s) in &c.sigs {
        let local = k.trim_start_matches("prefix/");
        std::fs::write(c.path(&format!("{local}.sig")), s).expect("write");
    }
    let source = DirSource::new(c.dir.path());
    let r = verify(
        &source,
        &PublicKeys::parse(&keys_json(key(), FP)).expect("keys"),
    )
    .expect("verify");
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.digests_valid, 3);
}

#[test]
fn digests_signed_outside_the_keys_validity_are_reported() {
    let c = build(None, None);
    // Epoch seconds, as `cli_timestamp_format = none` prints them: 2024-05-01T01:30:00Z.
    let r = c.run_with(&keys_json_until(
        key(),
        FP,
        serde_json::json!(1_714_527_000),
    ));
    assert_eq!(kinds(&r), ["key_not_valid", "key_not_valid"]);
    assert_eq!(r.digests_valid, 3);
    let r = c.run_with(&keys_json_until(
        key(),
        FP,
        serde_json::json!("2024-05-01T03:00:00+00:00"),
    ));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the digests and log files hold, verifying reports and does not panic.
    #[test]
    fn arbitrary_objects_never_panic(
        digest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        log in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        name in "[a-zA-Z0-9_é]{0,20}",
        gzip in proptest::prelude::any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = if gzip { gz(&digest) } else { digest.clone() };
        write(dir.path(), &format!("AWSLogs/1/CloudTrail-Digest/r/2024/01/01/1_CloudTrail-Digest_r_t_r_{name}.json.gz"), &d);
        write(dir.path(), &format!("AWSLogs/1/CloudTrail/r/2024/01/01/1_CloudTrail_r_{name}_x.json.gz"), &log);
        let r = verify(&DirSource::new(dir.path()), &PublicKeys::default()).expect("verify");
        proptest::prop_assert_eq!(r.digests, 1);
        proptest::prop_assert!(!r.findings.is_empty());
    }
}
