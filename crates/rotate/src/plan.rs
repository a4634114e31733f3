//! `phiward rotate plan`: every IAM user's access keys placed in the schedule, from a
//! snapshot. Pure: the snapshot, the configuration and (optionally) the consumers read
//! from CloudTrail logs come in, a [`Plan`] goes out.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use phiward_checks::Config;
use phiward_snapshot::model::iam::{tag, CredentialStatus, User};
use phiward_snapshot::Snapshot;
use serde::Serialize;

use crate::consumers::{Consumer, Consumers};
use crate::planner::{decide, Action, Anomaly, Dated, Hold, KeyFacts, Options};
use crate::schedule::Schedule;
use crate::timeline::{timeline, Entry};

/// The plan for an account.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The moment planned from: the snapshot's `as_of` (else when it was made).
    pub as_of: DateTime<Utc>,
    /// The account id, when known.
    pub account: Option<String>,
    /// The schedule.
    pub schedule: Schedule,
    /// The calendar's last day.
    pub until: NaiveDate,
    /// Users with access keys, by name.
    pub users: Vec<UserPlan>,
    /// The root user's keys: never rotated, to be deleted.
    pub root_keys: Vec<RootKey>,
    /// Users with keys that are exempt from rotation.
    pub exempt: Vec<Exempt>,
    /// What the plan could not see, and where the schedule and the KEY checks disagree.
    pub notes: Vec<String>,
    /// The CloudTrail logs read, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogsRead>,
}

/// What reading the CloudTrail logs gave.
#[derive(Clone, Debug, Serialize)]
pub struct LogsRead {
    /// Files read.
    pub files: usize,
    /// Files or records skipped.
    pub problems: Vec<String>,
}

/// One user's keys and calendar.
#[derive(Clone, Debug, Serialize)]
pub struct UserPlan {
    /// The user name.
    pub user: String,
    /// The user's ARN.
    pub arn: String,
    /// Who owns the user (the first `[recertification] owner_tags` tag found).
    pub owner: Option<String>,
    /// The keys, oldest first.
    pub keys: Vec<KeyPlan>,
    /// The calendar, from the plan's day to its last day.
    pub calendar: Vec<Entry>,
    /// What stops the rotation, if anything.
    pub hold: Option<Hold>,
    /// Keys out of schedule.
    pub anomalies: Vec<Anomaly>,
    /// Calls of the user that name no long-term key (from the logs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_calls: Option<Consumer>,
}

impl UserPlan {
    /// Whether something is out of schedule or needs the owner.
    pub fn needs_attention(&self) -> bool {
        !self.anomalies.is_empty() || self.hold.as_ref().is_some_and(Hold::needs_owner)
    }
}

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The user's newest active key.
    Current,
    /// The older of two active keys: being replaced.
    Outgoing,
    /// Inactive: waiting to be deleted.
    Retired,
}

/// One key in the schedule.
#[derive(Clone, Debug, Serialize)]
pub struct KeyPlan {
    /// The key id, or `key 1` / `key 2` when only the credential report names it.
    pub id: String,
    /// Its place.
    pub place: Place,
    /// When it was created.
    pub created: NaiveDate,
    /// When it was last used.
    pub last_used: Option<NaiveDate>,
    /// The scheduled period it belongs to: first and last active day.
    pub period: (NaiveDate, NaiveDate),
    /// Its next action (for the current key, its successor's creation) and the day.
    pub next: Option<Dated>,
    /// Why it is out of schedule (empty when it is not).
    pub out_of_schedule: Vec<String>,
    /// Who uses it (from the logs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumers: Option<Consumer>,
}

/// A root user's access key.
#[derive(Clone, Debug, Serialize)]
pub struct RootKey {
    /// The credential report's slot, when known.
    pub slot: Option<u8>,
    /// Whether it is active, when known.
    pub active: Option<bool>,
    /// When it was created.
    pub created: Option<NaiveDate>,
    /// When it was last used.
    pub last_used: Option<NaiveDate>,
}

/// A user exempt from rotation.
#[derive(Clone, Debug, Serialize)]
pub struct Exempt {
    /// The user name.
    pub user: String,
    /// Why the user is exempt (the tag or group that exempts it).
    pub reason: String,
    /// How many keys the user has.
    pub keys: usize,
}

