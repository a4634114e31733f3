//! The two-key overlap schedule: when keys are created, how long they overlap, when the
//! old one is deactivated and deleted.
//!
//! Key periods start on fixed days: by default on given days of every calendar month
//! (`start_days`, the 1st and the 15th), or every `step = period_days - overlap_days`
//! days counted from `anchor_day` in both directions (a fixed cycle). A key created on
//! any day of a period is replaced by a new key on the next period's first day and
//! deactivated `overlap_days` later, so two consecutive keys are both active on exactly
//! `overlap_days` days. With the defaults (the 1st and the 15th, 2 days of overlap) key 1
//! is active from the 1st to the 16th and key 2 from the 15th to the 2nd of the next
//! month, when the next key 1 has taken over: the 1st-16th / 15th-30th practice, with
//! the overlap kept at the month's turn as well.
//!
//! AWS recommends two keys for rotation without downtime: create the second key, update
//! the applications, deactivate the first, then delete it
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html>).

use chrono::{Datelike, Duration, Months, NaiveDate};
use phiward_checks::config::Rotation;
use serde::Serialize;

/// The calendar days on which new keys are created by default: key 1 from the 1st, key 2
/// from the 15th.
pub const DEFAULT_START_DAYS: [u32; 2] = [1, 15];

/// Why the `[rotation]` settings cannot make a schedule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScheduleError {
    /// A value out of range.
    #[error("`rotation.{field}` is {value}: {why}")]
    Invalid {
        /// The setting.
        field: &'static str,
        /// Its value.
        value: i64,
        /// What it must be.
        why: String,
    },
}

/// A checked schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// Days each key is active, the overlap included; on the calendar, the longest
    /// period (a 31-day month's turn).
    pub period_days: i64,
    /// Days two consecutive keys are both active.
    pub overlap_days: i64,
    /// A day on which a key period starts (a fixed cycle only).
    pub anchor_day: NaiveDate,
    /// Days of the month on which key periods start, in order; empty for a fixed cycle
    /// of `period_days - overlap_days` days from `anchor_day`.
    pub start_days: Vec<u32>,
    /// Days a deactivated key must go unused before it is deleted.
    pub delete_after_days: i64,
    /// A key used within this many days is in use.
    pub in_use_days: i64,
}

fn invalid(field: &'static str, value: i64, why: impl Into<String>) -> ScheduleError {
    ScheduleError::Invalid {
        field,
        value,
        why: why.into(),
    }
}

impl Schedule {
    /// The defaults: new keys on the 1st and the 15th of every month, 2 days of
    /// overlap, deletion after 7 unused days, in use within 90 days.
    pub fn standard() -> Schedule {
        let mut s = Schedule::fortnightly();
        s.start_days = DEFAULT_START_DAYS.to_vec();
        s.period_days = s.longest_gap() + s.overlap_days;
        s
    }

    /// A fixed cycle: 16-day periods overlapping 2 days from Monday 2024-01-01 (a new
    /// key every other Monday), deletion after 7 unused days, in use within 90 days.
    pub fn fortnightly() -> Schedule {
        Schedule {
            period_days: 16,
            overlap_days: 2,
            anchor_day: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            start_days: Vec::new(),
            delete_after_days: 7,
            in_use_days: 90,
        }
    }

