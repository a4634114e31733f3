//! The planner: from a user's keys and the moment, what is due now, what comes next, and
//! what is out of schedule. Pure: no I/O, no clock; `phiward rotate plan` and the
//! executor both ask it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::schedule::Schedule;

/// What is known of one access key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyFacts {
    /// The key id, or `key 1` / `key 2` when only the credential report names it.
    pub id: String,
    /// Active (usable) or inactive.
    pub active: bool,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last used, if ever.
    pub last_used: Option<DateTime<Utc>>,
    /// When it was deactivated, when known (the executor's journal).
    pub deactivated: Option<DateTime<Utc>>,
}

/// A step of the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create a new key, store it, and switch the consumers to it.
    Create,
    /// Deactivate a key.
    Deactivate {
        /// The key.
        key: String,
        /// Why the key is out of schedule.
        why: Why,
    },
    /// Delete an inactive key.
    Delete {
        /// The key.
        key: String,
    },
}

/// Why a key is deactivated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Its successor is in use (or the overlap is over): the rotation's old key.
    Rotated,
    /// Nothing uses it: retired so that a rotation can go on.
    Unused,
}

/// An action and the day the schedule puts it on (before today when overdue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dated {
    /// The action.
    #[serde(flatten)]
    pub action: Action,
    /// Its day.
    pub on: NaiveDate,
}

/// Why nothing more can be done now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "hold", rename_all = "snake_case")]
pub enum Hold {
    /// Both keys are active and in use, and the newer one is due for rotation too: which
    /// one to retire is the owner's decision.
    BothInUse {
        /// The newer key.
        newer: String,
        /// The older key.
        older: String,
    },
    /// The overlap is over but the new key has never been used, while the old one is.
    NewKeyUnused {
        /// The new key.
        new: String,
        /// The old key.
        old: String,
        /// When the overlap ended.
        since: NaiveDate,
    },
    /// A new key is due, but the user has two keys and the inactive one may not be
    /// deleted yet.
    InactiveNotDeletable {
        /// The inactive key.
        key: String,
        /// When it may be deleted.
        until: NaiveDate,
    },
}

impl Hold {
    /// Whether the owner must act (rather than wait).
    pub fn needs_owner(&self) -> bool {
        !matches!(self, Hold::InactiveNotDeletable { .. })
    }
}

/// A key out of schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// Active past its period (it should have been deactivated on `due`).
    OlderThanPeriod {
        /// The key.
        key: String,
        /// When it was due to be deactivated.
        due: NaiveDate,
    },
    /// Both keys active after the overlap ended.
    BothActiveOutsideOverlap {
        /// When the overlap ended.
        since: NaiveDate,
    },
    /// Inactive but not deleted past its deletion day.
    InactiveNotDeleted {
        /// The key.
        key: String,
        /// When it was due to be deleted.
        due: NaiveDate,
    },
    /// Active, past its overlap, and never used.
    NeverUsed {
        /// The key.
        key: String,
    },
    /// More than two keys (IAM allows two).
    TooManyKeys {
        /// How many.
        count: usize,
    },
}

impl Anomaly {
    /// The key concerned, if one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Anomaly::OlderThanPeriod { key, .. }
            | Anomaly::InactiveNotDeleted { key, .. }
            | Anomaly::NeverUsed { key } => Some(key),
            _ => None,
        }
    }
}

/// What the planner says about one user at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Due now, in order.
    pub now: Vec<Dated>,
    /// The next dated actions after those.
    pub later: Vec<Dated>,
    /// Why the rotation cannot go on.
    pub hold: Option<Hold>,
    /// Keys out of schedule.
    pub anomalies: Vec<Anomaly>,
}

/// Planner options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Start a rotation now even if the schedule does not call for one yet.
    pub start: bool,
}

/// Whether `k` was used within the schedule's `in_use_days` of `today`, by IAM's
/// last-used date
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html>).
pub fn in_use(k: &KeyFacts, today: NaiveDate, s: &Schedule) -> bool {
    k.last_used
        .is_some_and(|u| (today - u.date_naive()).num_days() <= s.in_use_days)
}

/// Since when an inactive key has gone unused.
fn quiet_since(k: &KeyFacts) -> NaiveDate {
    let mut t = k.created;
    for x in [k.last_used, k.deactivated].into_iter().flatten() {
        t = t.max(x);
    }
    t.date_naive()
}

/// When an inactive key may be deleted: `delete_after_days` after its last use or
/// deactivation (whichever is later).
pub fn delete_due(k: &KeyFacts, s: &Schedule) -> NaiveDate {
    quiet_since(k) + Duration::days(s.delete_after_days)
}

