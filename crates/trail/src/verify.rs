//! Log-integrity validation offline, as `aws cloudtrail validate-logs` does online: walk
//! each digest chain, check every digest's signature and link, and every log file's hash.
//!
//! The objects come from an [`ObjectSource`]: a local copy ([`DirSource`]), or a bucket
//! read with the SDK (`phiward_collect::s3source`), signatures included.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::digest::{sha256_hex, signature_valid, DigestFile, PublicKeys};
pub use crate::objects::{logical_key, DirSource, ObjectSource, SourceError};
use crate::time;

/// One integrity problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// A digest is not gzip, not JSON, or lacks required fields.
    DigestUnreadable {
        /// The digest's key.
        digest: String,
        /// Why the file could not be checked.
        reason: String,
    },
    /// A digest names another key than where it is.
    DigestMoved {
        /// Where it is.
        digest: String,
        /// Where it says it is.
        names: String,
    },
    /// No signature is known for a digest.
    SignatureMissing {
        /// The digest.
        digest: String,
    },
    /// The digest names a key that is not among the public keys.
    UnknownKey {
        /// The digest.
        digest: String,
        /// The fingerprint it names.
        fingerprint: String,
    },
    /// The digest names a key whose validity window (`list-public-keys`) does not hold
    /// the digest's end time.
    KeyNotValid {
        /// The digest.
        digest: String,
        /// The fingerprint it names.
        fingerprint: String,
    },
    /// The signature does not verify: the digest was modified or forged.
    BadSignature {
        /// The digest.
        digest: String,
    },
    /// A digest the chain references is missing.
    DigestMissing {
        /// The missing digest.
        digest: String,
        /// The digest that references it.
        referenced_by: String,
    },
    /// A digest's content differs from the hash the next digest recorded.
    DigestModified {
        /// The modified digest.
        digest: String,
        /// The digest that recorded its hash.
        referenced_by: String,
    },
    /// A digest's recorded previous signature is not the previous digest's signature.
    ChainBroken {
        /// The digest.
        digest: String,
        /// The previous digest.
        previous: String,
    },
    /// Time not covered between two consecutive digests of a chain.
    Gap {
        /// The chain (digest name without its timestamp).
        chain: String,
        /// End of the earlier digest.
        from: String,
        /// Start of the later one.
        to: String,
    },
    /// A log file a digest lists is missing.
    LogMissing {
        /// The log file.
        log: String,
        /// The digest listing it.
        digest: String,
    },
    /// A log file could not be read (access denied, an I/O error): not known modified.
    LogUnreadable {
        /// The log file.
        log: String,
        /// The digest listing it.
        digest: String,
        /// Why the link does not hold.
        reason: String,
    },
    /// A log file's content differs from its digest's hash.
    LogModified {
        /// The log file.
        log: String,
        /// The digest listing it.
        digest: String,
    },
    /// A log file in the digests' time range that no digest lists.
    LogExtra {
        /// The log file.
        log: String,
    },
}

/// The answer to `trail verify`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Digest files read.
    pub digests: usize,
    /// Digests whose signature verified.
    pub digests_valid: usize,
    /// Log files listed by digests.
    pub logs: usize,
    /// Of those, present with the right hash.
    pub logs_valid: usize,
    /// Log files newer than every digest of their account and region (not yet digested).
    pub logs_pending: usize,
    /// Earliest time covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Latest time covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Problems, in chain order.
    pub findings: Vec<Finding>,
    /// The log files present with the hash their digest recorded, each with that digest's
    /// key (for callers keeping verified files only, `phiward trail compact
    /// --verified-only`; not printed).
    #[serde(skip)]
    pub valid_logs: Vec<(String, String)>,
}

struct Loaded {
    key: String,
    raw: Vec<u8>,
    file: DigestFile,
    signature: Option<String>,
    start: Option<time::Epoch>,
    end: Option<time::Epoch>,
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| format!("not valid gzip: {e}"))?;
    Ok(out)
}

