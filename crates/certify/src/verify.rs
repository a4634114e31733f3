//! `phiward certify verify`: proves the ledger and the tables it records are intact.
//!
//! An entry is sound when its fields hash to its `hash` and its signature verifies with
//! the store's public key. Then, by the signed sequence numbers: an entry out of order is
//! *reordered*, a repeated number is *inserted*, a missing number is *deleted*, an entry
//! whose `prev` is not its predecessor's hash breaks the chain, and, given the head a
//! previous export printed, a head no longer present means the newest entries were
//! *truncated*. Finally the ledger is replayed and every campaign and item row must be
//! what it says: an edited decision row is named with the field and both values.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::VerifyingKey;
use rusqlite::Connection;
use serde::Serialize;

use crate::ledger::{self, Entry, GENESIS};
use crate::store::{DbResult as _, Store};
use crate::Result;

/// What verification found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Verification {
    /// Entries read.
    pub entries: usize,
    /// The newest sound entry: sequence number and hash.
    pub head: Option<(i64, String)>,
    /// Every problem, one sentence each; empty when the store is intact.
    pub problems: Vec<String>,
    /// What the verification could not establish.
    pub notes: Vec<String>,
}

impl Verification {
    /// Whether nothing was found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// An exported head: `HASH` or `SEQ:HASH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// Its sequence number, when given.
    pub seq: Option<i64>,
    /// Its hash.
    pub hash: String,
}

impl Head {
    /// Parses `HASH` or `SEQ:HASH`.
    pub fn parse(text: &str) -> Option<Head> {
        let text = text.trim();
        let (seq, hash) = match text.split_once(':') {
            Some((s, h)) => (Some(s.trim().parse().ok()?), h.trim()),
            None => (None, text),
        };
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Head {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// Verifies the store's ledger with `key`, and the tables against it.
pub fn verify(store: &Store, key: &VerifyingKey, head: Option<&Head>) -> Result<Verification> {
    let all = ledger::entries(&store.conn, &store.path)?;
    let mut v = Verification {
        entries: all.len(),
        ..Default::default()
    };
    let sound = check_entries(&all, key, &mut v);
    check_order(&all, &sound, &mut v);
    match head {
        Some(h) => check_head(&sound, h, &mut v),
        None => v.notes.push(
            "no exported head was given (--head): entries removed from the end cannot be told from a shorter history".into(),
        ),
    }
    let mut by_seq: Vec<&Entry> = sound.clone();
    by_seq.sort_by_key(|e| e.seq);
    check_rows(&store.conn, &store.path, &by_seq, &mut v)?;
    v.head = by_seq.last().map(|e| (e.seq, e.hash.clone()));
    Ok(v)
}

fn at(e: &Entry) -> String {
    format!("entry {} (position {}, {})", e.seq, e.pos, e.kind)
}

/// The entries whose content matches their hash and whose signature verifies.
fn check_entries<'e>(all: &'e [Entry], key: &VerifyingKey, v: &mut Verification) -> Vec<&'e Entry> {
    let mut sound = Vec::new();
    for e in all {
        if e.computed_hash() != e.hash {
            v.problems.push(format!(
                "{}: edited: its fields no longer match its hash",
                at(e)
            ));
        } else if !crate::keys::verify(key, e.hash.as_bytes(), &e.signature) {
            v.problems.push(format!(
                "{}: inserted or forged: its signature does not verify with the store's key",
                at(e)
            ));
        } else {
            sound.push(e);
        }
    }
    sound
}

/// Reordered, repeated, missing and unchained entries among the sound ones.
fn check_order(all: &[Entry], sound: &[&Entry], v: &mut Verification) {
    let mut seen = BTreeSet::new();
    let mut unique: Vec<&Entry> = Vec::new();
    for e in sound {
        if seen.insert(e.seq) {
            unique.push(e);
        } else {
            v.problems.push(format!(
                "{}: inserted: a second entry with sequence number {}",
                at(e),
                e.seq
            ));
        }
    }
    let mut sorted = unique.clone();
    sorted.sort_by_key(|e| e.seq);
    for (placed, wanted) in unique.iter().zip(&sorted) {
        if placed.seq != wanted.seq {
            v.problems.push(format!(
                "{}: reordered: it stands where entry {} belongs",
                at(placed),
                wanted.seq
            ));
        }
    }
    // Edited entries still occupy their number: they are not also "deleted".
    let present: BTreeSet<i64> = all.iter().map(|e| e.seq).collect();
    let mut expected = 1;
    for e in &sorted {
        if e.seq > expected {
            let missing: Vec<i64> = (expected..e.seq).filter(|s| !present.contains(s)).collect();
            if let (Some(first), Some(last)) = (missing.first(), missing.last()) {
                let which = if first == last {
                    format!("entry {first} was deleted")
                } else {
                    format!("entries {first} to {last} were deleted")
                };
                v.problems
                    .push(format!("{which} (the sequence jumps to {})", e.seq));
            }
        }
        expected = e.seq + 1;
    }
    let by_seq: BTreeMap<i64, &Entry> = sorted.iter().map(|e| (e.seq, *e)).collect();
    for e in &sorted {
        let before = if e.seq == 1 {
            Some(GENESIS)
        } else {
            by_seq.get(&(e.seq - 1)).map(|p| p.hash.as_str())
        };
        if let Some(h) = before {
            if e.prev != h {
                v.problems.push(format!(
                    "{}: chain broken: it does not follow entry {}",
                    at(e),
                    e.seq - 1
                ));
            }
        }
    }
}

fn check_head(sound: &[&Entry], head: &Head, v: &mut Verification) {
    if sound.iter().any(|e| e.hash == head.hash) {
        return;
    }
    let last = sound.iter().map(|e| e.seq).max().unwrap_or(0);
    let gone = match head.seq {
        Some(s) if s > last => format!("entries {} to {s} are missing", last + 1),
        _ => "it is missing".to_string(),
    };
    v.problems.push(format!(
        "truncated: the exported head {} is not in the ledger ({gone}; the ledger ends at entry {last})",
        head.hash
    ));
}

/// An item as the ledger says it must be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expected {
    pub campaign: i64,
    pub fields: BTreeMap<&'static str, String>,
}

