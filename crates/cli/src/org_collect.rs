//! `phiward collect --organization`: the organization snapshot, written account by
//! account as each is collected; a re-run keeps what is fresh and retries what failed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Result};
use phiward_collect::{CollectError, Options, OrgOptions};
use phiward_snapshot::org::{AccountCollection, AccountStatus, OrgAccount, OrgSnapshot, OrgTree};
use phiward_snapshot::{Collected, Snapshot};

use crate::bar::Bar;
use crate::collect_cmd::Args;
use crate::exit;

/// `90m`, `12h`, `7d` (or plain seconds).
fn parse_age(s: &str) -> Result<chrono::Duration> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let Ok(n) = n.parse::<i64>() else {
        bail!("`--max-age {s}`: expected a number and a unit (`90m`, `12h`, `7d`)");
    };
    Ok(match unit {
        "" | "s" => chrono::Duration::seconds(n),
        "m" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        _ => bail!("`--max-age {s}`: unknown unit `{unit}` (use s, m, h or d)"),
    })
}

/// The accounts under `ou` (a root or OU id), at any depth.
fn under(tree: &OrgTree, ou: &str, account: &OrgAccount) -> bool {
    account.parent_id.as_deref() == Some(ou) || tree.path_of(&account.id).iter().any(|p| p.id == ou)
}

pub fn run(args: &Args) -> Result<u8> {
    let out = &args.out;
    let previous = if phiward_snapshot::org::is_org(out) {
        Some(OrgSnapshot::read(out)?)
    } else if !args.force && !phiward_snapshot::layout::is_empty_or_missing(out)? {
        bail!(
            "`{}` is neither empty nor an organization snapshot; pass --force to write into it",
            out.display()
        );
    } else {
        None
    };
    let max_age = args.max_age.as_deref().map(parse_age).transpose()?;
    let mut tags = Vec::new();
    for t in &args.session_tag {
        let Some((k, v)) = t.split_once('=') else {
            bail!("`--session-tag {t}`: expected KEY=VALUE");
        };
        tags.push((k.to_string(), v.to_string()));
    }
    let options = Options {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        concurrency: usize::from(args.concurrency),
        access_advisor: args.access_advisor,
        ..Options::default()
    };
    let org = OrgOptions {
        role_name: args.role_name.clone(),
        external_id: args.external_id.clone(),
        session_tags: tags,
        max_parallel: usize::from(args.max_parallel),
    };
    let now = chrono::Utc::now();
    // The previous run's collected accounts: kept unless selected and stale.
    let previous: HashMap<String, AccountCollection> = previous
        .iter()
        .flat_map(|p| p.tree.accounts.iter())
        .filter(|a| a.collection.status == AccountStatus::Collected)
        .map(|a| (a.id.clone(), a.collection.clone()))
        .collect();
    let fresh = |id: &str| {
        previous
            .get(id)
            .is_some_and(|c| match (max_age, c.collected_at) {
                (None, _) => true,
                (Some(age), Some(at)) => now - at <= age,
                (Some(_), None) => false,
            })
    };
    let results: Mutex<HashMap<String, AccountCollection>> = Mutex::new(HashMap::new());
    let bar = Arc::new(Bar::new(None, "{spinner} {pos} calls {msg}"));
    let selected = |tree: &OrgTree, a: &OrgAccount| {
        if !args.accounts.is_empty() {
            return args.accounts.contains(&a.id);
        }
        args.ou.as_deref().is_none_or(|ou| under(tree, ou, a))
    };
    let want = |tree: &OrgTree, a: &OrgAccount| {
        a.status != "SUSPENDED" && !fresh(&a.id) && selected(tree, a)
    };
    let write = |id: &str, r: Result<Snapshot, String>| {
        let record = match r {
            Ok(snap) => {
                match phiward_snapshot::write_snapshot(&snap, &out.join("accounts").join(id), true)
                {
                    Ok(()) => AccountCollection {
                        status: AccountStatus::Collected,
                        error: None,
                        collected_at: snap.as_of.or(Some(snap.created)),
                    },
                    Err(e) => AccountCollection {
                        status: AccountStatus::Failed,
                        error: Some(e.to_string()),
                        collected_at: None,
                    },
                }
            }
            Err(e) => AccountCollection {
                status: AccountStatus::Failed,
                error: Some(e),
                collected_at: None,
            },
        };
        bar.println(format!(
            "account {id}: {}",
            match &record.error {
                None => "collected".to_string(),
                Some(e) => format!("FAILED: {e}"),
            }
        ));
        if let Ok(mut r) = results.lock() {
            r.insert(id.to_string(), record);
        }
    };
    let tree = phiward_collect::collect_organization(&options, &org, bar.clone(), &want, &write);
    bar.finish();
    let mut tree = match tree {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: the organization was not collected: {e}");
            if matches!(e, CollectError::Credentials(_)) {
                eprintln!("hint: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            return Ok(exit::INPUT);
        }
    };
    let results = results.into_inner().unwrap_or_default();
    let mut kept = 0;
    for a in &mut tree.accounts {
        a.collection = if let Some(r) = results.get(&a.id) {
            r.clone()
        } else if let Some(k) = previous.get(&a.id).filter(|_| a.status != "SUSPENDED") {
            kept += 1;
            k.clone()
        } else if a.status == "SUSPENDED" {
            AccountCollection {
                status: AccountStatus::Skipped,
                error: Some("the account is suspended".into()),
                collected_at: None,
            }
        } else {
            AccountCollection {
                status: AccountStatus::Skipped,
                error: Some("not selected (--accounts, --ou)".into()),
                collected_at: None,
            }
        };
    }
    OrgSnapshot::write_tree(&tree, out)?;
    stamp_organization(&tree, out);
    let count = |s: AccountStatus| {
        tree.accounts
            .iter()
            .filter(|a| a.collection.status == s)
            .count()
    };
    println!(
        "wrote `{}`: organization {}, {} accounts: {} collected ({} kept from the last run), {} failed, {} skipped",
        out.display(),
        tree.organization.id,
        tree.accounts.len(),
        count(AccountStatus::Collected),
        kept,
        count(AccountStatus::Failed),
        count(AccountStatus::Skipped),
    );
    for a in tree
        .accounts
        .iter()
        .filter(|a| a.collection.status == AccountStatus::Failed)
    {
        eprintln!(
            "not collected: account {} ({}): {}",
            a.id,
            a.name,
            a.collection.error.as_deref().unwrap_or("unknown error")
        );
    }
    Ok(exit::OK)
}

/// Each collected account's snapshot carries the organization as the tree sees it (its
/// path, the SCPs and RCPs with their targets), so that its folder alone is audited with
/// the guardrails that apply to it.
fn stamp_organization(tree: &OrgTree, out: &Path) {
    for a in tree
        .accounts
        .iter()
        .filter(|a| a.collection.status == AccountStatus::Collected)
    {
        let dir = out.join("accounts").join(&a.id);
        let Ok(mut snap) = phiward_snapshot::read_snapshot(&dir) else {
            continue;
        };
        snap.organization = Collected::Known(Some(tree.organization_for(&a.id)));
        if let Err(e) = phiward_snapshot::write_snapshot(&snap, &dir, true) {
            eprintln!("warning: {e}");
        }
    }
}
