//! The lake's manifest: every source file compacted, what it held, and which Parquet files
//! hold its records. Compaction reads it to add only new files, and queries read it for
//! the counts and problems `trail usage` reports about files (unreadable files, records
//! without a time), which have no row in the lake.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::LakeError;

/// The manifest's file name, in the lake's folder.
pub const MANIFEST: &str = "phiward-lake.json";

/// What the manifest's `format` says.
const FORMAT: &str = "phiward-lake/1";

/// A problem `phiward_trail`'s reader reported about a file or record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProblem {
    /// The 0-based record index, when one record is at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    /// What was wrong.
    pub message: String,
}

/// One compacted source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceFile {
    /// The folder or `s3://` prefix it was read from.
    pub source: String,
    /// Its key below the source (`AWSLogs/...`).
    pub key: String,
    /// The name queries report it by (source and key joined, as `trail usage` names it).
    pub name: String,
    /// Its size in bytes, as stored (gzip).
    pub size: u64,
    /// SHA-256 of its stored bytes, hex.
    pub sha256: String,
    /// When it was compacted (UTC).
    pub compacted: String,
    /// Records the reader delivered.
    pub records: u64,
    /// Of those, rows in the lake (records with a valid `eventTime`).
    pub rows: u64,
    /// The Parquet files holding its rows, relative to the lake.
    pub parquet: Vec<String>,
    /// Problems reading the file (at most a few).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<StoredProblem>,
    /// Reading problems beyond those listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_problems: u64,
    /// The first records without a valid `eventTime` (they have no row).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_time: Vec<usize>,
    /// How many records lack a valid `eventTime`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub no_time_count: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// `phiward-lake/1`.
    pub format: String,
    /// Source files by their key from `AWSLogs/` on (see
    /// `phiward_trail::verify::logical_key`), so that a local copy and the bucket it came
    /// from name a file alike.
    pub files: BTreeMap<String, SourceFile>,
}

impl Manifest {
    /// The manifest of the lake at `dir`; an empty one when there is none yet.
    pub fn load(dir: &Path) -> Result<Manifest, LakeError> {
        let path = dir.join(MANIFEST);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Manifest {
                    format: FORMAT.into(),
                    files: BTreeMap::new(),
                })
            }
            Err(e) => return Err(LakeError::io(&path)(e)),
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| LakeError::Manifest {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        if m.format != FORMAT {
            return Err(LakeError::Manifest {
                path,
                detail: format!("format `{}`, expected `{FORMAT}`", m.format),
            });
        }
        Ok(m)
    }

    /// Writes the manifest atomically (a temporary file renamed over the old one).
    pub fn save(&self, dir: &Path) -> Result<(), LakeError> {
        let path = dir.join(MANIFEST);
        let tmp: PathBuf = dir.join(format!(".{MANIFEST}.tmp"));
        let bytes = serde_json::to_vec(self).map_err(|e| LakeError::Manifest {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        std::fs::write(&tmp, bytes).map_err(LakeError::io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(LakeError::io(&path))
    }

    /// Every Parquet file some source file's rows are in.
    pub fn parquet_files(&self) -> std::collections::BTreeSet<&str> {
        self.files
            .values()
            .flat_map(|f| f.parquet.iter().map(String::as_str))
            .collect()
    }
}
