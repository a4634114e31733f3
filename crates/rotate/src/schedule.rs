//! The two-key overlap schedule: when keys are created, how long they overlap, when the
//! old one is deactivated and deleted.
//!
//! Scheduled key periods start every `step = period_days - overlap_days` days, counted
//! from `anchor_day` in both directions. A key created on any day of a period is replaced
//! by a new key on the next period's first day, and deactivated `overlap_days` later, so
//! each key stays within its own period of `period_days` days and two consecutive keys
//! are both active on exactly `overlap_days` days. With the defaults (16, 2, a Monday)
//! key 1 is active from the 1st to the 16th of a cycle and key 2 from the 15th to the
//! 30th (the 2nd of the next cycle), and every new key is due on a Monday.
//!
//! AWS recommends two keys for rotation without downtime: create the second key, update
//! the applications, deactivate the first, then delete it
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html>).

use chrono::{Duration, NaiveDate};
use phiward_checks::config::Rotation;
use serde::Serialize;

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
    /// Days each key is active, the overlap included.
    pub period_days: i64,
    /// Days two consecutive keys are both active.
    pub overlap_days: i64,
    /// A day on which a key period starts.
    pub anchor_day: NaiveDate,
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
    /// The defaults: 16-day periods overlapping 2 days from Monday 2024-01-01, deletion
    /// after 7 unused days, in use within 90 days.
    pub fn standard() -> Schedule {
        Schedule {
            period_days: 16,
            overlap_days: 2,
            anchor_day: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
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
    pub fn new(r: &Rotation) -> Result<Schedule, ScheduleError> {
        let s = Schedule {
            period_days: r.period_days,
            overlap_days: r.overlap_days,
            anchor_day: r.anchor_day,
            delete_after_days: r.delete_after_days,
            in_use_days: r.in_use_days,
        };
        s.check()?;
        Ok(s)
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
        if !(2 * self.overlap_days..=3650).contains(&self.period_days) {
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
        if !(0..=room).contains(&self.delete_after_days) {
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

    /// Days between two scheduled key creations.
    pub fn step(&self) -> i64 {
        self.period_days - self.overlap_days
    }

    /// The first day of the scheduled period holding `day`.
    pub fn period_start(&self, day: NaiveDate) -> NaiveDate {
        let offset = (day - self.anchor_day).num_days();
        let k = offset.div_euclid(self.step());
        self.anchor_day + Duration::days(k * self.step())
    }

    /// The first scheduled period start on or after `day`.
    fn next_start(&self, day: NaiveDate) -> NaiveDate {
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
        let start = self.successor_due(created) - Duration::days(self.step());
        (start, start + Duration::days(self.period_days - 1))
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
    fn the_defaults_give_the_1st_to_16th_and_15th_to_30th() {
        let s = Schedule::standard();
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
        assert_eq!(r.as_ref().map(|r| r.period_days), Some(30));
        assert_eq!(r.as_ref().map(|r| r.delete_after_days), Some(7));
        assert_eq!(r.map(|r| r.anchor_day), Some(day("2026-01-05")));
        assert!(phiward_checks::Config::parse("[rotation]\nperiod = 3\n", "x").is_err());
        let plain = phiward_checks::Config::parse("[admins]\nmin = 1\n", "x");
        assert_eq!(plain.map(|c| c.rotation.period_days).ok(), Some(16));
    }

    #[test]
    fn impossible_schedules_are_refused() {
        let mut r = Rotation::default();
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
