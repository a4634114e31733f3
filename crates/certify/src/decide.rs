//! Decisions: approve, revoke or reassign an item, each recorded in the ledger in the
//! same transaction as the item's row. The rules: only the item's reviewer decides it
//! (an officer may reassign any item), nobody decides their own access, a revocation and
//! an approval of PHI access need a reason, a closed campaign takes no decision, and bulk
//! approval covers only rights unchanged since the last campaign that approved them.

use rusqlite::{params, TransactionBehavior};

use crate::campaign::{self, Item};
use crate::keys::Key;
use crate::ledger::{self, Event};
use crate::store::{DbResult as _, Store};
use crate::{Error, Result};

/// What to do with an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Keep the right.
    Approve,
    /// Remove the right.
    Revoke,
    /// Hand the item to another reviewer.
    Reassign(String),
}

/// Who acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    /// The signed-in name (a reviewer's id).
    pub name: &'a str,
    /// The session, recorded in the ledger.
    pub session: &'a str,
    /// An officer may reassign any item.
    pub officer: bool,
}

/// The longest reason kept.
const MAX_REASON: usize = 2000;

fn reason_of(reason: Option<&str>) -> Result<Option<String>> {
    let r = reason.map(str::trim).filter(|r| !r.is_empty());
    if r.is_some_and(|r| r.len() > MAX_REASON) {
        return Err(Error::refused(format!(
            "the reason is longer than {MAX_REASON} characters"
        )));
    }
    Ok(r.map(str::to_string))
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Checks the rules for one decision on one item.
fn allowed(item: &Item, actor: &Actor<'_>, d: &Decision, reason: Option<&str>) -> Result<()> {
    let mine = same(&item.reviewer, actor.name);
    let reassigning = matches!(d, Decision::Reassign(_));
    if !(mine || actor.officer && reassigning) {
        // The same answer as for an item that does not exist: ids reveal nothing.
        return Err(Error::NotFound {
            what: "item",
            name: item.id.to_string(),
        });
    }
    if same(&item.person, actor.name) {
        return Err(Error::refused(format!(
            "item {}: `{}` may not review their own access; reassign it to their manager",
            item.id, actor.name
        )));
    }
    match d {
        Decision::Revoke if reason.is_none() => Err(Error::refused(format!(
            "item {}: a revocation needs a reason",
            item.id
        ))),
        Decision::Approve if item.phi && reason.is_none() => Err(Error::refused(format!(
            "item {}: approving access to PHI needs a reason",
            item.id
        ))),
        Decision::Reassign(to) if to.trim().is_empty() => Err(Error::refused("reassign to whom?")),
        Decision::Reassign(to) if same(to, &item.person) => Err(Error::refused(format!(
            "item {}: `{to}` may not review their own access",
            item.id
        ))),
        Decision::Reassign(_) if item.status != "pending" => Err(Error::refused(format!(
            "item {} is already {}; only pending items are reassigned",
            item.id, item.status
        ))),
        _ => Ok(()),
    }
}

/// Applies one decision; returns the item as stored after it.
pub fn decide(
    store: &mut Store,
    key: &Key,
    id: i64,
    actor: &Actor<'_>,
    d: &Decision,
    reason: Option<&str>,
) -> Result<Item> {
    let reason = reason_of(reason)?;
    let path = store.path.clone();
    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .db(&path)?;
    let item = tx
        .query_row(
            &format!("SELECT {} FROM items WHERE id = ?1", campaign::ITEM_COLUMNS),
            [id],
            campaign::item_row,
        )
        .map_err(|_| Error::NotFound {
            what: "item",
            name: id.to_string(),
        })?;
    let status: String = tx
        .query_row(
            "SELECT status FROM campaigns WHERE id = ?1",
            [item.campaign],
            |r| r.get(0),
        )
        .db(&path)?;
    if status != "open" {
        return Err(Error::refused(format!(
            "item {id}: its campaign is {status}"
        )));
    }
    allowed(&item, actor, d, reason.as_deref())?;
    apply(&tx, &path, key, &item, actor, d, reason.as_deref())?;
    tx.commit().db(&path)?;
    campaign::item(store, id)
}

fn apply(
    tx: &rusqlite::Connection,
    path: &str,
    key: &Key,
    item: &Item,
    actor: &Actor<'_>,
    d: &Decision,
    reason: Option<&str>,
) -> Result<()> {
    let (kind, payload) = match d {
        Decision::Approve => (
            "decision",
            serde_json::json!({"status": "approved", "reason": reason}),
        ),
        Decision::Revoke => (
            "decision",
            serde_json::json!({"status": "revoked", "reason": reason}),
        ),
        Decision::Reassign(to) => (
            "reassign",
            serde_json::json!({"from": item.reviewer, "to": to.trim(), "reason": reason}),
        ),
    };
    let e = ledger::append(
        tx,
        path,
        key,
        &Event {
            kind,
            campaign: Some(item.campaign),
            item: Some(item.id),
            actor: actor.name,
            session: actor.session,
            digest: &item.digest,
            payload: payload.clone(),
        },
    )?;
    match d {
        Decision::Reassign(to) => tx
            .prepare_cached("UPDATE items SET reviewer = ?2 WHERE id = ?1")
            .and_then(|mut st| st.execute(params![item.id, to.trim()])),
        _ => tx
            .prepare_cached("UPDATE items SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 WHERE id = ?1")
            .and_then(|mut st| st.execute(params![item.id, payload["status"].as_str(), reason, actor.name, e.at])),
    }
    .db(path)?;
    Ok(())
}

/// What a bulk approval did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Bulk {
    /// Items approved.
    pub approved: usize,
    /// Pending PHI items left for one-by-one review (no reason was given).
    pub left_phi: usize,
    /// Pending items left because they are new or changed.
    pub left_changed: usize,
}

/// Approves every pending item of `actor` in the campaign whose right is unchanged since
/// the previous campaign and was approved (or kept) there; PHI items only with a reason.
pub fn approve_unchanged(
    store: &mut Store,
    key: &Key,
    campaign: i64,
    actor: &Actor<'_>,
    reason: Option<&str>,
) -> Result<Bulk> {
    let reason = reason_of(reason)?;
    let path = store.path.clone();
    let c = campaign::get(store, &campaign.to_string())?;
    if c.status != "open" {
        return Err(Error::refused(format!(
            "campaign `{}` is {}",
            c.name, c.status
        )));
    }
    let mine = campaign::items(store, campaign, Some(actor.name))?;
    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .db(&path)?;
    let mut out = Bulk::default();
    for item in mine.iter().filter(|i| i.status == "pending") {
        let before: Option<String> = match c.previous {
            Some(p) => rusqlite::OptionalExtension::optional(tx.query_row(
                "SELECT status FROM items WHERE campaign = ?1 AND key = ?2",
                params![p, item.key],
                |r| r.get(0),
            ))
            .db(&path)?,
            None => None,
        };
        let was_approved = matches!(before.as_deref(), Some("approved" | "kept"));
        if item.change != "unchanged" || !was_approved {
            out.left_changed += 1;
            continue;
        }
        if item.phi && reason.is_none() {
            out.left_phi += 1;
            continue;
        }
        if allowed(item, actor, &Decision::Approve, reason.as_deref()).is_err() {
            continue;
        }
        apply(
            &tx,
            &path,
            key,
            item,
            actor,
            &Decision::Approve,
            reason.as_deref(),
        )?;
        out.approved += 1;
    }
    tx.commit().db(&path)?;
    Ok(out)
}