/// Why `user` is exempt, if it is: the `exempt_tag` tag (its value gives the reason) or
/// membership of an `exempt_groups` group.
pub fn exemption(config: &Config, tags: &[(String, String)], groups: &[String]) -> Option<String> {
    let r = &config.rotation;
    if let Some((_, v)) = tags.iter().find(|(k, _)| k == &r.exempt_tag) {
        let why = if v.is_empty() {
            String::new()
        } else {
            format!(": {v}")
        };
        return Some(format!("tag `{}`{why}", r.exempt_tag));
    }
    groups
        .iter()
        .find(|g| r.exempt_groups.iter().any(|e| e == *g))
        .map(|g| format!("member of group `{g}`"))
}

/// A key of the snapshot as the planner sees it; `None` without a creation date.
fn facts(i: usize, k: &phiward_snapshot::model::iam::AccessKey) -> Option<KeyFacts> {
    let id = k
        .access_key_id
        .clone()
        .unwrap_or_else(|| format!("key {}", k.slot.map_or(i + 1, usize::from)));
    Some(KeyFacts {
        id,
        active: k.status == CredentialStatus::Active,
        created: k.create_date?,
        last_used: k.last_used_date,
        deactivated: None,
    })
}

/// Plans every user of `snap` with keys, up to `horizon_days` after its moment; only the
/// users in `only` when it is not empty.
pub fn plan(
    snap: &Snapshot,
    config: &Config,
    schedule: &Schedule,
    consumers: Option<&Consumers>,
    horizon_days: i64,
    only: &[String],
) -> Plan {
    let as_of = snap.as_of.unwrap_or(snap.created);
    let until = as_of.date_naive() + Duration::days(horizon_days.max(0));
    let mut p = Plan {
        as_of,
        account: snap.account.id.clone(),
        schedule: schedule.clone(),
        until,
        users: Vec::new(),
        root_keys: root_keys(snap),
        exempt: Vec::new(),
        notes: agreement(config, schedule),
        logs: consumers.map(|c| LogsRead {
            files: c.files,
            problems: c.problems.clone(),
        }),
    };
    let Some(iam) = snap.iam.get() else {
        p.notes
            .push("IAM users were not collected: no user could be planned".into());
        return p;
    };
    for u in iam
        .users
        .iter()
        .filter(|u| only.is_empty() || only.contains(&u.user_name))
    {
        let Some(creds) = u.credentials.get() else {
            p.notes.push(format!(
                "the credentials of `{}` were not collected",
                u.user_name
            ));
            continue;
        };
        if creds.access_keys.is_empty() {
            continue;
        }
        let tags: Vec<(String, String)> = u
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        if let Some(reason) = exemption(config, &tags, &u.group_list) {
            p.exempt.push(Exempt {
                user: u.user_name.clone(),
                reason,
                keys: creds.access_keys.len(),
            });
            continue;
        }
        let mut keys = Vec::new();
        for (i, k) in creds.access_keys.iter().enumerate() {
            match facts(i, k) {
                Some(f) => keys.push(f),
                None => p.notes.push(format!(
                    "an access key of `{}` has no creation date: left out",
                    u.user_name
                )),
            }
        }
        p.users.push(user_plan(
            u, config, &keys, as_of, schedule, until, consumers,
        ));
    }
    p.users.sort_by(|a, b| a.user.cmp(&b.user));
    p.exempt.sort_by(|a, b| a.user.cmp(&b.user));
    p
}

fn user_plan(
    u: &User,
    config: &Config,
    keys: &[KeyFacts],
    as_of: DateTime<Utc>,
    s: &Schedule,
    until: NaiveDate,
    consumers: Option<&Consumers>,
) -> UserPlan {
    let d = decide(keys, as_of, s, Options::default());
    let t = timeline(keys, as_of, s, until);
    let mut sorted = keys.to_vec();
    sorted.sort_by_key(|k| k.created);
    let newest_active = sorted.iter().rev().find(|k| k.active).map(|k| k.id.clone());
    let key_plans = sorted
        .iter()
        .map(|k| {
            let place = if !k.active {
                Place::Retired
            } else if Some(&k.id) == newest_active.as_ref() {
                Place::Current
            } else {
                Place::Outgoing
            };
            let next = t
                .entries
                .iter()
                .find(|e| match &e.dated.action {
                    Action::Deactivate { key, .. } | Action::Delete { key } => key == &k.id,
                    Action::Create => place == Place::Current,
                })
                .map(|e| e.dated.clone());
            let created = k.created.date_naive();
            KeyPlan {
                id: k.id.clone(),
                place,
                created,
                last_used: k.last_used.map(|t| t.date_naive()),
                period: s.key_period(created),
                next,
                out_of_schedule: d
                    .anomalies
                    .iter()
                    .filter(|a| a.key() == Some(k.id.as_str()) || a.key().is_none())
                    .map(describe_anomaly)
                    .collect(),
                consumers: consumers.and_then(|c| c.by_key.get(&k.id).cloned()),
            }
        })
        .collect();
    let owner = config
        .recertification
        .owner_tags
        .iter()
        .find_map(|t| tag(&u.tags, t))
        .map(str::to_string);
    UserPlan {
        user: u.user_name.clone(),
        arn: u.arn.clone(),
        owner,
        keys: key_plans,
        calendar: t.entries,
        hold: t.hold.or(d.hold),
        anomalies: d.anomalies,
        other_calls: consumers.and_then(|c| c.by_user.get(&u.user_name).cloned()),
    }
}

