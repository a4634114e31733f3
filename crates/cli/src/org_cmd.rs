//! Organization snapshots (`phiward collect --organization`) in `audit`, `who-can` and
//! `snapshot show`: every account read one at a time.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use phiward_access::org::{reach_org, who_can_org, OrgAccounts};
use phiward_access::KnownContext;
use phiward_findings::{Report, SCHEMA_VERSION};
use phiward_snapshot::org::{AccountStatus, OrgSnapshot};

use crate::audit_cmd::Args;
use crate::bar::Bar;
use crate::exit;

pub fn read(dir: &Path) -> Result<OrgSnapshot> {
    OrgSnapshot::read(dir)
        .with_context(|| format!("cannot read the organization snapshot `{}`", dir.display()))
}

/// `phiward audit ORG`: every collected account, then the organization's checks.
pub fn audit(args: &Args) -> Result<u8> {
    let t = std::time::Instant::now();
    let org = read(&args.snapshot)?;
    let config = crate::audit_cmd::config(args)?;
    let total = org.collected().count() as u64;
    let bar = Bar::new(Some(total), "{spinner} {pos}/{len} accounts {msg}");
    let now = org.tree.created;
    let audit = phiward_checks::org::audit_org(&org, &config, now, |d| {
        bar.inc();
        bar.say(format!("({} done)", d.id));
    });
    drop(bar);
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("phiward {}", env!("CARGO_PKG_VERSION")),
        account: org.tree.management_account().map(str::to_string),
        as_of: now.to_rfc3339(),
        findings: audit.findings,
        skipped: audit.skipped,
    };
    crate::audit_cmd::finish(args, &report, vec![(t.elapsed(), "(accounts)")])
}

/// `phiward who-can ACTION RESOURCE --snapshot ORG`.
pub fn who_can(
    dir: &Path,
    known: KnownContext,
    pattern: &str,
    actions: &[String],
    resource: &str,
    transitive: bool,
    json: bool,
) -> Result<u8> {
    let org = read(dir)?;
    let accounts = OrgAccounts::with_known(&org, known.clone());
    let answer = if transitive {
        reach_org(&accounts, pattern, actions, resource, None, 4)
    } else {
        who_can_org(&accounts, pattern, actions, resource)
    };
    let problems = accounts.problems();
    for p in &problems {
        eprintln!("warning: {p}");
    }
    let mut o = std::io::stdout().lock();
    if json {
        o.write_all(phiward_report::access::org::json(&answer, &known)?.as_bytes())?;
    } else {
        phiward_report::access::org::text(&mut o, &answer, &known, pattern, resource, transitive)?;
    }
    Ok(if problems.is_empty() {
        exit::OK
    } else {
        exit::INPUT
    })
}

/// `phiward snapshot show ORG`: the tree, and each account's collection.
pub fn show(dir: &Path) -> Result<u8> {
    let org = read(dir)?;
    let t = &org.tree;
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "organization {} (management account {}), read {}",
        t.organization.id,
        t.management_account().unwrap_or("unknown"),
        t.created.to_rfc3339()
    )?;
    for a in &t.accounts {
        let path: Vec<String> = t
            .path_of(&a.id)
            .iter()
            .rev()
            .map(|p| {
                t.name_of(&p.id)
                    .filter(|n| !n.is_empty())
                    .unwrap_or(&p.id)
                    .to_string()
            })
            .collect();
        let how = match a.collection.status {
            AccountStatus::Collected => "collected".to_string(),
            AccountStatus::Failed => format!(
                "FAILED: {}",
                a.collection.error.as_deref().unwrap_or("unknown error")
            ),
            AccountStatus::Skipped => format!(
                "skipped{}",
                a.collection
                    .error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
        };
        writeln!(
            o,
            "  {} {:<20} {:<9} {} | {how}",
            a.id,
            a.name,
            a.status,
            path.join(" / ")
        )?;
    }
    let count = |what: &str, c: Option<usize>| match c {
        Some(n) => format!("{n} {what}"),
        None => format!("{what} not collected"),
    };
    writeln!(
        o,
        "{}, {}, {}",
        count("SCPs", t.scps.get().map(Vec::len)),
        count("RCPs", t.rcps.get().map(Vec::len)),
        count(
            "delegated administrators",
            t.delegated_administrators.get().map(Vec::len)
        )
    )?;
    Ok(exit::OK)
}
