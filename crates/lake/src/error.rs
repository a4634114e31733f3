//! Why a lake could not be written or read.

use std::path::PathBuf;

/// Why a lake operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// A file of the lake could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The manifest is not one phiward wrote.
    #[error("`{path}` is not a phiward lake manifest: {detail}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The source could not be listed.
    #[error("cannot list `{source_name}`: {detail}")]
    Source {
        /// The folder or `s3://` prefix.
        source_name: String,
        /// What went wrong, as the library or the system said it.
        detail: String,
    },
    /// Writing Parquet failed.
    #[error("cannot write `{path}`: {detail}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What went wrong, as the library or the system said it.
        detail: String,
    },
    /// DataFusion (or Ballista) refused or failed a query.
    #[error("query failed: {0}")]
    Query(String),
    /// The tokio runtime could not start.
    #[error("cannot start the query runtime: {0}")]
    Runtime(std::io::Error),
}

impl LakeError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LakeError {
        let path = path.into();
        move |source| LakeError::Io { path, source }
    }
}

impl From<datafusion::error::DataFusionError> for LakeError {
    fn from(e: datafusion::error::DataFusionError) -> LakeError {
        LakeError::Query(e.to_string())
    }
}
