//! The ledger: every event of every campaign (start, item assignment, decision,
//! reassignment, completion, export), appended in order. Each entry holds the previous
//! entry's SHA-256, its own sequence number, who acted, when, from which session, and the
//! digest of the item's evidence; its hash covers all of them and is signed with the
//! store's Ed25519 key ([`crate::keys`]). Changing, reordering, inserting or deleting an
//! entry breaks a hash, a signature or the sequence ([`crate::verify`]).

use rusqlite::{params, Connection, OptionalExtension as _};
use serde::Serialize;

use crate::keys::Key;
use crate::store::DbResult as _;
use crate::Result;

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// `start`, `assign`, `decision`, `reassign`, `close`, `export`, `account`.
    pub kind: &'a str,
    /// The campaign.
    pub campaign: Option<i64>,
    /// The item.
    pub item: Option<i64>,
    /// Who acted (a reviewer, an officer, `phiward` for automatic outcomes).
    pub actor: &'a str,
    /// The session it came from (`cli:<pid>`, a web session's id digest).
    pub session: &'a str,
    /// The item's evidence digest (or the snapshot's, for a campaign's start).
    pub digest: &'a str,
    /// What happened, as JSON.
    pub payload: serde_json::Value,
}

/// One stored entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Its row position (SQLite rowid).
    pub pos: i64,
    /// Its signed sequence number (1-based).
    pub seq: i64,
    /// The previous entry's hash.
    pub prev: String,
    /// SHA-256 of the fields below and `seq` and `prev`.
    pub hash: String,
    /// The event kind.
    pub kind: String,
    /// The campaign.
    pub campaign: Option<i64>,
    /// The item.
    pub item: Option<i64>,
    /// Who acted: the reviewer's or operator's identity as the session gave it.
    pub actor: String,
    /// From which session.
    pub session: String,
    /// When (RFC 3339).
    pub at: String,
    /// The evidence digest.
    pub digest: String,
    /// The payload, JSON text.
    pub payload: String,
    /// Ed25519 signature of `hash` (its hex text), hex.
    pub signature: String,
}

impl Entry {
    /// The hash its fields call for.
    pub fn computed_hash(&self) -> String {
        let body = serde_json::json!([
            self.seq,
            self.prev,
            self.kind,
            self.campaign,
            self.item,
            self.actor,
            self.session,
            self.at,
            self.digest,
            self.payload
        ]);
        crate::sha256_hex(body.to_string().as_bytes())
    }

    /// The payload parsed.
    pub fn payload(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null)
    }
}

/// The newest entry's sequence number and hash.
pub fn head(conn: &Connection, path: &str) -> Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT seq, hash FROM ledger ORDER BY pos DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .db(path)
}

/// The newest entry.
pub fn head_entry(conn: &Connection, path: &str) -> Result<Option<Entry>> {
    Ok(entries_where(conn, path, "ORDER BY pos DESC LIMIT 1")?.pop())
}

/// Appends an event after the current head; call inside the transaction that makes the
/// change it records, so that both land or neither does.
pub fn append(conn: &Connection, path: &str, key: &Key, ev: &Event<'_>) -> Result<Entry> {
    let (seq, prev) = match head(conn, path)? {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    append_after(conn, path, key, ev, seq, prev)
}

/// Appends with a known head (bulk inserts keep it instead of reading it back).
pub(crate) fn append_after(
    conn: &Connection,
    path: &str,
    key: &Key,
    ev: &Event<'_>,
    seq: i64,
    prev: String,
) -> Result<Entry> {
    let mut e = Entry {
        pos: 0,
        seq,
        prev,
        hash: String::new(),
        kind: ev.kind.to_string(),
        campaign: ev.campaign,
        item: ev.item,
        actor: ev.actor.to_string(),
        session: ev.session.to_string(),
        at: crate::now(),
        digest: ev.digest.to_string(),
        payload: ev.payload.to_string(),
        signature: String::new(),
    };
    e.hash = e.computed_hash();
    e.signature = key.sign(e.hash.as_bytes());
    conn.prepare_cached(
        "INSERT INTO ledger (seq, prev, hash, kind, campaign, item, actor, session, at, digest, payload, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .and_then(|mut st| {
        st.execute(params![
            e.seq, e.prev, e.hash, e.kind, e.campaign, e.item, e.actor, e.session, e.at,
            e.digest, e.payload, e.signature
        ])
    })
    .db(path)?;
    e.pos = conn.last_insert_rowid();
    Ok(e)
}

/// Every entry, in row order.
pub fn entries(conn: &Connection, path: &str) -> Result<Vec<Entry>> {
    entries_where(conn, path, "ORDER BY pos")
}

/// The entries of one campaign, in row order.
pub fn campaign_entries(conn: &Connection, path: &str, campaign: i64) -> Result<Vec<Entry>> {
    entries_where(
        conn,
        path,
        &format!("WHERE campaign = {campaign} ORDER BY pos"),
    )
}

fn entries_where(conn: &Connection, path: &str, tail: &str) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT pos, seq, prev, hash, kind, campaign, item, actor, session, at, digest, payload, signature
         FROM ledger {tail}"
    );
    let mut st = conn.prepare(&sql).db(path)?;
    let rows = st
        .query_map([], |r| {
            Ok(Entry {
                pos: r.get(0)?,
                seq: r.get(1)?,
                prev: r.get(2)?,
                hash: r.get(3)?,
                kind: r.get(4)?,
                campaign: r.get(5)?,
                item: r.get(6)?,
                actor: r.get(7)?,
                session: r.get(8)?,
                at: r.get(9)?,
                digest: r.get(10)?,
                payload: r.get(11)?,
                signature: r.get(12)?,
            })
        })
        .db(path)?;
    rows.collect::<std::result::Result<Vec<_>, _>>().db(path)
}