fn is_digest(key: &str) -> bool {
    key.contains("/CloudTrail-Digest/") && key.ends_with(".json.gz")
}

fn is_log(key: &str) -> bool {
    key.contains("/CloudTrail/") && key.ends_with(".json.gz")
}

/// The chain a digest belongs to: its name without the timestamp
/// (`ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION`), with the account folder.
fn chain_of(key: &str) -> Option<String> {
    let logical = logical_key(key);
    let (dir, name) = logical.rsplit_once('/')?;
    let base = name.strip_suffix(".json.gz")?;
    if base.ends_with("_backfill") {
        return None;
    }
    let (chain, _ts) = base.rsplit_once('_')?;
    let root = dir.split("/CloudTrail-Digest/").next().unwrap_or(dir);
    Some(format!("{root}/{chain}"))
}

/// `ACCOUNT/CloudTrail[-Digest]/REGION` of a key, to relate logs to digests.
fn scope_of(key: &str) -> Option<String> {
    let logical = logical_key(key);
    let (root, rest) = logical
        .split_once("/CloudTrail-Digest/")
        .or_else(|| logical.split_once("/CloudTrail/"))?;
    let region = rest.split('/').next()?;
    Some(format!("{root}/{region}"))
}

/// The delivery time in a log file's name (`..._20240501T1005Z_...`).
fn log_time(key: &str) -> Option<time::Epoch> {
    let name = key.rsplit('/').next()?;
    name.split('_').find_map(|p| {
        let b = p.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
        if b.len() == 14 && b[8] == b'T' && b[13] == b'Z' && digits(0..8) && digits(9..13) {
            time::parse(&format!(
                "{}-{}-{}T{}:{}:00Z",
                &p[0..4],
                &p[4..6],
                &p[6..8],
                &p[9..11],
                &p[11..13]
            ))
        } else {
            None
        }
    })
}

fn load_digest(source: &dyn ObjectSource, key: &str) -> Result<Loaded, String> {
    let bytes = source.get(key).map_err(|e| e.to_string())?;
    let raw = gunzip(&bytes)?;
    let file: DigestFile =
        serde_json::from_slice(&raw).map_err(|e| format!("not a digest file: {e}"))?;
    if file.digest_end_time.is_empty() || file.digest_s3_object.is_empty() {
        return Err("not a digest file: `digestEndTime` or `digestS3Object` missing".into());
    }
    Ok(Loaded {
        key: key.to_string(),
        start: time::parse(&file.digest_start_time),
        end: time::parse(&file.digest_end_time),
        signature: source.signature(key),
        raw,
        file,
    })
}

