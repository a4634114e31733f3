//! CloudTrail digest files, the public keys that sign them, and the signature check.
//!
//! AWS: CloudTrail User Guide, "CloudTrail digest file structure" and "Custom
//! implementations of CloudTrail log file integrity validation": a digest lists the log
//! files delivered in its hour with the hex SHA-256 of each one's uncompressed content, and
//! names the previous digest with the hex SHA-256 of its uncompressed content and its
//! signature. The digest's own signature (object metadata `x-amz-meta-signature`, hex) is
//! RSA PKCS#1 v1.5 over SHA-256 of the data-signing string
//! `digestEndTime \n digestS3Bucket/digestS3Object \n hex(sha256(uncompressed digest)) \n
//! previousDigestSignature`, the last being `null` for a chain's first digest. The public
//! keys (`aws cloudtrail list-public-keys`) are base64 DER PKCS#1 `RSAPublicKey`s, chosen
//! by the fingerprint the digest names.

use std::collections::HashMap;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::signature::Verifier as _;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

/// Why the public keys could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not the JSON `aws cloudtrail list-public-keys` prints.
    #[error("the public keys are not the output of `aws cloudtrail list-public-keys`: {0}")]
    Format(String),
    /// A key's value is not base64 DER of a PKCS#1 RSA public key.
    #[error("public key `{fingerprint}` is not a base64 PKCS#1 RSA public key")]
    Key {
        /// The key's fingerprint.
        fingerprint: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyList {
    public_key_list: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyEntry {
    value: String,
    fingerprint: String,
    #[serde(default)]
    validity_start_time: Option<serde_json::Value>,
    #[serde(default)]
    validity_end_time: Option<serde_json::Value>,
}

/// A timestamp as the AWS CLI prints it: ISO 8601, or seconds since the epoch (its
/// `cli_timestamp_format` decides).
fn cli_time(v: Option<&serde_json::Value>) -> Option<crate::time::Epoch> {
    match v? {
        serde_json::Value::String(s) => crate::time::parse(s),
        serde_json::Value::Number(n) => n.as_f64().map(|f| f as crate::time::Epoch),
        _ => None,
    }
}

/// A public key and the times it was in use for, when the key list says.
#[derive(Clone, Debug)]
struct Key {
    key: rsa::RsaPublicKey,
    from: Option<crate::time::Epoch>,
    until: Option<crate::time::Epoch>,
}

/// CloudTrail's public keys by fingerprint.
#[derive(Clone, Debug, Default)]
pub struct PublicKeys {
    keys: HashMap<String, Key>,
}

impl PublicKeys {
    /// Parses the output of `aws cloudtrail list-public-keys` (JSON).
    pub fn parse(json: &[u8]) -> Result<PublicKeys, KeyError> {
        let list: KeyList =
            serde_json::from_slice(json).map_err(|e| KeyError::Format(e.to_string()))?;
        let mut keys = HashMap::new();
        for k in list.public_key_list {
            let der = base64::engine::general_purpose::STANDARD
                .decode(k.value.trim())
                .map_err(|_| KeyError::Key {
                    fingerprint: k.fingerprint.clone(),
                })?;
            let key = rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|_| KeyError::Key {
                fingerprint: k.fingerprint.clone(),
            })?;
            let (from, until) = (
                cli_time(k.validity_start_time.as_ref()),
                cli_time(k.validity_end_time.as_ref()),
            );
            keys.insert(k.fingerprint.to_ascii_lowercase(), Key { key, from, until });
        }
        Ok(PublicKeys { keys })
    }

    /// The key with this fingerprint (hex, any case).
    pub fn get(&self, fingerprint: &str) -> Option<&rsa::RsaPublicKey> {
        self.keys
            .get(&fingerprint.to_ascii_lowercase())
            .map(|k| &k.key)
    }

    /// Whether the key was in use at `t`; `true` when the key list gives no window.
    pub fn valid_at(&self, fingerprint: &str, t: crate::time::Epoch) -> bool {
        self.keys
            .get(&fingerprint.to_ascii_lowercase())
            .is_some_and(|k| k.from.is_none_or(|f| t >= f) && k.until.is_none_or(|u| t <= u))
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// One log file a digest covers.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LogEntry {
    /// The log file's bucket.
    pub s3_bucket: String,
    /// The log file's key.
    pub s3_object: String,
    /// Hex SHA-256 of its uncompressed content.
    pub hash_value: String,
    /// `SHA-256`.
    pub hash_algorithm: String,
}

/// A digest file's content.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DigestFile {
    /// The account the digest is for.
    pub aws_account_id: String,
    /// Start of the hour it covers.
    pub digest_start_time: String,
    /// End of the hour it covers.
    pub digest_end_time: String,
    /// The bucket it was delivered to.
    #[serde(rename = "digestS3Bucket")]
    pub digest_s3_bucket: String,
    /// Its own key.
    #[serde(rename = "digestS3Object")]
    pub digest_s3_object: String,
    /// The fingerprint of the key that signed it.
    pub digest_public_key_fingerprint: String,
    /// `SHA256withRSA`.
    pub digest_signature_algorithm: String,
    /// The previous digest's bucket (`null` for a chain's first digest).
    #[serde(rename = "previousDigestS3Bucket")]
    pub previous_digest_s3_bucket: Option<String>,
    /// The previous digest's key.
    #[serde(rename = "previousDigestS3Object")]
    pub previous_digest_s3_object: Option<String>,
    /// Hex SHA-256 of the previous digest's uncompressed content.
    pub previous_digest_hash_value: Option<String>,
    /// The previous digest's signature.
    pub previous_digest_signature: Option<String>,
    /// The log files delivered in the hour.
    pub log_files: Vec<LogEntry>,
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Decodes hex (either case); `None` for anything else.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.trim().as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    b.chunks(2)
        .map(|p| Some(val(p[0])? << 4 | val(p[1])?))
        .collect()
}

/// The data-signing string of a digest whose uncompressed content is `raw`.
pub fn signing_string(d: &DigestFile, raw: &[u8]) -> String {
    format!(
        "{}\n{}/{}\n{}\n{}",
        d.digest_end_time,
        d.digest_s3_bucket,
        d.digest_s3_object,
        sha256_hex(raw),
        d.previous_digest_signature.as_deref().unwrap_or("null")
    )
}

/// Whether `signature` (hex) is `key`'s SHA256withRSA signature of the digest.
pub fn signature_valid(
    key: &rsa::RsaPublicKey,
    d: &DigestFile,
    raw: &[u8],
    signature: &str,
) -> bool {
    let Some(sig) = unhex(signature) else {
        return false;
    };
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig.as_slice()) else {
        return false;
    };
    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone())
        .verify(signing_string(d, raw).as_bytes(), &sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000FfF"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn signing_string_uses_null_for_the_first_digest() {
        let d = DigestFile {
            digest_end_time: "2015-08-17T15:01:31Z".into(),
            digest_s3_bucket: "b".into(),
            digest_s3_object: "AWSLogs/1/CloudTrail-Digest/x.json.gz".into(),
            ..DigestFile::default()
        };
        let s = signing_string(&d, b"abc");
        assert!(
            s.starts_with("2015-08-17T15:01:31Z\nb/AWSLogs/1/CloudTrail-Digest/x.json.gz\nba78")
        );
        assert!(s.ends_with("\nnull"));
    }

    #[test]
    fn bad_key_files_are_errors() {
        assert!(PublicKeys::parse(b"{}").is_err());
        assert!(
            PublicKeys::parse(br#"{"PublicKeyList":[{"Value":"YQo=","Fingerprint":"f"}]}"#)
                .is_err()
        );
        let empty = PublicKeys::parse(br#"{"PublicKeyList":[]}"#).map(|k| k.len());
        assert_eq!(empty.ok(), Some(0));
    }
}