/// Decides what is due for a user with `keys` at `now`.
///
/// Follows AWS's procedure for replacing a key without interrupting applications:
/// create the second key while the first is active, move the applications, deactivate
/// the first, delete it once nothing broke
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html>).
pub fn decide(keys: &[KeyFacts], now: DateTime<Utc>, s: &Schedule, opts: Options) -> Decision {
    let today = now.date_naive();
    let mut d = Decision::default();
    let mut keys: Vec<&KeyFacts> = keys.iter().collect();
    keys.sort_by_key(|k| (k.created, k.id.clone()));
    if keys.len() > 2 {
        d.anomalies.push(Anomaly::TooManyKeys { count: keys.len() });
    }
    let active: Vec<&KeyFacts> = keys.iter().copied().filter(|k| k.active).collect();
    let mut remaining = keys.len();
    let mut undeletable = None;
    for k in keys.iter().filter(|k| !k.active) {
        let due = delete_due(k, s);
        let delete = Dated {
            action: Action::Delete { key: k.id.clone() },
            on: due,
        };
        if due <= today {
            if due < today {
                d.anomalies.push(Anomaly::InactiveNotDeleted {
                    key: k.id.clone(),
                    due,
                });
            }
            d.now.push(delete);
            remaining -= 1;
        } else {
            d.later.push(delete);
            undeletable = Some((k.id.clone(), due));
        }
    }
    for k in &active {
        if k.last_used.is_none() && today >= k.created.date_naive() + Duration::days(s.overlap_days)
        {
            d.anomalies.push(Anomaly::NeverUsed { key: k.id.clone() });
        }
    }
    match active.as_slice() {
        [] => {}
        [x] => one_active(&mut d, x, today, s, opts, remaining, undeletable),
        [.., q, n] => two_active(&mut d, q, n, today, s),
    }
    d
}

fn one_active(
    d: &mut Decision,
    x: &KeyFacts,
    today: NaiveDate,
    s: &Schedule,
    opts: Options,
    remaining: usize,
    undeletable: Option<(String, NaiveDate)>,
) {
    let created = x.created.date_naive();
    let due = s.successor_due(created);
    let retire = s.retire_due(created);
    if today >= retire {
        d.anomalies.push(Anomaly::OlderThanPeriod {
            key: x.id.clone(),
            due: retire,
        });
    }
    if today < due && !opts.start {
        d.later.push(Dated {
            action: Action::Create,
            on: due,
        });
        return;
    }
    let on = due.min(today);
    match undeletable {
        Some((key, until)) if remaining >= 2 => {
            d.later.push(Dated {
                action: Action::Create,
                on: until,
            });
            d.hold = Some(Hold::InactiveNotDeletable { key, until });
        }
        _ => d.now.push(Dated {
            action: Action::Create,
            on,
        }),
    }
}