/// Validates every digest chain and log file of `source`. Work runs in parallel on the
/// current rayon pool.
pub fn verify(source: &dyn ObjectSource, keys: &PublicKeys) -> Result<Report, SourceError> {
    let all = source.keys()?;
    let present: HashSet<&str> = all.iter().map(|k| logical_key(k)).collect();
    let by_logical: HashMap<&str, &str> =
        all.iter().map(|k| (logical_key(k), k.as_str())).collect();
    let mut report = Report::default();
    let loaded: Vec<(String, Result<Loaded, String>)> = all
        .par_iter()
        .filter(|k| is_digest(k))
        .map(|k| (k.clone(), load_digest(source, k)))
        .collect();
    report.digests = loaded.len();
    let mut digests: Vec<Loaded> = Vec::new();
    for (key, l) in loaded {
        match l {
            Ok(l) => digests.push(l),
            Err(reason) => report.findings.push(Finding::DigestUnreadable {
                digest: key,
                reason,
            }),
        }
    }
    // Signatures and placement.
    for d in &digests {
        if logical_key(&d.file.digest_s3_object) != logical_key(&d.key) {
            report.findings.push(Finding::DigestMoved {
                digest: d.key.clone(),
                names: d.file.digest_s3_object.clone(),
            });
        }
        let Some(sig) = &d.signature else {
            report.findings.push(Finding::SignatureMissing {
                digest: d.key.clone(),
            });
            continue;
        };
        let Some(key) = keys.get(&d.file.digest_public_key_fingerprint) else {
            report.findings.push(Finding::UnknownKey {
                digest: d.key.clone(),
                fingerprint: d.file.digest_public_key_fingerprint.clone(),
            });
            continue;
        };
        if let Some(end) = d.end {
            if !keys.valid_at(&d.file.digest_public_key_fingerprint, end) {
                report.findings.push(Finding::KeyNotValid {
                    digest: d.key.clone(),
                    fingerprint: d.file.digest_public_key_fingerprint.clone(),
                });
            }
        }
        if d.file.digest_signature_algorithm == "SHA256withRSA"
            && signature_valid(key, &d.file, &d.raw, sig)
        {
            report.digests_valid += 1;
        } else {
            report.findings.push(Finding::BadSignature {
                digest: d.key.clone(),
            });
        }
    }
    chain_links(&digests, &mut report);
    log_files(source, &digests, &all, &present, &by_logical, &mut report);
    report.from = digests
        .iter()
        .filter_map(|d| d.start)
        .min()
        .map(time::format);
    report.to = digests.iter().filter_map(|d| d.end).max().map(time::format);
    Ok(report)
}

fn chain_links(digests: &[Loaded], report: &mut Report) {
    let by_key: HashMap<&str, &Loaded> = digests.iter().map(|d| (logical_key(&d.key), d)).collect();
    let mut chains: BTreeMap<String, Vec<&Loaded>> = BTreeMap::new();
    for d in digests {
        if let Some(c) = chain_of(&d.key) {
            chains.entry(c).or_default().push(d);
        }
    }
    for (chain, mut ds) in chains {
        ds.sort_by(|a, b| (a.end, &a.key).cmp(&(b.end, &b.key)));
        for (i, d) in ds.iter().enumerate() {
            let before = i.checked_sub(1).and_then(|j| ds.get(j));
            match d.file.previous_digest_s3_object.as_deref() {
                Some(prev_key) => match by_key.get(logical_key(prev_key)) {
                    None => {
                        report.findings.push(Finding::DigestMissing {
                            digest: prev_key.to_string(),
                            referenced_by: d.key.clone(),
                        });
                        // Nothing vouches for the time since the last digest present.
                        let from = before.map_or(d.start, |b| b.end);
                        if let (Some(from), Some(to)) = (from, d.start) {
                            if to > from {
                                report.findings.push(Finding::Gap {
                                    chain: chain.clone(),
                                    from: time::format(from),
                                    to: time::format(to),
                                });
                            }
                        }
                    }
                    Some(p) => {
                        let hash = d.file.previous_digest_hash_value.as_deref().unwrap_or("");
                        if !hash.eq_ignore_ascii_case(&sha256_hex(&p.raw)) {
                            report.findings.push(Finding::DigestModified {
                                digest: p.key.clone(),
                                referenced_by: d.key.clone(),
                            });
                        }
                        if let Some(psig) = &p.signature {
                            let recorded =
                                d.file.previous_digest_signature.as_deref().unwrap_or("");
                            if !recorded.eq_ignore_ascii_case(psig) {
                                report.findings.push(Finding::ChainBroken {
                                    digest: d.key.clone(),
                                    previous: p.key.clone(),
                                });
                            }
                        }
                        if let (Some(pe), Some(ds)) = (p.end, d.start) {
                            if ds > pe {
                                report.findings.push(Finding::Gap {
                                    chain: chain.clone(),
                                    from: time::format(pe),
                                    to: time::format(ds),
                                });
                            }
                        }
                    }
                },
                // A chain starts again when validation or logging was off for a while.
                None => {
                    if let Some(b) = before {
                        report.findings.push(Finding::Gap {
                            chain: chain.clone(),
                            from: b.end.map(time::format).unwrap_or_default(),
                            to: d.start.map(time::format).unwrap_or_default(),
                        });
                    }
                }
            }
        }
    }
}

