//! Whether a part of the account was collected.
//!
//! A check must never read "nothing found" where the truth is "nothing looked at": a
//! missing export file, an `AccessDenied` or an API that is not enabled all leave a
//! section [`Collected::NotCollected`], which later checks report as "not evaluated".

use serde::{Deserialize, Serialize};

/// A part of the snapshot that was either collected (possibly empty) or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Collected<T> {
    /// The data as collected; an empty list means the account has none.
    Collected(T),
    /// The data is unknown, for the reason given.
    NotCollected(NotCollected),
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
        Collected::NotCollected(NotCollected {
            reason,
            detail: detail.into(),
        })
    }

    /// The data, when collected.
    pub fn get(&self) -> Option<&T> {
        match self {
            Collected::Collected(v) => Some(v),
            Collected::NotCollected(_) => None,
        }
    }

    /// The data, mutably, when collected.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Collected::Collected(v) => Some(v),
            Collected::NotCollected(_) => None,
        }
    }

    /// Whether the data was collected.
    pub fn is_collected(&self) -> bool {
        matches!(self, Collected::Collected(_))
    }

    /// Why the data is unknown, when it is.
    pub fn not_collected(&self) -> Option<&NotCollected> {
        match self {
            Collected::Collected(_) => None,
            Collected::NotCollected(n) => Some(n),
        }
    }

    /// Converts the collected data, keeping the reason when it is unknown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Collected(v) => Collected::Collected(f(v)),
            Collected::NotCollected(n) => Collected::NotCollected(n),
        }
    }
}

impl<T> Collected<Vec<T>> {
    /// Appends a part of the list; one part not collected makes the whole list not
    /// collected (the first reason stays), since a partial list would read as complete.
    pub fn append(&mut self, part: Collected<Vec<T>>) {
        match (&mut *self, part) {
            (Collected::NotCollected(_), _) => {}
            (_, Collected::NotCollected(n)) => *self = Collected::NotCollected(n),
            (Collected::Collected(v), Collected::Collected(p)) => v.extend(p),
        }
    }
}

impl<T> From<Result<T, NotCollected>> for Collected<T> {
    fn from(r: Result<T, NotCollected>) -> Self {
        match r {
            Ok(v) => Collected::Collected(v),
            Err(n) => Collected::NotCollected(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_part_not_collected_makes_the_list_not_collected() {
        let mut all = Collected::Collected(vec![1]);
        all.append(Collected::Collected(vec![2]));
        assert_eq!(all, Collected::Collected(vec![1, 2]));
        all.append(Collected::not(Reason::Failed, "denied"));
        assert!(all.get().is_none());
        all.append(Collected::Collected(vec![3]));
        assert!(all.get().is_none(), "a later part must not revive it");
    }
}
