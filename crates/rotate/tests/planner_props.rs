//! Property test of the planner over random schedules (fixed cycles and calendars), clocks and starting states: a
//! user's keys are driven day by day by what the planner says is due, with a consumer
//! that switches to each new key some time within the overlap. Whatever the start:
//! never more than two keys, never an active key deleted, every day at least one active
//! key (when there was one), the consumer never locked out, and every key the planner
//! creates stays within its period.

#![expect(clippy::unwrap_used, reason = "tests fail on unexpected data")]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use phiward_rotate::planner::{decide, Action, Dated, KeyFacts, Options};
use phiward_rotate::Schedule;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    schedule: Schedule,
    /// The first day, as days from the anchor (negative: before it).
    start: i64,
    /// The time of day of the daily run, in minutes.
    minute: i64,
    /// Days after a key's creation the consumer switches to it (within the overlap).
    switch_after: i64,
    /// The starting keys: (days before the start it was created, active, days before
    /// the start it was last used).
    keys: Vec<(i64, bool, Option<i64>)>,
}

/// Calendars the test draws from (days of the month periods start on), besides fixed
/// cycles (empty): the default 1st and 15th, monthly, and gaps as short as a week.
const CALENDARS: &[&[u32]] = &[&[], &[1, 15], &[1], &[1, 11, 21], &[5, 12, 19, 26], &[28]];

/// (shortest, longest) days between period starts on a calendar, February included.
fn gaps(days: &[u32]) -> (i64, i64) {
    let (first, last) = (days[0], days[days.len() - 1]);
    let inner: Vec<i64> = days.windows(2).map(|w| i64::from(w[1] - w[0])).collect();
    let shortest = inner
        .iter()
        .copied()
        .chain([i64::from(28 - last + first)])
        .min()
        .unwrap();
    let longest = inner
        .iter()
        .copied()
        .chain([i64::from(31 - last + first)])
        .max()
        .unwrap();
    (shortest, longest)
}

fn case() -> impl Strategy<Value = Case> {
    (
        1i64..=6,
        0i64..=30,
        0i64..=40,
        1i64..=120,
        0..CALENDARS.len(),
    )
        .prop_flat_map(|(overlap, extra, delete, in_use, calendar)| {
            let start_days = CALENDARS[calendar].to_vec();
            let (period, delete) = if start_days.is_empty() {
                let period = 2 * overlap + extra;
                (period, delete.min(period - 2 * overlap))
            } else {
                let (shortest, longest) = gaps(&start_days);
                (longest + overlap, delete.min(shortest - overlap))
            };
            let key = (0i64..400, any::<bool>(), proptest::option::of(0i64..150));
            (
                Just(Schedule {
                    period_days: period,
                    overlap_days: overlap,
                    anchor_day: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                    start_days,
                    delete_after_days: delete,
                    in_use_days: in_use,
                }),
                -2000i64..2000,
                0i64..1440,
                0..overlap,
                proptest::collection::vec(key, 0..=2),
            )
        })
        .prop_map(|(schedule, start, minute, switch_after, keys)| Case {
            schedule,
            start,
            minute,
            switch_after,
            keys,
        })
}

struct Sim {
    keys: Vec<KeyFacts>,
    /// Keys the planner created: id, creation day, deactivation day.
    created: Vec<(String, NaiveDate, Option<NaiveDate>)>,
    /// The key the consumer uses, if it uses one.
    consumer: Option<String>,
    next_id: usize,
}