    /// Checks the `[rotation]` settings.
    ///
    /// At most two keys may exist (IAM's limit, and KEY-002's intent): a key's period must
    /// end before the period after the next one starts, so `period_days >= 2 *
    /// overlap_days`; and a deactivated key must be deleted before its successor's
    /// successor is created, so `delete_after_days <= period_days - 2 * overlap_days`.
    ///
    /// The calendar (`start_days`) and a fixed cycle (`period_days`, `anchor_day`) exclude
    /// each other; without either, the calendar's 1st and 15th.
    pub fn new(r: &Rotation) -> Result<Schedule, ScheduleError> {
        let fixed = r.period_days.is_some() || r.anchor_day.is_some();
        let base = Schedule::fortnightly();
        let mut start_days = match &r.start_days {
            Some(days) if !days.is_empty() && fixed => {
                return Err(invalid(
                    "start_days",
                    days.len() as i64,
                    "set either `start_days` (days of the month) or `period_days` and `anchor_day` (a fixed cycle), not both",
                ))
            }
            Some(days) => days.clone(),
            None if fixed => Vec::new(),
            None => DEFAULT_START_DAYS.to_vec(),
        };
        start_days.sort_unstable();
        start_days.dedup();
        let mut s = Schedule {
            period_days: r.period_days.unwrap_or(base.period_days),
            overlap_days: r.overlap_days,
            anchor_day: r.anchor_day.unwrap_or(base.anchor_day),
            start_days,
            delete_after_days: r.delete_after_days,
            in_use_days: r.in_use_days,
        };
        if let Some(&d) = s.start_days.iter().find(|d| !(1..=28).contains(*d)) {
            return Err(invalid(
                "start_days",
                i64::from(d),
                "days of the month must be between 1 and 28, so that every month has them",
            ));
        }
        if !s.start_days.is_empty() {
            s.period_days = s.longest_gap() + s.overlap_days;
        }
        s.check()?;
        Ok(s)
    }

    /// Whether periods follow the calendar (`start_days`) rather than a fixed cycle.
    pub fn is_calendar(&self) -> bool {
        !self.start_days.is_empty()
    }

    /// Days between consecutive period starts, at least and at most: on the calendar a
    /// month's last start to the next month's first is shortest in February.
    fn gaps(&self) -> (i64, i64) {
        let Some((&first, &last)) = self.start_days.first().zip(self.start_days.last()) else {
            return (self.step(), self.step());
        };
        let turn = |month_days: u32| i64::from(month_days - last + first);
        let inner = self.start_days.windows(2).map(|w| i64::from(w[1] - w[0]));
        let shortest = inner.clone().chain([turn(28)]).min().unwrap_or(28);
        let longest = inner.chain([turn(31)]).max().unwrap_or(31);
        (shortest, longest)
    }

    fn longest_gap(&self) -> i64 {
        self.gaps().1
    }

    /// Checks the values (see [`Schedule::new`]).
    pub fn check(&self) -> Result<(), ScheduleError> {
        if !(1..=3650).contains(&self.overlap_days) {
            return Err(invalid(
                "overlap_days",
                self.overlap_days,
                "it must be between 1 and 3650: consumers need at least a day to switch keys",
            ));
        }
        if self.is_calendar() {
            let shortest = self.gaps().0;
            if shortest < self.overlap_days {
                return Err(invalid(
                    "overlap_days",
                    self.overlap_days,
                    format!("the `start_days` are {shortest} days apart at the least (February included): a longer overlap would make three keys overlap"),
                ));
            }
            let room = shortest - self.overlap_days;
            if !(0..=room).contains(&self.delete_after_days) {
                return Err(invalid(
                    "delete_after_days",
                    self.delete_after_days,
                    format!("it must be between 0 and the shortest gap between `start_days` less `overlap_days` ({room}), so the deactivated key is gone before the next one is created"),
                ));
            }
        } else if !(2 * self.overlap_days..=3650).contains(&self.period_days) {
            return Err(invalid(
                "period_days",
                self.period_days,
                format!(
                    "it must be at least twice `overlap_days` ({}) and at most 3650, or three keys would overlap",
                    2 * self.overlap_days
                ),
            ));
        }
        let room = self.period_days - 2 * self.overlap_days;
        if !self.is_calendar() && !(0..=room).contains(&self.delete_after_days) {
            return Err(invalid(
                "delete_after_days",
                self.delete_after_days,
                format!(
                    "it must be between 0 and `period_days - 2 * overlap_days` ({room}), so the deactivated key is gone before the next one is created"
                ),
            ));
        }
        if !(1..=3650).contains(&self.in_use_days) {
            return Err(invalid(
                "in_use_days",
                self.in_use_days,
                "it must be between 1 and 3650",
            ));
        }
        Ok(())
    }

    /// Days between two scheduled key creations (the longest, on the calendar).
    pub fn step(&self) -> i64 {
        self.period_days - self.overlap_days
    }

