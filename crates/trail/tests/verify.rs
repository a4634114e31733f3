//! Integrity validation over signed digest chains built here with a generated RSA key,
//! tampered with in every way `trail verify` reports.

#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

mod chain;

use chain::*;
use phiward_trail::digest::PublicKeys;
use phiward_trail::verify::{verify, DirSource, Finding, Report};

/// Verifies the chain's folder with its signatures file.
trait Run {
    fn run_with(&self, keys: &[u8]) -> Report;
    fn run(&self) -> Report;
}

impl Run for Chain {
    fn run_with(&self, keys: &[u8]) -> Report {
        let source = DirSource::new(self.dir.path())
            .with_signatures(&self.sig_file())
            .expect("signatures");
        verify(&source, &PublicKeys::parse(keys).expect("keys")).expect("verify")
    }

    fn run(&self) -> Report {
        self.run_with(&keys_json(key(), FP))
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

/// A source whose store refuses one object (S3's AccessDenied, a KMS key out of reach).
struct Refusing<'a> {
    inner: DirSource,
    refused: &'a str,
}

impl phiward_trail::verify::ObjectSource for Refusing<'_> {
    fn keys(&self) -> Result<Vec<String>, phiward_trail::verify::SourceError> {
        self.inner.keys()
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, phiward_trail::verify::SourceError> {
        if key == self.refused {
            return Err(phiward_trail::verify::SourceError::Object {
                key: key.to_string(),
                detail: "AccessDenied: Access Denied".to_string(),
            });
        }
        self.inner.get(key)
    }

    fn signature(&self, key: &str) -> Option<String> {
        self.inner.signature(key)
    }
}

#[test]
fn a_log_file_that_cannot_be_read_is_unreadable_not_modified() {
    let c = build(None, None);
    let source = Refusing {
        inner: DirSource::new(c.dir.path())
            .with_signatures(&c.sig_file())
            .expect("signatures"),
        refused: &c.logs[3],
    };
    let r = verify(
        &source,
        &PublicKeys::parse(&keys_json(key(), FP)).expect("keys"),
    )
    .expect("verify");
    assert_eq!(
        r.findings,
        [Finding::LogUnreadable {
            log: c.logs[3].clone(),
            digest: c.digests[1].clone(),
            reason: format!("cannot read `{}`: AccessDenied: Access Denied", c.logs[3]),
        }]
    );
    assert_eq!(r.logs_valid, 5);
}
