//! Why a recertification operation failed.

/// Errors of the campaign store, its ledger and its commands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused.
    #[error("campaign store `{path}`: {source}")]
    Db {
        /// The store file.
        path: String,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A file could not be read or written.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The signing key file is unusable.
    #[error("signing key `{path}`: {message}")]
    Key {
        /// The key file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The store was written by a newer phiward.
    #[error(
        "campaign store `{path}` has schema version {found}; this phiward knows up to {known}"
    )]
    Schema {
        /// The store file.
        path: String,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A campaign, item or account that does not exist.
    #[error("no {what} `{name}`")]
    NotFound {
        /// "campaign", "item", "account".
        what: &'static str,
        /// What was asked for.
        name: String,
    },
    /// A request the rules refuse (a missing reason, a closed campaign, another
    /// reviewer's item, ...).
    #[error("{0}")]
    Refused(String),
    /// An input file (directory CSV, people list) is malformed.
    #[error("`{path}`: {message}")]
    Input {
        /// The file.
        path: String,
        /// What is wrong and where.
        message: String,
    },
}

impl Error {
    /// A refusal with its message.
    pub fn refused(message: impl Into<String>) -> Error {
        Error::Refused(message.into())
    }
}
