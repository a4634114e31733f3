//! Campaigns: starting one (every right of every person frozen in one transaction, each
//! assigned its reviewer and recorded in the ledger), listing them, their items, their
//! progress, and what changed since the last completed one.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension as _, Row};
use serde::Serialize;

use crate::directory::Reviewers;
use crate::keys::Key;
use crate::ledger::{self, Event};
use crate::rights::Built;
use crate::store::{DbResult as _, Store};
use crate::{Error, Result};

/// What happens to items nobody decided when the campaign closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreviewed {
    /// They stay, as `kept`.
    Keep,
    /// They are revoked, and appear in the plan.
    Revoke,
    /// They stay, as `flagged`: failing CERT findings.
    Flag,
}

impl Unreviewed {
    /// Parses `keep`, `revoke` or `flag`.
    pub fn parse(s: &str) -> Option<Unreviewed> {
        match s {
            "keep" => Some(Unreviewed::Keep),
            "revoke" => Some(Unreviewed::Revoke),
            "flag" => Some(Unreviewed::Flag),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Unreviewed::Keep => "keep",
            Unreviewed::Revoke => "revoke",
            Unreviewed::Flag => "flag",
        }
    }
}

/// How to start a campaign.
#[derive(Clone, Debug)]
pub struct Start<'a> {
    /// Its name (`Q1-2027`).
    pub name: &'a str,
    /// Its due date.
    pub due: NaiveDate,
    /// The snapshot folder, as given.
    pub snapshot: &'a str,
    /// SHA-256 of the snapshot's model.
    pub snapshot_digest: &'a str,
    /// The account.
    pub account: Option<&'a str>,
    /// What happens to undecided items at close.
    pub unreviewed: Unreviewed,
    /// Who starts it.
    pub actor: &'a str,
    /// From which session.
    pub session: &'a str,
}

/// A campaign.
#[derive(Clone, Debug, Serialize)]
pub struct Campaign {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The snapshot folder it was started from.
    pub snapshot: String,
    /// The snapshot's digest.
    pub snapshot_digest: String,
    /// The account.
    pub account: Option<String>,
    /// When it started.
    pub started_at: String,
    /// Its due date.
    pub due: String,
    /// `keep`, `revoke` or `flag`.
    pub unreviewed: String,
    /// The campaign it is compared with.
    pub previous: Option<i64>,
    /// `open` or `closed`.
    pub status: String,
    /// When it closed.
    pub closed_at: Option<String>,
}

/// An item: one right of one person, with its reviewer and decision.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Its id.
    pub id: i64,
    /// The campaign.
    pub campaign: i64,
    /// The person.
    pub person: String,
    /// Their e-mail.
    pub email: Option<String>,
    /// `group`, `policy`, `inline_policy`, `role`, `phi_resource`.
    pub kind: String,
    /// The principal holding the right.
    pub principal: String,
    /// The group, policy, role or resource.
    pub right_name: String,
    /// How the person has it.
    pub via: String,
    /// PHI or leading to PHI.
    pub phi: bool,
    /// The stable key of the right between campaigns.
    pub key: String,
    /// The evidence, JSON.
    pub evidence: serde_json::Value,
    /// SHA-256 of the right and its evidence.
    pub digest: String,
    /// `first`, `new`, `changed` or `unchanged` since the previous campaign.
    pub change: String,
    /// Who reviews it.
    pub reviewer: String,
    /// Nobody above the person was known.
    pub orphan: bool,
    /// `pending`, `approved`, `revoked`, `kept`, `flagged`.
    pub status: String,
    /// The reason given.
    pub reason: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When the decision was recorded (RFC 3339), if it was.
    pub decided_at: Option<String>,
}

/// The columns [`item_row`] reads.
pub const ITEM_COLUMNS: &str = "id, campaign, person, email, kind, principal, right_name, via, phi, key, evidence, digest, change, reviewer, orphan, status, reason, decided_by, decided_at";

/// Reads an item row selected with [`ITEM_COLUMNS`].
pub fn item_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    let evidence: String = r.get(10)?;
    Ok(Item {
        id: r.get(0)?,
        campaign: r.get(1)?,
        person: r.get(2)?,
        email: r.get(3)?,
        kind: r.get(4)?,
        principal: r.get(5)?,
        right_name: r.get(6)?,
        via: r.get(7)?,
        phi: r.get(8)?,
        key: r.get(9)?,
        evidence: serde_json::from_str(&evidence).unwrap_or(serde_json::Value::Null),
        digest: r.get(11)?,
        change: r.get(12)?,
        reviewer: r.get(13)?,
        orphan: r.get(14)?,
        status: r.get(15)?,
        reason: r.get(16)?,
        decided_by: r.get(17)?,
        decided_at: r.get(18)?,
    })
}

const CAMPAIGN_COLUMNS: &str =
    "id, name, snapshot, snapshot_digest, account, started_at, due, unreviewed, previous, status, closed_at";

