//! The demo store `phiward serve examples/demo-account` shows: a finished campaign
//! (`Q3-2026`, decided by the managers of the demo's directory export, a few rights
//! revoked, the intern's left unreviewed and flagged at close) and an open one
//! (`Q4-2026`), with one account per reviewer, the privacy officer and an auditor. All
//! accounts share the printed demo password; each has its own TOTP secret.

use std::path::Path;

use chrono::NaiveDate;

use super::accounts::{self, Role};
use crate::campaign::{self, Start, Unreviewed};
use crate::decide::{self, Actor, Decision};
use crate::keys::Key;
use crate::store::Store;
use crate::{close, setup, Result};

/// The demo accounts' password.
pub const PASSWORD: &str = "phiward-demo-password";

/// A demo account and its TOTP secret.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    /// The demo user's display name.
    pub name: String,
    /// What the demo user may do in the app (reviewer or administrator).
    pub role: Role,
    /// Base32 TOTP secret.
    pub secret: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The sample decision for an item: `None` leaves it unreviewed.
fn sample(i: &campaign::Item) -> Option<(Decision, Option<&'static str>)> {
    if i.person == "intern-2025" {
        return None;
    }
    if i.person == "contractor-admin" {
        return Some((Decision::Revoke, Some("contract ended on 2026-06-30")));
    }
    if i.person == "dev-sam" && i.kind == "inline_policy" {
        return Some((
            Decision::Revoke,
            Some("break-fix access is no longer needed"),
        ));
    }
    if i.person == "researcher-kim" && i.right_name.contains("mercy-phi") {
        return Some((
            Decision::Revoke,
            Some("research uses the de-identified bucket only"),
        ));
    }
    Some((
        Decision::Approve,
        i.phi.then_some("needed for their duties"),
    ))
}

/// Builds the demo store in `dir` unless it is there; returns the accounts.
pub fn build(snapshot: &Path, dir: &Path) -> Result<Vec<DemoAccount>> {
    let db = dir.join("certify.db");
    let fresh = !db.exists();
    std::fs::create_dir_all(dir).map_err(|source| crate::Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut store = Store::open(&db)?;
    let key = Key::load_or_create(&crate::keys::default_path(&db))?;
    if fresh {
        store.set_meta("public_key", &key.public_hex())?;
        let (config, config_dir) = setup::config(None, snapshot)?;
        let p = setup::prepare(
            snapshot,
            &config,
            &config_dir,
            None,
            None,
            &["person".to_string()],
        )?;
        let snap = snapshot.display().to_string();
        let mut s = Start {
            name: "Q3-2026",
            due: date(2026, 9, 30),
            snapshot: &snap,
            snapshot_digest: &p.digest,
            account: p.account.as_deref(),
            unreviewed: Unreviewed::Flag,
            actor: "privacy-officer",
            session: "demo",
        };
        let q3 = campaign::start(&mut store, &key, &p.built, &p.reviewers, &s)?;
        for i in campaign::items(&store, q3.campaign.id, None)? {
            if let Some((d, reason)) = sample(&i) {
                let actor = Actor {
                    name: &i.reviewer,
                    session: "demo",
                    officer: false,
                };
                decide::decide(&mut store, &key, i.id, &actor, &d, reason)?;
            }
        }
        close::close(&mut store, &key, "Q3-2026", "privacy-officer", "demo")?;
        s.name = "Q4-2026";
        s.due = date(2026, 12, 31);
        campaign::start(&mut store, &key, &p.built, &p.reviewers, &s)?;
        let mut names: Vec<String> = campaign::progress(&store, q3.campaign.id)?
            .into_iter()
            .map(|x| x.reviewer)
            .collect();
        names.retain(|n| n != "privacy-officer");
        accounts::add(
            &store,
            "privacy-officer",
            Role::Officer,
            Some("privacy-officer@mercy.example"),
            PASSWORD,
        )?;
        accounts::add(&store, "auditor", Role::Auditor, None, PASSWORD)?;
        for n in &names {
            accounts::add(&store, n, Role::Reviewer, None, PASSWORD)?;
        }
    }
    let mut out = Vec::new();
    for a in accounts::list(&store)? {
        let secret = accounts::totp_secret(&store, &a.name)?.unwrap_or_default();
        out.push(DemoAccount {
            name: a.name,
            role: a.role,
            secret,
        });
    }
    Ok(out)
}