fn two_active(d: &mut Decision, q: &KeyFacts, n: &KeyFacts, today: NaiveDate, s: &Schedule) {
    let overlap_end = n.created.date_naive() + Duration::days(s.overlap_days);
    // The newer key is due too only once its own overlap is over: on the overlap's last
    // day the older key's fate comes first.
    let n_due = today >= s.successor_due(n.created.date_naive()) && today > overlap_end;
    if today > overlap_end {
        d.anomalies
            .push(Anomaly::BothActiveOutsideOverlap { since: overlap_end });
    }
    for k in [q, n] {
        let retire = s.retire_due(k.created.date_naive());
        if today > retire {
            d.anomalies.push(Anomaly::OlderThanPeriod {
                key: k.id.clone(),
                due: retire,
            });
        }
    }
    let deactivate = |key: &KeyFacts, why: Why, on: NaiveDate| Dated {
        action: Action::Deactivate {
            key: key.id.clone(),
            why,
        },
        on,
    };
    if !n_due {
        // A rotation in progress: the newer key replaces the older one.
        let n_used = n.last_used.is_some();
        let switched = q.last_used.is_none_or(|u| u < n.created);
        if n_used && switched {
            // Every consumer uses the new key: no need to wait for the overlap's end.
            d.now
                .push(deactivate(q, Why::Rotated, today.min(overlap_end)));
        } else if today < overlap_end {
            d.later.push(deactivate(q, Why::Rotated, overlap_end));
        } else if n_used || !in_use(q, today, s) {
            let why = if n_used { Why::Rotated } else { Why::Unused };
            d.now.push(deactivate(q, why, overlap_end));
        } else {
            d.hold = Some(Hold::NewKeyUnused {
                new: n.id.clone(),
                old: q.id.clone(),
                since: overlap_end,
            });
        }
        return;
    }
    // Both keys are due: the user already has two keys when a new one is due. Retire
    // the one nothing uses; if both are in use, do not guess.
    let on = overlap_end.min(today);
    match (in_use(n, today, s), in_use(q, today, s)) {
        (true, true) => {
            d.hold = Some(Hold::BothInUse {
                newer: n.id.clone(),
                older: q.id.clone(),
            });
        }
        (false, true) => d.now.push(deactivate(n, Why::Unused, on)),
        (_, false) => d.now.push(deactivate(q, Why::Unused, on)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        format!("{s}T00:00:00Z").parse().unwrap_or_default()
    }

    fn key(id: &str, active: bool, created: &str, used: Option<&str>) -> KeyFacts {
        KeyFacts {
            id: id.into(),
            active,
            created: at(created),
            last_used: used.map(at),
            deactivated: None,
        }
    }

    #[test]
    fn a_current_key_waits_for_the_next_period() {
        let s = Schedule::standard();
        let k = [key("A", true, "2024-01-02", Some("2024-01-05"))];
        let d = decide(&k, at("2024-01-10"), &s, Options::default());
        assert!(d.now.is_empty());
        assert_eq!(
            d.later,
            [Dated {
                action: Action::Create,
                on: "2024-01-15".parse().unwrap_or_default()
            }]
        );
        let d = decide(&k, at("2024-01-15"), &s, Options::default());
        assert_eq!(d.now.len(), 1);
        assert!(d.anomalies.is_empty());
        // --start: now.
        let d = decide(&k, at("2024-01-10"), &s, Options { start: true });
        assert_eq!(d.now[0].on, "2024-01-10".parse().unwrap_or_default());
    }

    #[test]
    fn the_old_key_goes_once_the_new_one_is_used_or_the_overlap_ends() {
        let s = Schedule::standard();
        let old = key("OLD", true, "2024-01-01", Some("2024-01-14"));
        // Both used after the new key came: wait for the overlap's end.
        let new = key("NEW", true, "2024-01-15", Some("2024-01-16"));
        let mut old_still = old.clone();
        old_still.last_used = Some(at("2024-01-16"));
        let d = decide(
            &[old_still.clone(), new.clone()],
            at("2024-01-16"),
            &s,
            Options::default(),
        );
        assert!(d.now.is_empty());
        assert_eq!(d.later[0].on, "2024-01-17".parse().unwrap_or_default());
        let d = decide(
            &[old_still, new.clone()],
            at("2024-01-17"),
            &s,
            Options::default(),
        );
        assert!(matches!(
            d.now[0].action,
            Action::Deactivate {
                why: Why::Rotated,
                ..
            }
        ));
        // The old key is quiet since the new one came: at once.
        let d = decide(&[old, new], at("2024-01-16"), &s, Options::default());
        assert_eq!(d.now.len(), 1);
    }

    #[test]
    fn an_unused_new_key_at_the_overlap_end_holds() {
        let s = Schedule::standard();
        let old = key("OLD", true, "2024-01-01", Some("2024-01-17"));
        let new = key("NEW", true, "2024-01-15", None);
        let d = decide(&[old, new], at("2024-01-17"), &s, Options::default());
        assert!(d.now.is_empty());
        assert!(matches!(d.hold, Some(Hold::NewKeyUnused { .. })));
    }

    #[test]
    fn two_old_keys_both_in_use_are_a_stop_and_an_unused_one_is_retired() {
        let s = Schedule::standard();
        let a = key("A", true, "2023-01-01", Some("2024-03-01"));
        let b = key("B", true, "2023-06-01", Some("2024-03-01"));
        let d = decide(
            &[a.clone(), b.clone()],
            at("2024-03-02"),
            &s,
            Options::default(),
        );
        assert!(matches!(d.hold, Some(Hold::BothInUse { .. })));
        assert!(d
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::BothActiveOutsideOverlap { .. })));
        let mut b_unused = b;
        b_unused.last_used = None;
        let d = decide(&[a, b_unused], at("2024-03-02"), &s, Options::default());
        assert_eq!(
            d.now[0].action,
            Action::Deactivate {
                key: "B".into(),
                why: Why::Unused
            }
        );
    }

    #[test]
    fn an_inactive_key_is_deleted_after_the_grace_and_blocks_the_create_until_then() {
        let s = Schedule::standard();
        let mut old = key("OLD", false, "2024-01-01", Some("2024-01-16"));
        old.deactivated = Some(at("2024-01-17"));
        let new = key("NEW", true, "2024-01-15", Some("2024-01-20"));
        let d = decide(
            &[old.clone(), new.clone()],
            at("2024-01-23"),
            &s,
            Options::default(),
        );
        assert!(d.now.is_empty());
        assert_eq!(d.later[0].on, "2024-01-24".parse().unwrap_or_default());
        let d = decide(
            &[old.clone(), new.clone()],
            at("2024-01-24"),
            &s,
            Options::default(),
        );
        assert_eq!(d.now[0].action, Action::Delete { key: "OLD".into() });
        // A rotation started early waits for the deletion.
        let d = decide(&[old, new], at("2024-01-20"), &s, Options { start: true });
        assert!(matches!(d.hold, Some(Hold::InactiveNotDeletable { .. })));
    }
}
