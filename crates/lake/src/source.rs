//! Where compaction reads log files from: a local folder (or file) as `phiward trail`
//! reads it, or any `phiward_trail::verify::ObjectSource` (the bucket itself, through
//! `phiward_collect::s3source::S3Source`).

use std::path::{Path, PathBuf};

use phiward_trail::verify::ObjectSource;

use crate::error::LakeError;

/// A source of CloudTrail log files.
pub enum Source<'a> {
    /// A folder in CloudTrail's layout, or one file, read with `phiward_trail::read::discover`.
    Local(PathBuf),
    /// An object store; `label` names it (`s3://bucket/prefix/`).
    Objects {
        /// How files are named in reports: `label` + key.
        label: String,
        /// The store.
        store: &'a dyn ObjectSource,
    },
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// One log file of a source.
#[derive(Clone, Debug)]
pub(crate) struct Log {
    /// Its key below the source.
    pub key: String,
    /// How reports name it (what `phiward trail usage SOURCE` prints).
    pub name: String,
}

impl Source<'_> {
    /// The folder or prefix, as given.
    pub fn label(&self) -> String {
        match self {
            Source::Local(p) => p.display().to_string(),
            Source::Objects { label, .. } => label.clone(),
        }
    }

    /// The log files, sorted by key (digests and hidden files left out).
    pub(crate) fn logs(&self) -> Result<Vec<Log>, LakeError> {
        match self {
            Source::Local(root) => {
                let paths = phiward_trail::read::discover(root).map_err(|e| LakeError::Source {
                    source_name: root.display().to_string(),
                    detail: e.to_string(),
                })?;
                Ok(paths
                    .into_iter()
                    .map(|p| Log {
                        key: local_key(root, &p),
                        name: p.display().to_string(),
                    })
                    .collect())
            }
            Source::Objects { label, store } => {
                let keys = store.keys().map_err(|e| LakeError::Source {
                    source_name: label.clone(),
                    detail: e.to_string(),
                })?;
                let base = label.trim_end_matches('/');
                let bucket_root = base
                    .strip_prefix("s3://")
                    .and_then(|r| r.split('/').next())
                    .map(|b| format!("s3://{b}"));
                Ok(keys
                    .into_iter()
                    .filter(|k| phiward_trail::read::is_log_key(k))
                    .map(|key| Log {
                        // S3 keys hold the prefix already: name them from the bucket.
                        name: match &bucket_root {
                            Some(b) => format!("{b}/{key}"),
                            None => format!("{base}/{key}"),
                        },
                        key,
                    })
                    .collect())
            }
        }
    }

    /// A file's stored bytes.
    pub(crate) fn get(&self, log: &Log) -> Result<Vec<u8>, String> {
        match self {
            Source::Local(_) => std::fs::read(&log.name).map_err(|e| format!("cannot read: {e}")),
            Source::Objects { store, .. } => store.get(&log.key).map_err(|e| e.to_string()),
        }
    }
}

fn local_key(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        parts.join("/")
    }
}