/// The root user's keys, from the credential report, else the account summary.
fn root_keys(snap: &Snapshot) -> Vec<RootKey> {
    if let Some(row) = snap.credential_report.get().and_then(|r| r.root()) {
        let mut out = Vec::new();
        for (slot, active, rotated, used) in [
            (
                1,
                &row.access_key_1_active,
                &row.access_key_1_last_rotated,
                &row.access_key_1_last_used_date,
            ),
            (
                2,
                &row.access_key_2_active,
                &row.access_key_2_last_rotated,
                &row.access_key_2_last_used_date,
            ),
        ] {
            // A key exists when the report gives it a creation (rotation) date.
            if let Some(created) = rotated.get() {
                out.push(RootKey {
                    slot: Some(slot),
                    active: active.get(),
                    created: Some(created.date_naive()),
                    last_used: used.get().map(|t| t.date_naive()),
                });
            }
        }
        return out;
    }
    match snap
        .account_summary
        .get()
        .and_then(|s| s.root_access_keys_present())
    {
        Some(true) => vec![RootKey {
            slot: None,
            active: None,
            created: None,
            last_used: None,
        }],
        _ => Vec::new(),
    }
}

/// Where the schedule would let keys fail KEY-001 or KEY-002.
fn agreement(config: &Config, s: &Schedule) -> Vec<String> {
    let t = &config.thresholds;
    let mut notes = Vec::new();
    if s.period_days > t.max_key_age_days {
        notes.push(format!(
            "keys stay active up to {} days (`rotation.period_days`), older than KEY-001 allows (`thresholds.max_key_age_days` = {})",
            s.period_days, t.max_key_age_days
        ));
    }
    if s.overlap_days > t.key_overlap_days {
        notes.push(format!(
            "both keys stay active {} days (`rotation.overlap_days`), longer than KEY-002 allows (`thresholds.key_overlap_days` = {})",
            s.overlap_days, t.key_overlap_days
        ));
    }
    notes
}

/// One line for an anomaly.
pub fn describe_anomaly(a: &Anomaly) -> String {
    match a {
        Anomaly::OlderThanPeriod { key, due } => {
            format!("`{key}` is older than its period: it was due to be deactivated on {due}")
        }
        Anomaly::BothActiveOutsideOverlap { since } => {
            format!("both keys are active although the overlap ended on {since}")
        }
        Anomaly::InactiveNotDeleted { key, due } => {
            format!("`{key}` is inactive but not deleted: it was due to be deleted on {due}")
        }
        Anomaly::NeverUsed { key } => format!("`{key}` has never been used"),
        Anomaly::TooManyKeys { count } => format!("{count} keys, more than IAM's two"),
    }
}

/// One line for a hold.
pub fn describe_hold(h: &Hold) -> String {
    match h {
        Hold::BothInUse { newer, older } => format!(
            "both keys (`{older}` and `{newer}`) are active and in use, and both are due: decide which one goes, switch its consumers to the other, and deactivate it"
        ),
        Hold::NewKeyUnused { new, old, since } => format!(
            "the overlap ended on {since} but `{new}` has never been used while `{old}` still is: switch the consumers of `{old}` to `{new}` (or pass --force to deactivate `{old}` anyway)"
        ),
        Hold::InactiveNotDeletable { key, until } => format!(
            "a new key is due, but the inactive key `{key}` may only be deleted on {until}: the rotation waits until then"
        ),
    }
}

/// One line for an action.
pub fn describe_action(a: &Action) -> String {
    match a {
        Action::Create => "create a new key, store it and switch the consumers to it".into(),
        Action::Deactivate { key, why } => match why {
            crate::planner::Why::Rotated => format!("deactivate `{key}` (replaced)"),
            crate::planner::Why::Unused => format!("deactivate `{key}` (not in use)"),
        },
        Action::Delete { key } => format!("delete `{key}`"),
    }
}
