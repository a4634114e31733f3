//! A user's calendar: the planner run forward day by day, each action done on its day,
//! consumers using every active key until it is deactivated (so the old key goes at the
//! overlap's end, the latest the schedule allows).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::planner::{decide, Action, Dated, Hold, KeyFacts, Options};
use crate::schedule::Schedule;

/// One dated action of the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The action and the day the schedule puts it on.
    #[serde(flatten)]
    pub dated: Dated,
    /// The day it happens in the calendar: `on`, or the plan's day when overdue.
    pub when: NaiveDate,
    /// The key a `create` makes (`new key of DAY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creates: Option<String>,
}

impl Entry {
    /// Whether the schedule put it before the plan's day.
    pub fn overdue(&self) -> bool {
        self.dated.on < self.when
    }
}

/// The calendar up to a day, and the hold that stops it, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The actions, in order.
    pub entries: Vec<Entry>,
    /// What stopped the calendar before its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<Hold>,
}

/// The name the calendar gives a key created on `day`.
pub fn new_key_name(day: NaiveDate) -> String {
    format!("new key of {day}")
}

/// Runs the planner from `now` up to and including `until`.
pub fn timeline(keys: &[KeyFacts], now: DateTime<Utc>, s: &Schedule, until: NaiveDate) -> Timeline {
    let mut facts = keys.to_vec();
    let mut out = Timeline::default();
    let mut at = now;
    // Each iteration is one day on which something was due; a day's actions can make
    // further ones due the same day (a deletion lets a create go), hence the inner loop.
    for _ in 0..10_000 {
        let today = at.date_naive();
        if today > until {
            break;
        }
        let mut d = decide(&facts, at, s, Options::default());
        for _ in 0..8 {
            if d.now.is_empty() {
                break;
            }
            for dated in std::mem::take(&mut d.now) {
                let creates = apply(&mut facts, &dated.action, at);
                out.entries.push(Entry {
                    dated,
                    when: today,
                    creates,
                });
            }
            use_all(&mut facts, at);
            d = decide(&facts, at, s, Options::default());
        }
        use_all(&mut facts, at);
        if let Some(h) = d.hold.clone().filter(Hold::needs_owner) {
            out.hold = Some(h);
            break;
        }
        let Some(next) = d.later.iter().map(|x| x.on).filter(|&x| x > today).min() else {
            break;
        };
        at = next
            .and_hms_opt(0, 0, 0)
            .map_or(at + Duration::days(1), |t| t.and_utc());
    }
    out
}

/// The consumers use every active key (they switch at the last moment).
fn use_all(facts: &mut [KeyFacts], at: DateTime<Utc>) {
    for k in facts.iter_mut().filter(|k| k.active) {
        k.last_used = Some(at);
    }
}

/// Applies an action to the facts as the executor would; the name of a created key.
pub fn apply(facts: &mut Vec<KeyFacts>, action: &Action, at: DateTime<Utc>) -> Option<String> {
    match action {
        Action::Create => {
            let id = new_key_name(at.date_naive());
            facts.push(KeyFacts {
                id: id.clone(),
                active: true,
                created: at,
                last_used: Some(at),
                deactivated: None,
            });
            Some(id)
        }
        Action::Deactivate { key, .. } => {
            for k in facts.iter_mut().filter(|k| &k.id == key) {
                k.active = false;
                k.deactivated = Some(at);
            }
            None
        }
        Action::Delete { key } => {
            facts.retain(|k| &k.id != key);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_due_gets_create_deactivate_delete_and_the_next_create() {
        let s = Schedule::fortnightly();
        let now: DateTime<Utc> = "2024-01-20T00:00:00Z".parse().unwrap_or_default();
        let k = KeyFacts {
            id: "OLD".into(),
            active: true,
            created: "2024-01-02T00:00:00Z".parse().unwrap_or_default(),
            last_used: Some(now),
            deactivated: None,
        };
        let until = "2024-02-15".parse().unwrap_or_default();
        let t = timeline(&[k], now, &s, until);
        let got: Vec<(String, String)> = t
            .entries
            .iter()
            .map(|e| {
                (
                    e.when.to_string(),
                    match &e.dated.action {
                        Action::Create => "create".to_string(),
                        Action::Deactivate { key, .. } => format!("deactivate {key}"),
                        Action::Delete { key } => format!("delete {key}"),
                    },
                )
            })
            .collect();
        let want = [
            ("2024-01-20", "create"),
            ("2024-01-22", "deactivate OLD"),
            ("2024-01-29", "delete OLD"),
            ("2024-01-29", "create"),
            ("2024-01-31", "deactivate new key of 2024-01-20"),
            ("2024-02-07", "delete new key of 2024-01-20"),
            ("2024-02-12", "create"),
            ("2024-02-14", "deactivate new key of 2024-01-29"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(t.entries[0].overdue(), "due on 2024-01-15");
    }
}
