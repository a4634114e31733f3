//! Closing a campaign: items still pending follow `[recertification] unreviewed`
//! (`keep`: kept; `revoke`: revoked, so they enter the plan; `flag`, the default: flagged,
//! which CERT-002 reports as failing). One ledger entry records the outcome and every
//! item it applied to.

use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

use crate::campaign::{self, Unreviewed};
use crate::keys::Key;
use crate::ledger::{self, Event};
use crate::store::{DbResult as _, Store};
use crate::{Error, Result};

/// What closing did.
#[derive(Clone, Debug, Serialize)]
pub struct Closed {
    /// The campaign's name.
    pub campaign: String,
    /// `kept`, `revoked` or `flagged`.
    pub outcome: &'static str,
    /// Items it applied to.
    pub unreviewed: usize,
    /// When the campaign was closed (RFC 3339).
    pub closed_at: String,
}

/// Closes an open campaign.
pub fn close(
    store: &mut Store,
    key: &Key,
    which: &str,
    actor: &str,
    session: &str,
) -> Result<Closed> {
    let c = campaign::get(store, which)?;
    if c.status != "open" {
        return Err(Error::refused(format!(
            "campaign `{}` is already {}",
            c.name, c.status
        )));
    }
    let rule = Unreviewed::parse(&c.unreviewed).unwrap_or(Unreviewed::Flag);
    let outcome = match rule {
        Unreviewed::Keep => "kept",
        Unreviewed::Revoke => "revoked",
        Unreviewed::Flag => "flagged",
    };
    let reason = format!(
        "unreviewed when the campaign closed (unreviewed = \"{}\")",
        rule.as_str()
    );
    let path = store.path.clone();
    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .db(&path)?;
    let ids: Vec<i64> = {
        let mut st = tx
            .prepare("SELECT id FROM items WHERE campaign = ?1 AND status = 'pending' ORDER BY id")
            .db(&path)?;
        let rows = st.query_map([c.id], |r| r.get(0)).db(&path)?;
        rows.collect::<std::result::Result<_, _>>().db(&path)?
    };
    let e = ledger::append(
        &tx,
        &path,
        key,
        &Event {
            kind: "close",
            campaign: Some(c.id),
            item: None,
            actor,
            session,
            digest: &c.snapshot_digest,
            payload: serde_json::json!({"outcome": outcome, "reason": reason, "items": ids}),
        },
    )?;
    tx.execute(
        "UPDATE items SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 WHERE campaign = ?1 AND status = 'pending'",
        params![c.id, outcome, reason, actor, e.at],
    )
    .db(&path)?;
    tx.execute(
        "UPDATE campaigns SET status = 'closed', closed_at = ?2 WHERE id = ?1",
        params![c.id, e.at],
    )
    .db(&path)?;
    tx.commit().db(&path)?;
    Ok(Closed {
        campaign: c.name,
        outcome,
        unreviewed: ids.len(),
        closed_at: e.at,
    })
}