    /// The first day of the scheduled period holding `day`.
    pub fn period_start(&self, day: NaiveDate) -> NaiveDate {
        if self.is_calendar() {
            let this_month = self.start_days.iter().rev().find(|&&s| s <= day.day());
            return match this_month {
                Some(&s) => day.with_day(s).unwrap_or(day),
                None => {
                    let last = self.start_days.last().copied().unwrap_or(1);
                    let before = day.with_day(1).unwrap_or(day) - Duration::days(1);
                    before.with_day(last).unwrap_or(before)
                }
            };
        }
        let offset = (day - self.anchor_day).num_days();
        let k = offset.div_euclid(self.step());
        self.anchor_day + Duration::days(k * self.step())
    }

    /// The first scheduled period start on or after `day`.
    fn next_start(&self, day: NaiveDate) -> NaiveDate {
        if self.is_calendar() {
            if let Some(&s) = self.start_days.iter().find(|&&s| s >= day.day()) {
                return day.with_day(s).unwrap_or(day);
            }
            let first = self.start_days.first().copied().unwrap_or(1);
            let next = day.checked_add_months(Months::new(1)).unwrap_or(day);
            return next.with_day(first).unwrap_or(next);
        }
        let s = self.period_start(day);
        if s < day {
            s + Duration::days(self.step())
        } else {
            s
        }
    }

    /// When the successor of a key created on `created` is due: the first period start
    /// on or after the day its own predecessor may be deleted (`overlap_days +
    /// delete_after_days` after it was created), so a new key never waits for a deletion.
    /// For a key created on a period's first day that is the next period's first day; a
    /// key created late in its period (an overdue rotation) moves to the one after.
    pub fn successor_due(&self, created: NaiveDate) -> NaiveDate {
        self.next_start(created + Duration::days(self.overlap_days + self.delete_after_days))
    }

    /// The scheduled period of a key created on `created`: the days from the start of
    /// the period before its successor's to the last day of its overlap with it.
    pub fn key_period(&self, created: NaiveDate) -> (NaiveDate, NaiveDate) {
        let due = self.successor_due(created);
        let start = self.period_start(due - Duration::days(1));
        (start, due + Duration::days(self.overlap_days - 1))
    }

