//! Errors reading and writing snapshots and exports.

use std::path::PathBuf;

/// Why a file or folder could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system refused.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Writing failed.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than phiward reads.
    #[error("`{}` is larger than the {limit}-byte limit", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not the JSON expected.
    #[error("`{}` line {line} column {column}: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The file is read but its content is unusable (bad CSV, bad base64, empty).
    #[error("`{}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The output folder already holds files.
    #[error("`{}` is not empty; refusing to overwrite it", path.display())]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The snapshot was written by a newer phiward.
    #[error(
        "`{}` has format_version {found}; this phiward reads up to {supported}",
        path.display()
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u64,
        /// The newest version this library reads.
        supported: u32,
    },
    /// The folder is an organization snapshot, where one account was expected.
    #[error("`{}` is an organization snapshot: give one account's folder (`{}`), or a command that reads organizations (`audit`, `who-can`, `paths`, `snapshot show`)", path.display(), path.join("accounts").join("ID").display())]
    Organization {
        /// The folder.
        path: PathBuf,
    },
    /// The folder holds neither a snapshot nor raw exports.
    #[error("`{}` is neither a snapshot (no `snapshot.json`) nor a folder of raw AWS CLI exports", path.display())]
    NotASnapshot {
        /// The folder.
        path: PathBuf,
    },
}

impl Error {
    /// The file or folder concerned.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::Io { path, .. }
            | Error::Write { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Json { path, .. }
            | Error::Invalid { path, .. }
            | Error::NotEmpty { path }
            | Error::UnsupportedVersion { path, .. }
            | Error::Organization { path }
            | Error::NotASnapshot { path } => path,
        }
    }
}
