//! Where `trail verify` reads digests and log files from: the [`ObjectSource`] trait and
//! its local implementation, [`DirSource`]. `phiward_collect::s3source` reads a bucket
//! through the same trait.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why an object source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// An I/O error.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path or key.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The signatures file is malformed.
    #[error("signatures file `{path}` line {line}: expected `KEY<TAB>SIGNATURE`")]
    Signatures {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
    },
    /// An object store refused or failed a read (S3: access denied, throttled, gone).
    #[error("cannot read `{key}`: {detail}")]
    Object {
        /// The key.
        key: String,
        /// The store's answer.
        detail: String,
    },
}

/// Where digests and log files are read from, by S3 key.
pub trait ObjectSource: Sync {
    /// Every object key, as S3 names it relative to the bucket (`AWSLogs/...`).
    fn keys(&self) -> Result<Vec<String>, SourceError>;
    /// An object's stored bytes (gzip for CloudTrail objects).
    fn get(&self, key: &str) -> Result<Vec<u8>, SourceError>;
    /// A digest's `x-amz-meta-signature` (hex), when known.
    fn signature(&self, key: &str) -> Option<String>;
}

/// The part of a key from `AWSLogs/` on: a local copy has dropped the bucket's prefix, a
/// digest names it.
pub fn logical_key(key: &str) -> &str {
    if key.starts_with("AWSLogs/") {
        return key;
    }
    key.find("/AWSLogs/").map_or(key, |i| &key[i + 1..])
}

/// A local copy of a trail's bucket (`aws s3 sync s3://BUCKET/PREFIX DIR`).
///
/// Signatures come from a signatures file (`KEY<TAB>SIGNATURE` lines, `#` comments) or,
/// for a digest without one there, a sidecar file `DIGEST.json.gz.sig` holding the hex
/// signature.
#[derive(Debug)]
pub struct DirSource {
    root: PathBuf,
    signatures: HashMap<String, String>,
}

impl DirSource {
    /// A source over `root`.
    pub fn new(root: &Path) -> DirSource {
        DirSource {
            root: root.to_path_buf(),
            signatures: HashMap::new(),
        }
    }

    /// Reads a signatures file.
    pub fn with_signatures(mut self, path: &Path) -> Result<DirSource, SourceError> {
        let text = std::fs::read_to_string(path).map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('\t');
            let (Some(key), Some(sig)) = (parts.next(), parts.next()) else {
                return Err(SourceError::Signatures {
                    path: path.to_path_buf(),
                    line: i + 1,
                });
            };
            let key = key.trim().trim_start_matches("s3://");
            self.signatures
                .insert(logical_key(key).to_string(), sig.trim().to_string());
        }
        Ok(self)
    }
}

impl ObjectSource for DirSource {
    fn keys(&self) -> Result<Vec<String>, SourceError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let io = |source| SourceError::Io {
                path: dir.display().to_string(),
                source,
            };
            for entry in std::fs::read_dir(&dir).map_err(io)? {
                let entry = entry.map_err(io)?;
                let p = entry.path();
                if entry.file_type().map_err(io)?.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(&self.root) {
                    let parts: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    out.push(parts.join("/"));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, SourceError> {
        let p = self.root.join(key);
        std::fs::read(&p).map_err(|source| SourceError::Io {
            path: p.display().to_string(),
            source,
        })
    }

    fn signature(&self, key: &str) -> Option<String> {
        if let Some(s) = self.signatures.get(logical_key(key)) {
            return Some(s.clone());
        }
        std::fs::read_to_string(self.root.join(format!("{key}.sig")))
            .ok()
            .map(|s| s.trim().to_string())
    }
}