fn run(c: &Case) -> Result<(), TestCaseError> {
    let s = &c.schedule;
    prop_assert!(s.check().is_ok());
    let day0 = s.anchor_day + Duration::days(c.start);
    let at = |d: NaiveDate| -> DateTime<Utc> {
        d.and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::minutes(c.minute)
    };
    let mut sim = Sim {
        keys: Vec::new(),
        created: Vec::new(),
        consumer: None,
        next_id: 0,
    };
    for (i, (age, active, used)) in c.keys.iter().enumerate() {
        let created = at(day0) - Duration::days(*age) - Duration::hours(1);
        let last_used = used
            .filter(|u| u < age)
            .map(|u| at(day0) - Duration::days(u) - Duration::minutes(30));
        sim.keys.push(KeyFacts {
            id: format!("start-{i}"),
            active: *active,
            created,
            last_used,
            deactivated: None,
        });
    }
    // The consumer is on the active key used most recently, if that one is in use.
    sim.consumer = sim
        .keys
        .iter()
        .filter(|k| k.active && phiward_rotate::planner::in_use(k, day0, s))
        .max_by_key(|k| k.last_used)
        .map(|k| k.id.clone());
    let had_active = sim.keys.iter().any(|k| k.active);
    let days = 3 * s.in_use_days + 6 * s.period_days + 60;
    for n in 0..days {
        let today = day0 + Duration::days(n);
        let now = at(today);
        for _ in 0..6 {
            let d = decide(&sim.keys, now, s, Options::default());
            if d.now.is_empty() {
                break;
            }
            for a in &d.now {
                apply(&mut sim, a, now, today)?;
            }
        }
        // The consumer moves to the newest key `switch_after` days after it came.
        if let Some(newest) = sim
            .keys
            .iter()
            .filter(|k| k.active)
            .max_by_key(|k| k.created)
        {
            let switch = newest.created.date_naive() + Duration::days(c.switch_after);
            if sim.consumer.as_deref() != Some(&newest.id)
                && newest.id.starts_with("new-")
                && today >= switch
            {
                sim.consumer = Some(newest.id.clone());
            }
        }
        if let Some(id) = sim.consumer.clone() {
            match sim.keys.iter_mut().find(|k| k.id == id) {
                Some(k) if k.active => k.last_used = Some(now),
                _ => prop_assert!(false, "the consumer is locked out of {id} on {today}"),
            }
        }
        prop_assert!(sim.keys.len() <= 2, "{} keys on {today}", sim.keys.len());
        if had_active {
            prop_assert!(
                sim.keys.iter().any(|k| k.active),
                "no active key on {today}"
            );
        }
    }
    // Every key the planner created stayed within its period; those created on a
    // period's first day were active at most `period_days` days.
    for (id, created, off) in &sim.created {
        let retire = s.retire_due(*created);
        let off = off.unwrap_or(day0 + Duration::days(days));
        prop_assert!(
            off <= retire,
            "{id} created {created} was active until {off}, due off on {retire}"
        );
        if s.period_start(*created) == *created {
            prop_assert!((off - *created).num_days() <= s.period_days);
        }
    }
    if had_active {
        prop_assert!(
            sim.keys
                .iter()
                .any(|k| k.active && k.id.starts_with("new-")),
            "no rotation happened in {days} days"
        );
    }
    Ok(())
}

fn apply(
    sim: &mut Sim,
    a: &Dated,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(), TestCaseError> {
    match &a.action {
        Action::Create => {
            prop_assert!(sim.keys.len() < 2, "a create with two keys on {today}");
            let id = format!("new-{}", sim.next_id);
            sim.next_id += 1;
            sim.keys.push(KeyFacts {
                id: id.clone(),
                active: true,
                created: now,
                last_used: None,
                deactivated: None,
            });
            sim.created.push((id, today, None));
        }
        Action::Deactivate { key, .. } => {
            let k = sim.keys.iter_mut().find(|k| &k.id == key).unwrap();
            prop_assert!(k.active);
            k.active = false;
            k.deactivated = Some(now);
            for c in sim.created.iter_mut().filter(|c| &c.0 == key) {
                c.2 = Some(today);
            }
            prop_assert!(
                sim.keys.iter().any(|k| k.active),
                "the last active key deactivated on {today}"
            );
        }
        Action::Delete { key } => {
            let k = sim.keys.iter().find(|k| &k.id == key).unwrap();
            prop_assert!(!k.active, "active key {key} deleted on {today}");
            sim.keys.retain(|k| &k.id != key);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_planner_keeps_the_schedule_safe(c in case()) {
        run(&c)?;
    }
}
