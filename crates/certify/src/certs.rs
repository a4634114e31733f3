//! What the campaign store says of each principal, for the audit's CERT-002: when its
//! access was last recertified (the close of the newest completed campaign that covered
//! it), and what is outstanding (items flagged because nobody reviewed them).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use phiward_checks::Recertified;

use crate::campaign;
use crate::store::{DbResult as _, Store};
use crate::Result;

/// Per principal of the newest closed campaign covering it.
pub fn recertified(store: &Store) -> Result<Vec<Recertified>> {
    let mut out: BTreeMap<String, Recertified> = BTreeMap::new();
    let mut closed: Vec<campaign::Campaign> = campaign::list(store)?
        .into_iter()
        .filter(|c| c.status == "closed")
        .collect();
    // Oldest first: newer campaigns overwrite.
    closed.sort_by_key(|c| c.id);
    for c in &closed {
        let at = c
            .closed_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        let mut st = store
            .conn
            .prepare("SELECT principal, SUM(status = 'flagged'), COUNT(*) FROM items WHERE campaign = ?1 GROUP BY principal")
            .db(&store.path)?;
        let rows = st
            .query_map([c.id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .db(&store.path)?;
        for row in rows {
            let (principal, flagged, total) = row.db(&store.path)?;
            let mut outstanding = Vec::new();
            if flagged > 0 {
                outstanding.push(format!(
                    "{flagged} of its {total} items were not reviewed before campaign `{}` closed",
                    c.name
                ));
            }
            out.insert(
                principal.clone(),
                Recertified {
                    principal,
                    campaign: c.name.clone(),
                    certified_at: if flagged > 0 { None } else { at },
                    outstanding,
                },
            );
        }
    }
    Ok(out.into_values().collect())
}