    /// When a key created on `created` is due to be deactivated: the day after its
    /// period, `overlap_days` after its successor is due.
    pub fn retire_due(&self, created: NaiveDate) -> NaiveDate {
        self.successor_due(created) + Duration::days(self.overlap_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn the_defaults_follow_the_calendar_1st_and_15th() {
        let s = Schedule::standard();
        assert_eq!(Schedule::new(&Rotation::default()), Ok(s.clone()));
        let (jan1, jan15, feb1) = (day("2027-01-01"), day("2027-01-15"), day("2027-02-01"));
        // Key 1: created on the 1st, active to the 16th; key 2: from the 15th to the 2nd.
        assert_eq!(s.key_period(jan1), (jan1, day("2027-01-16")));
        assert_eq!(s.successor_due(jan1), jan15);
        assert_eq!(s.retire_due(jan1), day("2027-01-17"));
        assert_eq!(s.key_period(jan15), (jan15, day("2027-02-02")));
        assert_eq!(s.successor_due(jan15), feb1);
        assert_eq!(s.retire_due(jan15), day("2027-02-03"));
        // February's turn is shorter, December's crosses the year.
        assert_eq!(s.successor_due(day("2027-02-15")), day("2027-03-01"));
        assert_eq!(s.successor_due(day("2026-12-15")), jan1);
        assert_eq!(s.period_start(day("2027-01-10")), jan1);
        assert_eq!(s.period_start(day("2027-01-31")), jan15);
        assert_eq!(s.period_start(day("2027-03-01")), day("2027-03-01"));
        // A late key keeps its period; an overdue one (created after the 6th) moves on.
        assert_eq!(s.successor_due(day("2027-01-06")), jan15);
        assert_eq!(s.successor_due(day("2027-01-07")), feb1);
        assert_eq!(s.key_period(day("2027-01-07")), (jan15, day("2027-02-02")));
        // The longest period (a 31-day month's turn) is what KEY-001 is compared with.
        assert_eq!(s.period_days, 19);
    }

    #[test]
    fn calendar_and_cycle_settings_are_checked() {
        let mut r = Rotation {
            start_days: Some(vec![20, 5, 5]),
            ..Rotation::default()
        };
        let s = Schedule::new(&r).unwrap();
        assert_eq!(s.start_days, vec![5, 20]);
        assert_eq!(s.successor_due(day("2027-01-20")), day("2027-02-05"));
        r.start_days = Some(vec![1, 29]);
        let e = Schedule::new(&r).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("`rotation.start_days` is 29")));
        r.start_days = Some(vec![1, 15]);
        r.period_days = Some(20);
        let e = Schedule::new(&r).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("not both")));
        // Only a fixed cycle: the calendar is off.
        r.start_days = None;
        let s = Schedule::new(&r).unwrap();
        assert!(!s.is_calendar());
        assert_eq!(s.step(), 18);
        // Overlaps and deletions that would make three keys overlap.
        let mut r = Rotation {
            overlap_days: 15,
            ..Rotation::default()
        };
        let e = Schedule::new(&r).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("14 days apart at the least")));
        r.overlap_days = 2;
        r.delete_after_days = 13;
        let e = Schedule::new(&r).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("(12)")));
    }

    #[test]
    fn the_fortnightly_cycle_gives_the_1st_to_16th_and_15th_to_30th() {
        let s = Schedule::fortnightly();
        let first = day("2024-01-01");
        assert_eq!(s.period_start(day("2024-01-10")), first);
        assert_eq!(s.key_period(first), (first, day("2024-01-16")));
        assert_eq!(s.successor_due(first), day("2024-01-15"));
        assert_eq!(s.key_period(day("2024-01-15")).1, day("2024-01-30"));
        assert_eq!(s.retire_due(first), day("2024-01-17"));
        // A key created a day late keeps its period; one created at its period's end
        // (an overdue rotation) moves to the next, so its successor is not due at once.
        assert_eq!(s.successor_due(day("2024-01-02")), day("2024-01-15"));
        assert_eq!(s.successor_due(day("2024-01-06")), day("2024-01-15"));
        assert_eq!(s.successor_due(day("2024-01-07")), day("2024-01-29"));
        // Before the anchor too.
        assert_eq!(s.period_start(day("2023-12-31")), day("2023-12-18"));
        // Every period starts on a Monday.
        use chrono::Datelike;
        assert_eq!(
            s.period_start(day("2026-11-01")).weekday(),
            chrono::Weekday::Mon
        );
    }

    #[test]
    fn the_rotation_section_is_read_and_optional() {
        let c = phiward_checks::Config::parse(
            "[rotation]\nperiod_days = 30\noverlap_days = 3\nanchor_day = \"2026-01-05\"\nexempt_groups = [\"Vendors\"]\n",
            "phiward.toml",
        );
        let r = c.map(|c| c.rotation).ok();
        assert_eq!(r.as_ref().map(|r| r.period_days), Some(Some(30)));
        assert_eq!(r.as_ref().map(|r| r.delete_after_days), Some(7));
        assert_eq!(r.map(|r| r.anchor_day), Some(Some(day("2026-01-05"))));
        assert!(phiward_checks::Config::parse("[rotation]\nperiod = 3\n", "x").is_err());
        let plain = phiward_checks::Config::parse("[admins]\nmin = 1\n", "x");
        assert_eq!(plain.map(|c| c.rotation.start_days).ok(), Some(None));
    }

    #[test]
    fn impossible_schedules_are_refused() {
        let mut r = Rotation {
            period_days: Some(16),
            ..Rotation::default()
        };
        assert!(Schedule::new(&r).is_ok());
        r.overlap_days = 9;
        assert!(matches!(
            Schedule::new(&r),
            Err(ScheduleError::Invalid {
                field: "period_days",
                ..
            })
        ));
        r.overlap_days = 2;
        r.delete_after_days = 13;
        let e = Schedule::new(&r).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("`rotation.delete_after_days` is 13: it must be between 0 and `period_days - 2 * overlap_days` (12), so the deactivated key is gone before the next one is created")
        );
        r.delete_after_days = 7;
        r.overlap_days = 0;
        assert!(Schedule::new(&r).is_err());
    }
}