fn log_files(
    source: &dyn ObjectSource,
    digests: &[Loaded],
    all: &[String],
    present: &HashSet<&str>,
    by_logical: &HashMap<&str, &str>,
    report: &mut Report,
) {
    let mut listed: Vec<(&str, &str, &str)> = Vec::new();
    for d in digests {
        for l in &d.file.log_files {
            listed.push((
                logical_key(&l.s3_object),
                l.hash_value.as_str(),
                d.key.as_str(),
            ));
        }
    }
    report.logs = listed.len();
    let results: Vec<Option<Finding>> = listed
        .par_iter()
        .map(|&(log, hash, digest)| {
            let Some(key) = by_logical.get(log).filter(|_| present.contains(log)) else {
                return Some(Finding::LogMissing {
                    log: log.to_string(),
                    digest: digest.to_string(),
                });
            };
            let bytes = match source.get(key) {
                Ok(b) => b,
                Err(e) => {
                    return Some(Finding::LogUnreadable {
                        log: log.to_string(),
                        digest: digest.to_string(),
                        reason: e.to_string(),
                    })
                }
            };
            let ok = gunzip(&bytes)
                .ok()
                .is_some_and(|raw| sha256_hex(&raw).eq_ignore_ascii_case(hash));
            (!ok).then(|| Finding::LogModified {
                log: log.to_string(),
                digest: digest.to_string(),
            })
        })
        .collect();
    for (r, (log, _, digest)) in results.into_iter().zip(&listed) {
        match r {
            Some(f) => report.findings.push(f),
            None => {
                report.logs_valid += 1;
                report
                    .valid_logs
                    .push(((*log).to_string(), (*digest).to_string()));
            }
        }
    }
    let listed_keys: HashSet<&str> = listed.iter().map(|l| l.0).collect();
    let mut newest: HashMap<String, time::Epoch> = HashMap::new();
    for d in digests {
        if let (Some(scope), Some(end)) = (scope_of(&d.key), d.end) {
            let e = newest.entry(scope).or_insert(end);
            *e = (*e).max(end);
        }
    }
    for k in all.iter().filter(|k| is_log(k)) {
        let lk = logical_key(k);
        if listed_keys.contains(lk) {
            continue;
        }
        let covered_until = scope_of(k).and_then(|s| newest.get(&s).copied());
        match (covered_until, log_time(k)) {
            (Some(until), Some(t)) if t < until => report.findings.push(Finding::LogExtra {
                log: lk.to_string(),
            }),
            _ => report.logs_pending += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_chains() {
        assert_eq!(logical_key("prefix/AWSLogs/1/x"), "AWSLogs/1/x");
        assert_eq!(logical_key("AWSLogs/1/x"), "AWSLogs/1/x");
        let d = "p/AWSLogs/1/CloudTrail-Digest/us-east-1/2024/05/01/1_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T010000Z.json.gz";
        assert_eq!(
            chain_of(d).as_deref(),
            Some("AWSLogs/1/1_CloudTrail-Digest_us-east-1_t_us-east-1")
        );
        assert_eq!(scope_of(d).as_deref(), Some("AWSLogs/1/us-east-1"));
        let l = "AWSLogs/1/CloudTrail/us-east-1/2024/05/01/1_CloudTrail_us-east-1_20240501T0105Z_abc.json.gz";
        assert_eq!(scope_of(l).as_deref(), Some("AWSLogs/1/us-east-1"));
        assert_eq!(log_time(l), time::parse("2024-05-01T01:05:00Z"));
        assert_eq!(log_time("x_2024_y.json.gz"), None);
        assert_eq!(log_time("x_202é050T1234Z_y.json.gz"), None);
        assert_eq!(log_time("x_2024050\u{e9}T1234Z_y.json.gz"), None);
    }
}