/// Item fields the ledger determines, as text.
pub(crate) const ITEM_FIELDS: [&str; 13] = [
    "person",
    "kind",
    "principal",
    "right_name",
    "key",
    "digest",
    "reviewer",
    "orphan",
    "phi",
    "status",
    "reason",
    "decided_by",
    "decided_at",
];

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Bool(b) => i64::from(*b).to_string(),
        other => other.to_string(),
    }
}

/// Campaign fields by name.
pub(crate) type Fields = BTreeMap<&'static str, String>;

/// Replays the ledger: the items and campaigns it describes.
pub(crate) fn replay(entries: &[&Entry]) -> (BTreeMap<i64, Expected>, BTreeMap<i64, Fields>) {
    let mut items: BTreeMap<i64, Expected> = BTreeMap::new();
    let mut campaigns: BTreeMap<i64, Fields> = BTreeMap::new();
    for e in entries {
        let p = e.payload();
        let (Some(c), item) = (e.campaign, e.item) else {
            continue;
        };
        match (e.kind.as_str(), item) {
            ("start", _) => {
                let mut f = BTreeMap::new();
                for k in ["name", "due", "snapshot_digest", "unreviewed"] {
                    f.insert(k, text(&p[k]));
                }
                f.insert("status", "open".into());
                f.insert("closed_at", String::new());
                campaigns.insert(c, f);
            }
            ("assign", Some(id)) => {
                let mut f = BTreeMap::new();
                for k in [
                    "person",
                    "kind",
                    "principal",
                    "right_name",
                    "key",
                    "reviewer",
                    "orphan",
                    "phi",
                ] {
                    f.insert(k, text(&p[k]));
                }
                f.insert("digest", e.digest.clone());
                for k in ["reason", "decided_by", "decided_at"] {
                    f.insert(k, String::new());
                }
                f.insert("status", "pending".into());
                items.insert(
                    id,
                    Expected {
                        campaign: c,
                        fields: f,
                    },
                );
            }
            ("decision", Some(id)) => {
                if let Some(x) = items.get_mut(&id) {
                    x.fields.insert("status", text(&p["status"]));
                    x.fields.insert("reason", text(&p["reason"]));
                    x.fields.insert("decided_by", e.actor.clone());
                    x.fields.insert("decided_at", e.at.clone());
                }
            }
            ("reassign", Some(id)) => {
                if let Some(x) = items.get_mut(&id) {
                    x.fields.insert("reviewer", text(&p["to"]));
                }
            }
            ("close", _) => {
                if let Some(f) = campaigns.get_mut(&c) {
                    f.insert("status", "closed".into());
                    f.insert("closed_at", e.at.clone());
                }
                let outcome = text(&p["outcome"]);
                for id in p["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.as_i64())
                {
                    if let Some(x) = items.get_mut(&id) {
                        x.fields.insert("status", outcome.clone());
                        x.fields.insert("reason", text(&p["reason"]));
                        x.fields.insert("decided_by", e.actor.clone());
                        x.fields.insert("decided_at", e.at.clone());
                    }
                }
            }
            _ => {}
        }
    }
    (items, campaigns)
}

fn check_rows(
    conn: &Connection,
    path: &str,
    entries: &[&Entry],
    v: &mut Verification,
) -> Result<()> {
    let (items, campaigns) = replay(entries);
    let cols = ITEM_FIELDS
        .iter()
        .map(|f| format!("COALESCE(CAST({f} AS TEXT), '')"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut st = conn
        .prepare(&format!(
            "SELECT id, campaign, {cols} FROM items ORDER BY id"
        ))
        .db(path)?;
    let rows = st
        .query_map([], |r| {
            let mut f = BTreeMap::new();
            for (i, name) in ITEM_FIELDS.iter().enumerate() {
                f.insert(*name, r.get::<_, String>(i + 2)?);
            }
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, f))
        })
        .db(path)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .db(path)?;
    let mut seen = BTreeSet::new();
    for (id, campaign, fields) in rows {
        seen.insert(id);
        let Some(x) = items.get(&id) else {
            v.problems
                .push(format!("item {id}: inserted: no ledger entry assigned it"));
            continue;
        };
        if x.campaign != campaign {
            v.problems.push(format!(
                "item {id}: row edited: campaign is {campaign}, the ledger says {}",
                x.campaign
            ));
        }
        for (name, want) in &x.fields {
            let got = fields.get(name).cloned().unwrap_or_default();
            if &got != want {
                v.problems.push(format!(
                    "item {id}: row edited: `{name}` is `{got}`, the ledger says `{want}`"
                ));
            }
        }
    }
    for id in items.keys().filter(|i| !seen.contains(i)) {
        v.problems
            .push(format!("item {id}: row deleted: the ledger assigned it"));
    }
    let mut st = conn
        .prepare("SELECT id, name, due, snapshot_digest, unreviewed, status, COALESCE(closed_at, '') FROM campaigns")
        .db(path)?;
    let rows = st
        .query_map([], |r| {
            let mut f = BTreeMap::new();
            for (i, k) in [
                "name",
                "due",
                "snapshot_digest",
                "unreviewed",
                "status",
                "closed_at",
            ]
            .into_iter()
            .enumerate()
            {
                f.insert(k, r.get::<_, String>(i + 1)?);
            }
            Ok((r.get::<_, i64>(0)?, f))
        })
        .db(path)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .db(path)?;
    for (id, fields) in rows {
        let Some(want) = campaigns.get(&id) else {
            v.problems.push(format!(
                "campaign {id}: inserted: no ledger entry started it"
            ));
            continue;
        };
        for (k, w) in want {
            let got = fields.get(k).cloned().unwrap_or_default();
            if &got != w {
                v.problems.push(format!(
                    "campaign {id}: row edited: `{k}` is `{got}`, the ledger says `{w}`"
                ));
            }
        }
    }
    Ok(())
}
