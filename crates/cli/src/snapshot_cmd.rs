//! `phiward snapshot`: import raw AWS CLI exports into a snapshot folder, and show what a
//! snapshot or an export folder holds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use phiward_snapshot::{Collected, EntryStatus, Loaded, Snapshot};

use crate::exit;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  phiward snapshot import --from export/ --out snap/\n  \
phiward snapshot show examples/demo-account\n\n\
Exit status: 2 if some input could not be read (the rest is still imported), else 0. \
Layout and export commands: docs/snapshot.md"
)]
pub struct Args {
    #[command(subcommand)]
    command: SnapshotCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SnapshotCommand {
    /// Read a folder of raw AWS CLI exports and write a snapshot folder.
    Import {
        /// The folder of raw exports (layout in docs/snapshot.md), or a snapshot.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// The snapshot folder to write.
        #[arg(long, value_name = "SNAPSHOT")]
        out: PathBuf,
        /// Write into a folder that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Summarise a snapshot or a folder of raw exports: counts, what was not collected,
    /// what could not be read.
    Show {
        /// A snapshot folder, a folder of raw exports, or an organization snapshot.
        #[arg(value_name = "SNAPSHOT_OR_DIR")]
        path: PathBuf,
    },
}

/// Runs `phiward snapshot`.
pub fn run(args: &Args) -> Result<u8> {
    match &args.command {
        SnapshotCommand::Import { from, out, force } => import(from, out, *force),
        SnapshotCommand::Show { path } if phiward_snapshot::org::is_org(path) => {
            crate::org_cmd::show(path)
        }
        SnapshotCommand::Show { path } => show(path),
    }
}

fn import(from: &Path, out: &Path, force: bool) -> Result<u8> {
    if !force && !phiward_snapshot::layout::is_empty_or_missing(out)? {
        bail!(
            "`{}` is not empty; pass --force to write into it",
            out.display()
        );
    }
    let loaded = phiward_snapshot::load(from)?;
    report_problems(&loaded);
    phiward_snapshot::write_snapshot(&loaded.snapshot, out, force)?;
    let s = &loaded.snapshot;
    println!(
        "wrote `{}`: {}; {} parts not collected, {} files unreadable",
        out.display(),
        counts_line(s),
        not_collected_count(s),
        loaded.problems.len()
    );
    Ok(code(&loaded))
}

fn show(path: &Path) -> Result<u8> {
    let loaded = phiward_snapshot::load(path)?;
    report_problems(&loaded);
    let policy_problems = phiward_snapshot::policies::check_policies(&loaded.snapshot);
    print!("{}", summary(&loaded, policy_problems.len()));
    for p in &policy_problems {
        eprintln!("error: {p}");
    }
    if policy_problems.is_empty() {
        Ok(code(&loaded))
    } else {
        Ok(exit::INPUT)
    }
}

fn code(loaded: &Loaded) -> u8 {
    if loaded.problems.is_empty() {
        exit::OK
    } else {
        exit::INPUT
    }
}

fn report_problems(loaded: &Loaded) {
    for p in &loaded.problems {
        eprintln!("error: {p}");
    }
}

fn len<T>(c: &Collected<Vec<T>>) -> String {
    c.get()
        .map_or_else(|| "not collected".to_string(), |v| v.len().to_string())
}

fn counts_line(s: &Snapshot) -> String {
    let (users, roles, policies) = s.iam.get().map_or(
        (
            "not collected".into(),
            "not collected".into(),
            "not collected".into(),
        ),
        |i| {
            (
                i.users.len().to_string(),
                i.roles.len().to_string(),
                i.policies.len().to_string(),
            )
        },
    );
    format!(
        "{users} users, {roles} roles, {policies} managed policies, {} buckets, {} trails",
        len(&s.buckets),
        len(&s.trails)
    )
}

/// Top-level sections plus per-resource entries not collected.
fn not_collected_count(s: &Snapshot) -> usize {
    s.not_collected().len()
        + s.collection
            .entries
            .iter()
            .filter(|e| {
                e.target.is_some()
                    && matches!(e.status, EntryStatus::Failed | EntryStatus::Unreadable)
            })
            .count()
}

fn summary(loaded: &Loaded, policy_problems: usize) -> String {
    let s = &loaded.snapshot;
    let mut o = String::new();
    let id = s.account.id.as_deref().unwrap_or("unknown");
    let alias = s
        .account
        .alias
        .as_deref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    let _ = writeln!(o, "account      {id}{alias}");
    let _ = writeln!(
        o,
        "source       {} `{}`, format_version {}",
        s.source.kind, s.source.origin, s.format_version
    );
    let as_of = s
        .as_of
        .map_or_else(|| "unknown".to_string(), |t| t.to_rfc3339());
    let _ = writeln!(o, "as of        {as_of}");
    match s.iam.get() {
        Some(i) => {
            let inline = i
                .users
                .iter()
                .map(|u| u.user_policy_list.len())
                .sum::<usize>()
                + i.groups
                    .iter()
                    .map(|g| g.group_policy_list.len())
                    .sum::<usize>()
                + i.roles
                    .iter()
                    .map(|r| r.role_policy_list.len())
                    .sum::<usize>();
            let aws = i.policies.iter().filter(|p| p.is_aws_managed()).count();
            let _ = writeln!(
                o,
                "iam          {} users, {} groups, {} roles ({} service-linked), {} managed policies ({} AWS managed), {} inline policies",
                i.users.len(),
                i.groups.len(),
                i.roles.len(),
                i.roles.iter().filter(|r| r.is_service_linked()).count(),
                i.policies.len(),
                aws,
                inline
            );
        }
        None => {
            let _ = writeln!(o, "iam          not collected");
        }
    }
    let _ = writeln!(
        o,
        "providers    {} SAML, {} OIDC",
        len(&s.saml_providers),
        len(&s.oidc_providers)
    );
    let report = s.credential_report.get().map_or_else(
        || "not collected".to_string(),
        |r| {
            format!(
                "{} rows{}",
                r.rows.len(),
                if r.root().is_some() {
                    " (root included)"
                } else {
                    " (no root row)"
                }
            )
        },
    );
    let _ = writeln!(o, "cred report  {report}");
    let pp = match s.password_policy.get() {
        Some(Some(_)) => "set",
        Some(None) => "none (AWS defaults)",
        None => "not collected",
    };
    let _ = writeln!(o, "password     {pp}");
    let org = match s.organization.get() {
        Some(Some(org)) => format!(
            "`{}`, {} SCPs, {} RCPs",
            org.organization.id,
            len(&org.scps),
            len(&org.rcps)
        ),
        Some(None) => "not a member".to_string(),
        None => "not collected".to_string(),
    };
    let _ = writeln!(o, "organization {org}");
    let _ = writeln!(
        o,
        "logging      {} trails, {} Config recorders, {} metric filters, {} alarms, {} SNS subscriptions",
        len(&s.trails),
        s.config.get().map_or_else(|| "not collected".to_string(), |c| c.recorders.len().to_string()),
        len(&s.metric_filters),
        len(&s.alarms),
        len(&s.sns_subscriptions)
    );
    let phi = s.buckets.get().map_or(0, |b| {
        b.iter()
            .filter(|b| b.tag("data-classification") == Some("phi"))
            .count()
    });
    let _ = writeln!(
        o,
        "data         {} buckets ({phi} tagged data-classification=phi), {} KMS keys, {} secrets",
        len(&s.buckets),
        len(&s.kms_keys),
        len(&s.secrets)
    );
    let sso = s.identity_center.get().map_or_else(
        || "not collected".to_string(),
        |ic| {
            format!(
                "{} instances, {} permission sets, {} assignments, {} users, {} groups",
                ic.instances.len(),
                len(&ic.permission_sets),
                len(&ic.account_assignments),
                len(&ic.users),
                len(&ic.groups)
            )
        },
    );
    let _ = writeln!(o, "sso          {sso}");
    let _ = writeln!(
        o,
        "advisor      {} principals with Access Advisor data",
        len(&s.access_advisor)
    );
    let docs = phiward_snapshot::policies::documents(s).len();
    let _ = writeln!(
        o,
        "policies     {docs} documents, {policy_problems} fail to parse"
    );
    let missing = s.not_collected();
    if !missing.is_empty() {
        let _ = writeln!(o, "not collected:");
        for (name, why) in missing {
            let _ = writeln!(o, "  {name}: {}: {}", why.reason, why.detail);
        }
    }
    let per_resource: Vec<_> = s
        .collection
        .entries
        .iter()
        .filter(|e| {
            e.target.is_some()
                && e.status != EntryStatus::Collected
                && e.status != EntryStatus::Absent
        })
        .collect();
    if !per_resource.is_empty() {
        let _ = writeln!(
            o,
            "per-resource calls not collected: {}",
            per_resource.len()
        );
        for e in per_resource.iter().take(20) {
            let _ = writeln!(
                o,
                "  {} `{}`: {}{}",
                e.api,
                e.target.as_deref().unwrap_or_default(),
                e.status,
                e.error
                    .as_deref()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default()
            );
        }
        if per_resource.len() > 20 {
            let _ = writeln!(
                o,
                "  ... and {} more (collection.json)",
                per_resource.len() - 20
            );
        }
    }
    if !loaded.problems.is_empty() {
        let _ = writeln!(o, "unreadable files: {}", loaded.problems.len());
        for p in &loaded.problems {
            let _ = writeln!(o, "  {p}");
        }
    }
    o
}
