//! A signed CloudTrail digest chain built with a generated RSA key, for the verifier's
//! tests here and `phiward trail verify s3://...` against moto (crates/cli/tests).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use phiward_trail::digest::{hex, sha256_hex};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Sha256;

pub const ACCT: &str = "111122223333";
pub const FP: &str = "0123456789abcdef0123456789abcdef";

pub fn key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).expect("key generation")
    })
}

pub fn other_key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).expect("key generation")
    })
}

pub fn keys_json(k: &rsa::RsaPrivateKey, fingerprint: &str) -> Vec<u8> {
    keys_json_until(k, fingerprint, serde_json::json!("2025-01-01T00:00:00Z"))
}

pub fn keys_json_until(
    k: &rsa::RsaPrivateKey,
    fingerprint: &str,
    until: serde_json::Value,
) -> Vec<u8> {
    use base64::Engine as _;
    let der = k.to_public_key().to_pkcs1_der().expect("der");
    let value = base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
    serde_json::to_vec(&serde_json::json!({"PublicKeyList": [{
        "Value": value, "ValidityStartTime": "2024-01-01T00:00:00Z",
        "ValidityEndTime": until, "Fingerprint": fingerprint}]}))
    .expect("json")
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

pub fn write(root: &Path, key: &str, bytes: &[u8]) {
    let p = root.join(key);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

pub fn sign(k: &rsa::RsaPrivateKey, digest: &serde_json::Value, raw: &[u8]) -> String {
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

pub struct Chain {
    pub dir: tempfile::TempDir,
    pub sigs: Vec<(String, String)>,
    pub digests: Vec<String>,
    pub logs: Vec<String>,
}

pub fn digest_key(hour: u32) -> String {
    format!(
        "AWSLogs/{ACCT}/CloudTrail-Digest/us-east-1/2024/05/01/{ACCT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T{:02}0000Z.json.gz",
        hour + 1
    )
}

pub fn log_key(hour: u32, n: u32) -> String {
    format!("AWSLogs/{ACCT}/CloudTrail/us-east-1/2024/05/01/{ACCT}_CloudTrail_us-east-1_20240501T{hour:02}{:02}Z_f{n}.json.gz", 10 + n)
}

/// Three hourly digests with two log files each. `restart_at` starts a new chain (null
/// previous signature) at that digest; `skip_hour` leaves a one-hour hole before it.
pub fn build(restart_at: Option<u32>, skip_hour: Option<u32>) -> Chain {
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
    pub fn sig_file(&self) -> PathBuf {
        let p = self.dir.path().join("signatures.tsv");
        let mut text = String::from("# key\tsignature\n");
        for (k, s) in &self.sigs {
            text.push_str(&format!("{k}\t{s}\n"));
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.path().join(key)
    }
}
