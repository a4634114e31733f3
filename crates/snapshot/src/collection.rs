//! What was collected: each part of the snapshot is [`Collected`] or not, with the
//! reason; `collection.json` records every API call or export file as it was made.
//!
//! A check must never read "nothing found" where the truth is "nothing looked at": a
//! missing export file, an `AccessDenied` or an API that is not enabled all leave a
//! section [`Collected::Unknown`], which later checks report as "not evaluated".

use serde::{Deserialize, Serialize};

/// A part of the snapshot that was either collected (possibly empty) or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Collected<T> {
    /// The data as collected; an empty list means the account has none.
    #[serde(rename = "collected")]
    Known(T),
    /// The data is unknown, for the reason given.
    #[serde(rename = "not_collected")]
    Unknown(NotCollected),
}

/// Why a part of the snapshot is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCollected {
    /// The broad reason.
    pub reason: Reason,
    /// Details: the missing file, the API error, the parse error.
    pub detail: String,
}

/// The broad reason a part of the snapshot is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The input did not contain it (no export file, an old snapshot).
    Missing,
    /// The API call or the export failed (for instance `AccessDenied`).
    Failed,
    /// The input was there but could not be parsed.
    Unreadable,
    /// The source cannot provide it (for instance Access Advisor in raw exports).
    NotSupported,
}

impl Reason {
    /// The name used in snapshots and messages (`missing`, `failed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Missing => "missing",
            Reason::Failed => "failed",
            Reason::Unreadable => "unreadable",
            Reason::NotSupported => "not_supported",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T> Default for Collected<T> {
    /// Unknown until something fills it in: a field absent from the input is never
    /// taken as "collected and empty".
    fn default() -> Self {
        Collected::missing("not present in the input")
    }
}

impl<T> Collected<T> {
    /// Not collected because the input does not hold it.
    pub fn missing(detail: impl Into<String>) -> Self {
        Self::not(Reason::Missing, detail)
    }

    /// Not collected, with a reason and details.
    pub fn not(reason: Reason, detail: impl Into<String>) -> Self {
        Collected::Unknown(NotCollected {
            reason,
            detail: detail.into(),
        })
    }

    /// The data, when collected.
    pub fn get(&self) -> Option<&T> {
        match self {
            Collected::Known(v) => Some(v),
            Collected::Unknown(_) => None,
        }
    }

    /// The data, mutably, when collected.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Collected::Known(v) => Some(v),
            Collected::Unknown(_) => None,
        }
    }

    /// Whether the data was collected.
    pub fn is_collected(&self) -> bool {
        matches!(self, Collected::Known(_))
    }

    /// Why the data is unknown, when it is.
    pub fn not_collected(&self) -> Option<&NotCollected> {
        match self {
            Collected::Known(_) => None,
            Collected::Unknown(n) => Some(n),
        }
    }

    /// Converts the collected data, keeping the reason when it is unknown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Known(v) => Collected::Known(f(v)),
            Collected::Unknown(n) => Collected::Unknown(n),
        }
    }
}

impl<T> Collected<Vec<T>> {
    /// Appends a part of the list; one part not collected makes the whole list not
    /// collected (the first reason stays), since a partial list would read as complete.
    pub fn append(&mut self, part: Collected<Vec<T>>) {
        match (&mut *self, part) {
            (Collected::Unknown(_), _) => {}
            (_, Collected::Unknown(n)) => *self = Collected::Unknown(n),
            (Collected::Known(v), Collected::Known(p)) => v.extend(p),
        }
    }
}

impl<T> From<Result<T, NotCollected>> for Collected<T> {
    fn from(r: Result<T, NotCollected>) -> Self {
        match r {
            Ok(v) => Collected::Known(v),
            Err(n) => Collected::Unknown(n),
        }
    }
}

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
            Got::Data(v) => Collected::Known(Some(f(v))),
            Got::Absent => Collected::Known(None),
            Got::Not(n) => Collected::Unknown(n),
        }
    }

    /// A section that is its empty value when AWS said there is none.
    pub fn or_default<U: Default>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Got::Data(v) => Collected::Known(f(v)),
            Got::Absent => Collected::Known(U::default()),
            Got::Not(n) => Collected::Unknown(n),
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
    /// Read: the call answered, or its export file was read.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_part_not_collected_makes_the_list_not_collected() {
        let mut all = Collected::Known(vec![1]);
        all.append(Collected::Known(vec![2]));
        assert_eq!(all, Collected::Known(vec![1, 2]));
        all.append(Collected::not(Reason::Failed, "denied"));
        assert!(all.get().is_none());
        all.append(Collected::Known(vec![3]));
        assert!(all.get().is_none(), "a later part must not revive it");
    }
}
