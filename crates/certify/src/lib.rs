//! Access recertification: campaigns in which each person's manager re-approves or
//! revokes every right the person holds (group memberships, policies, roles they can
//! assume, PHI resources they reach), recorded in a signed, hash-chained ledger that an
//! auditor can verify, and the web app (`phiward serve`) reviewers decide in.
//!
//! - [`store::Store`]: one SQLite file (WAL), schema migrations by `user_version`.
//! - [`ledger`]: every event appended with the previous entry's SHA-256, signed with an
//!   Ed25519 key kept in a separate file ([`keys`]); [`verify`] names every edited,
//!   reordered, inserted or deleted entry, and truncation given an exported head.
//! - [`rights`]: the items of a campaign, built from the access report
//!   (`phiward_access::employee`) and the escalation graph's `sts:AssumeRole` edges.
//! - [`campaign`], [`decide`], [`close`], [`plan`], [`export`]: the campaign's life.
//! - [`web`]: the axum application.
//!
//! The crate does no printing.

pub mod campaign;
pub mod certs;
pub mod close;
pub mod decide;
pub mod directory;
mod error;
pub mod export;
pub mod keys;
pub mod ledger;
pub mod plan;
pub mod rights;
pub mod setup;
pub mod store;
pub mod totp;
pub mod verify;
pub mod web;

pub use error::Error;

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The current time as stored: RFC 3339, UTC, seconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
