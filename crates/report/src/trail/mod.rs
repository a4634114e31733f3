//! `phiward trail` answers: usage, unused access, least-privilege policies and log
//! integrity, as text, CSV and JSON (one file per format).

use phiward_trail::policy::{Diff, Generated};
use phiward_trail::unused::ServiceActions;
use phiward_trail::usage::{PrincipalUsage, Usage};
use phiward_trail::verify::Finding;

pub mod csv;
pub mod json;
pub mod text;

/// What `phiward trail policy` answers about one principal.
#[derive(Clone, Copy, Debug)]
pub struct PolicyAnswer<'a> {
    /// The principal's ARN.
    pub principal: &'a str,
    /// The usage read (its window).
    pub usage: &'a Usage,
    /// The principal's own usage.
    pub of: &'a PrincipalUsage,
    /// The generated policy.
    pub generated: &'a Generated,
    /// The generated policy as pretty JSON (the text that was linted).
    pub document: &'a str,
    /// The generated policy against what the principal holds today.
    pub diff: &'a Diff,
    /// `phiward lint`'s findings on the generated policy.
    pub lint: &'a [phiward_lint::Finding],
}

/// `Read 3, Write 1`: actions per access level.
fn levels_line(s: &ServiceActions) -> String {
    let parts: Vec<String> = s
        .levels
        .iter()
        .map(|(l, a)| format!("{l} {}", a.len()))
        .collect();
    parts.join(", ")
}

/// An integrity problem's kind and what it says.
fn describe(f: &Finding) -> (&'static str, String) {
    match f {
        Finding::DigestUnreadable { digest, reason } => {
            ("digest_unreadable", format!("{digest}: {reason}"))
        }
        Finding::DigestMoved { digest, names } => {
            ("digest_moved", format!("{digest} names itself {names}"))
        }
        Finding::SignatureMissing { digest } => {
            ("signature_missing", format!("{digest}: no signature known"))
        }
        Finding::UnknownKey {
            digest,
            fingerprint,
        } => (
            "unknown_key",
            format!("{digest}: signed with key {fingerprint}, not in the public keys"),
        ),
        Finding::KeyNotValid {
            digest,
            fingerprint,
        } => (
            "key_not_valid",
            format!("{digest}: key {fingerprint} was not in use at the digest's end time"),
        ),
        Finding::BadSignature { digest } => (
            "bad_signature",
            format!("{digest}: the signature does not verify (modified or forged)"),
        ),
        Finding::DigestMissing {
            digest,
            referenced_by,
        } => (
            "digest_missing",
            format!("{digest} (referenced by {referenced_by}) is missing"),
        ),
        Finding::DigestModified {
            digest,
            referenced_by,
        } => (
            "digest_modified",
            format!("{digest} differs from the hash {referenced_by} recorded"),
        ),
        Finding::ChainBroken { digest, previous } => (
            "chain_broken",
            format!("{digest} records another signature for {previous}"),
        ),
        Finding::Gap { chain, from, to } => {
            ("gap", format!("{chain}: no digest from {from} to {to}"))
        }
        Finding::LogMissing { log, digest } => (
            "log_missing",
            format!("{log} (listed by {digest}) is missing"),
        ),
        Finding::LogUnreadable {
            log,
            digest,
            reason,
        } => (
            "log_unreadable",
            format!("{log} (listed by {digest}) could not be read: {reason}"),
        ),
        Finding::LogModified { log, digest } => (
            "log_modified",
            format!("{log} differs from the hash {digest} recorded"),
        ),
        Finding::LogExtra { log } => ("log_extra", format!("{log} is listed by no digest")),
    }
}