fn campaign_row(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        snapshot: r.get(2)?,
        snapshot_digest: r.get(3)?,
        account: r.get(4)?,
        started_at: r.get(5)?,
        due: r.get(6)?,
        unreviewed: r.get(7)?,
        previous: r.get(8)?,
        status: r.get(9)?,
        closed_at: r.get(10)?,
    })
}

/// What [`start`] made.
#[derive(Clone, Debug, Serialize)]
pub struct Started {
    /// The campaign.
    pub campaign: Campaign,
    /// Items created.
    pub items: usize,
    /// Items whose person has nobody above them.
    pub orphans: usize,
    /// Items per change class: new, changed, unchanged, first.
    pub new: usize,
    /// Changed since the previous campaign.
    pub changed: usize,
}

/// Starts a campaign: one transaction for the campaign, every item and every ledger
/// entry, so that a campaign is there whole or not at all.
pub fn start(
    store: &mut Store,
    key: &Key,
    built: &Built,
    reviewers: &Reviewers,
    s: &Start<'_>,
) -> Result<Started> {
    let path = store.path.clone();
    let tx = store.conn.transaction().db(&path)?;
    let taken: Option<i64> = tx
        .query_row("SELECT id FROM campaigns WHERE name = ?1", [s.name], |r| {
            r.get(0)
        })
        .optional()
        .db(&path)?;
    if taken.is_some() {
        return Err(Error::refused(format!(
            "a campaign named `{}` already exists",
            s.name
        )));
    }
    let previous: Option<i64> = tx
        .query_row(
            "SELECT id FROM campaigns WHERE status = 'closed' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .db(&path)?;
    let mut before = std::collections::HashMap::new();
    if let Some(p) = previous {
        let mut st = tx
            .prepare("SELECT key, digest FROM items WHERE campaign = ?1")
            .db(&path)?;
        let rows = st
            .query_map([p], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .db(&path)?;
        for row in rows {
            let (k, d) = row.db(&path)?;
            before.insert(k, d);
        }
    }
    let due = s.due.to_string();
    let started_at = crate::now();
    tx.execute(
        "INSERT INTO campaigns (name, snapshot, snapshot_digest, account, started_at, due, unreviewed, previous, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open')",
        params![s.name, s.snapshot, s.snapshot_digest, s.account, started_at, due, s.unreviewed.as_str(), previous],
    )
    .db(&path)?;
    let id = tx.last_insert_rowid();
    let mut head = ledger::append(
        &tx,
        &path,
        key,
        &Event {
            kind: "start",
            campaign: Some(id),
            item: None,
            actor: s.actor,
            session: s.session,
            digest: s.snapshot_digest,
            payload: serde_json::json!({
                "name": s.name, "due": due, "snapshot_digest": s.snapshot_digest,
                "unreviewed": s.unreviewed.as_str(), "previous": previous, "items": built.rights.len(),
            }),
        },
    )?;
    let (mut orphans, mut new, mut changed) = (0, 0, 0);
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO items (campaign, person, email, kind, principal, right_name, via, phi, key, evidence, digest, change, reviewer, orphan, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'pending')",
            )
            .db(&path)?;
        for r in &built.rights {
            let k = r.key();
            let digest = r.digest();
            let change = match (previous, before.get(&k)) {
                (None, _) => "first",
                (Some(_), None) => "new",
                (Some(_), Some(d)) if *d != digest => "changed",
                _ => "unchanged",
            };
            new += usize::from(change == "new");
            changed += usize::from(change == "changed");
            let a = reviewers.assign(&r.person);
            orphans += usize::from(a.orphan);
            let email = r.email.clone().or_else(|| reviewers.email_of(&r.person));
            ins.execute(params![
                id,
                r.person,
                email,
                r.kind.as_str(),
                r.principal,
                r.right,
                r.via,
                r.phi,
                k,
                r.evidence.to_string(),
                digest,
                change,
                a.reviewer,
                a.orphan
            ])
            .db(&path)?;
            let item = tx.last_insert_rowid();
            head = ledger::append_after(
                &tx,
                &path,
                key,
                &Event {
                    kind: "assign",
                    campaign: Some(id),
                    item: Some(item),
                    actor: s.actor,
                    session: s.session,
                    digest: &digest,
                    payload: serde_json::json!({
                        "person": r.person, "kind": r.kind.as_str(), "principal": r.principal,
                        "right_name": r.right, "key": k, "reviewer": a.reviewer, "orphan": a.orphan,
                        "phi": r.phi, "change": change,
                    }),
                },
                head.seq + 1,
                head.hash.clone(),
            )?;
        }
    }
    tx.commit().db(&path)?;
    Ok(Started {
        campaign: get(store, &id.to_string())?,
        items: built.rights.len(),
        orphans,
        new,
        changed,
    })
}

