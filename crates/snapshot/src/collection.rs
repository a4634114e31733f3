//! `collection.json`: what was collected and what failed, one entry per API call or
//! export file.

use serde::{Deserialize, Serialize};

use crate::{Collected, NotCollected};

/// What one API call gave, live (`phiward collect`) or from its export file (the
/// import): recorded in the [`Collection`] as it is made, then turned into a section.
#[derive(Debug)]
pub enum Got<T> {
    /// The answer.
    Data(T),
    /// AWS answered that there is none (one of the call's `absent` codes).
    Absent,
    /// The call failed, or its file is missing or unreadable; the reason, as recorded.
    Not(NotCollected),
}

impl<T> Got<T> {
    /// A section that is `None` when AWS said there is none.
    pub fn optional<U>(self, f: impl FnOnce(T) -> U) -> Collected<Option<U>> {
        match self {
            Got::Data(v) => Collected::Collected(Some(f(v))),
            Got::Absent => Collected::Collected(None),
            Got::Not(n) => Collected::NotCollected(n),
        }
    }

    /// A section that is its empty value when AWS said there is none.
    pub fn or_default<U: Default>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Got::Data(v) => Collected::Collected(f(v)),
            Got::Absent => Collected::Collected(U::default()),
            Got::Not(n) => Collected::NotCollected(n),
        }
    }

    /// The answer, if any.
    pub fn data(self) -> Option<T> {
        match self {
            Got::Data(v) => Some(v),
            _ => None,
        }
    }
}

/// The record of one collection or import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// One entry per API call (per bucket, trail or key for per-resource calls).
    pub entries: Vec<CollectionEntry>,
}

/// What happened to one API call or export file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionEntry {
    /// `service:Operation`, as in IAM actions (`iam:GetAccountAuthorizationDetails`).
    pub api: String,
    /// The bucket, trail, key or policy the call was about, for per-resource calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The export file read, relative to the export folder, for imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The outcome.
    pub status: EntryStatus,
    /// The error, for failed and unreadable entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The outcome of one API call or export file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Read.
    Collected,
    /// AWS answered that there is none (`NoSuchBucketPolicy`, `NoSuchEntity`, ...):
    /// collected, and empty.
    Absent,
    /// Not in the input.
    Missing,
    /// The call or export failed (`AccessDenied`, not enabled, ...).
    Failed,
    /// The input was there but could not be parsed or read.
    Unreadable,
}

impl EntryStatus {
    /// The name used in `collection.json` (`collected`, `absent`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Collected => "collected",
            EntryStatus::Absent => "absent",
            EntryStatus::Missing => "missing",
            EntryStatus::Failed => "failed",
            EntryStatus::Unreadable => "unreadable",
        }
    }
}

impl std::fmt::Display for EntryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Collection {
    /// Adds an entry.
    pub fn record(
        &mut self,
        api: &str,
        target: Option<&str>,
        file: Option<&str>,
        status: EntryStatus,
        error: Option<String>,
    ) {
        self.entries.push(CollectionEntry {
            api: api.to_string(),
            target: target.map(str::to_string),
            file: file.map(str::to_string),
            status,
            error,
        });
    }

    /// The entries with this status.
    pub fn with_status(&self, status: EntryStatus) -> impl Iterator<Item = &CollectionEntry> {
        self.entries.iter().filter(move |e| e.status == status)
    }
}