/// A campaign by id or name.
pub fn get(store: &Store, which: &str) -> Result<Campaign> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE name = ?1 OR CAST(id AS TEXT) = ?1 ORDER BY name = ?1 DESC LIMIT 1");
    store
        .conn
        .query_row(&sql, [which], campaign_row)
        .optional()
        .db(&store.path)?
        .ok_or_else(|| Error::NotFound {
            what: "campaign",
            name: which.to_string(),
        })
}

/// Every campaign, newest first.
pub fn list(store: &Store) -> Result<Vec<Campaign>> {
    let mut st = store
        .conn
        .prepare(&format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns ORDER BY id DESC"
        ))
        .db(&store.path)?;
    let rows = st.query_map([], campaign_row).db(&store.path)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .db(&store.path)
}

/// The items of a campaign, optionally of one reviewer, PHI first, then by person.
pub fn items(store: &Store, campaign: i64, reviewer: Option<&str>) -> Result<Vec<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM items WHERE campaign = ?1 AND (?2 IS NULL OR reviewer = ?2)
         ORDER BY person, phi DESC, kind, right_name, principal"
    );
    let mut st = store.conn.prepare_cached(&sql).db(&store.path)?;
    let rows = st
        .query_map(params![campaign, reviewer], item_row)
        .db(&store.path)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .db(&store.path)
}

/// One item.
pub fn item(store: &Store, id: i64) -> Result<Item> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1");
    store
        .conn
        .query_row(&sql, [id], item_row)
        .optional()
        .db(&store.path)?
        .ok_or_else(|| Error::NotFound {
            what: "item",
            name: id.to_string(),
        })
}

/// Progress of one reviewer.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Progress {
    /// The reviewer.
    pub reviewer: String,
    /// Items in the campaign, whatever their state.
    pub total: usize,
    /// Still pending.
    pub pending: usize,
    /// Approved (or kept).
    pub approved: usize,
    /// Items whose reviewer revoked the right.
    pub revoked: usize,
    /// Flagged at close.
    pub flagged: usize,
    /// Orphan items.
    pub orphans: usize,
}

/// Per reviewer, sorted by reviewer.
pub fn progress(store: &Store, campaign: i64) -> Result<Vec<Progress>> {
    let mut st = store
        .conn
        .prepare(
            "SELECT reviewer, COUNT(*), SUM(status = 'pending'), SUM(status IN ('approved', 'kept')),
                    SUM(status = 'revoked'), SUM(status = 'flagged'), SUM(orphan)
             FROM items WHERE campaign = ?1 GROUP BY reviewer ORDER BY reviewer",
        )
        .db(&store.path)?;
    let rows = st
        .query_map([campaign], |r| {
            let n = |i| r.get::<_, i64>(i).map(|v| v as usize);
            Ok(Progress {
                reviewer: r.get(0)?,
                total: n(1)?,
                pending: n(2)?,
                approved: n(3)?,
                revoked: n(4)?,
                flagged: n(5)?,
                orphans: n(6)?,
            })
        })
        .db(&store.path)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .db(&store.path)
}

/// What changed since the previous completed campaign: new rights first, then changed
/// ones, then the keys of rights that are gone.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// The campaign compared with, when there is one.
    pub previous: Option<String>,
    /// New rights.
    pub new: Vec<Item>,
    /// Rights whose evidence changed.
    pub changed: Vec<Item>,
    /// Keys of rights the previous campaign had and this one has not.
    pub removed: Vec<String>,
}

/// [`Diff`] of a campaign.
pub fn diff(store: &Store, c: &Campaign) -> Result<Diff> {
    let all = items(store, c.id, None)?;
    let (mut new, mut changed) = (Vec::new(), Vec::new());
    for i in all.iter() {
        match i.change.as_str() {
            "new" => new.push(i.clone()),
            "changed" => changed.push(i.clone()),
            _ => {}
        }
    }
    let mut removed = Vec::new();
    let mut previous = None;
    if let Some(p) = c.previous {
        previous = Some(get(store, &p.to_string())?.name);
        let now: std::collections::HashSet<&str> = all.iter().map(|i| i.key.as_str()).collect();
        let mut st = store
            .conn
            .prepare("SELECT key FROM items WHERE campaign = ?1 ORDER BY key")
            .db(&store.path)?;
        let keys = st
            .query_map([p], |r| r.get::<_, String>(0))
            .db(&store.path)?;
        for k in keys {
            let k = k.db(&store.path)?;
            if !now.contains(k.as_str()) {
                removed.push(k);
            }
        }
    }
    Ok(Diff {
        previous,
        new,
        changed,
        removed,
    })
}

/// The snapshot's digest: SHA-256 of its serialized model without `created` (when it
/// was read, which changes at every import of raw exports). The snapshot holds no hash
/// maps, so the bytes are the same for the same account state.
pub fn snapshot_digest(snap: &phiward_snapshot::Snapshot) -> String {
    let mut v = serde_json::to_value(snap).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("created");
    }
    crate::sha256_hex(v.to_string().as_bytes())
}
