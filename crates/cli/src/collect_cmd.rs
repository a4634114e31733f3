//! `phiward collect`: read a live account through the AWS SDK into a snapshot folder.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Result};
use phiward_collect::{CollectError, Options, Progress};
use phiward_snapshot::{CollectionEntry, EntryStatus};

use crate::bar::Bar;
use crate::exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  phiward collect --out snap/\n  \
phiward collect --profile audit --region us-east-1 --region us-west-2 --out snap/\n  \
phiward collect --endpoint-url http://127.0.0.1:45123 --out snap/   # an emulator (moto)\n\n\
Read-only: the IAM policy it needs is docs/collector-policy.json.\n\
Exit status: 0 when a snapshot was written (what could not be collected is listed on \
stderr and in collection.json), 2 when nothing could be collected (no credentials, \
endpoint unreachable) or --out is not empty.")]
pub struct Args {
    /// The named profile to use; without it, the default credential chain.
    #[arg(long, value_name = "P")]
    pub(crate) profile: Option<String>,
    /// A region of the regional services (CloudTrail, KMS, Config, ...); repeat for
    /// several. Default: the profile's or the environment's region.
    #[arg(long = "region", value_name = "R")]
    pub(crate) regions: Vec<String>,
    /// Send every call to this endpoint instead of AWS (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,
    /// The snapshot folder to write.
    #[arg(long, value_name = "SNAPSHOT")]
    pub(crate) out: PathBuf,
    /// Write into a folder that is not empty.
    #[arg(long)]
    pub(crate) force: bool,
    /// Also run an Access Advisor job per user, group and role (a few calls each).
    #[arg(long)]
    pub(crate) access_advisor: bool,
    /// The most API calls in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) concurrency: u16,
    /// Collect the whole organization from its management account (or a delegated
    /// administrator): the tree, SCPs, RCPs and delegated administrators, then every
    /// account through `--role-name`, into an organization snapshot
    /// (docs/organization.md; the management account's policy:
    /// docs/collector-org-policy.json).
    #[arg(long)]
    pub(crate) organization: bool,
    /// The role assumed in each member account.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "OrganizationAccountAccessRole"
    )]
    pub(crate) role_name: String,
    /// The `sts:ExternalId` the role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "organization")]
    pub(crate) external_id: Option<String>,
    /// A session tag, `KEY=VALUE` (repeatable).
    #[arg(long, value_name = "KEY=VALUE", requires = "organization")]
    pub(crate) session_tag: Vec<String>,
    /// Only these accounts (comma-separated ids).
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        requires = "organization",
        conflicts_with = "ou"
    )]
    pub(crate) accounts: Vec<String>,
    /// Only the accounts under this OU (or root), at any depth.
    #[arg(long, value_name = "OU_ID", requires = "organization")]
    pub(crate) ou: Option<String>,
    /// Accounts collected at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) max_parallel: u16,
    /// Re-collect accounts collected longer ago than this (`90m`, `12h`, `7d`); accounts
    /// that failed are always re-collected, the others kept. Default: keep them all.
    #[arg(long, value_name = "AGE", requires = "organization")]
    pub(crate) max_age: Option<String>,
}

/// Runs `phiward collect`.
pub fn run(args: &Args) -> Result<u8> {
    if args.organization {
        return crate::org_collect::run(args);
    }
    if !args.force && !phiward_snapshot::layout::is_empty_or_missing(&args.out)? {
        bail!(
            "`{}` is not empty; pass --force to write into it",
            args.out.display()
        );
    }
    let options = Options {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        concurrency: usize::from(args.concurrency),
        access_advisor: args.access_advisor,
        ..Options::default()
    };
    let bar = Arc::new(Bar::new(None, "{spinner} {pos} calls {msg}"));
    let result = phiward_collect::collect(&options, bar.clone());
    bar.finish();
    let snap = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: nothing was collected: {e}");
            if matches!(e, CollectError::Credentials(_)) {
                eprintln!("hint: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            return Ok(exit::INPUT);
        }
    };
    phiward_snapshot::write_snapshot(&snap, &args.out, args.force)?;
    let entries = &snap.collection.entries;
    let failed: Vec<&CollectionEntry> = snap.collection.with_status(EntryStatus::Failed).collect();
    println!(
        "wrote `{}`: account {}, {} API calls, {} failed; {} parts not collected",
        args.out.display(),
        snap.account.id.as_deref().unwrap_or("unknown"),
        entries.len(),
        failed.len(),
        snap.not_collected().len()
    );
    if !failed.is_empty() {
        eprintln!("could not collect (recorded in collection.json):");
        for e in failed.iter().take(40) {
            let target = e
                .target
                .as_deref()
                .map(|t| format!(" `{t}`"))
                .unwrap_or_default();
            eprintln!(
                "  {}{}: {}",
                e.api,
                target,
                e.error.as_deref().unwrap_or("failed")
            );
        }
        if failed.len() > 40 {
            eprintln!("  ... and {} more", failed.len() - 40);
        }
    }
    for (section, why) in snap.not_collected() {
        eprintln!("not collected: {section} ({}: {})", why.reason, why.detail);
    }
    Ok(exit::OK)
}

impl Progress for Bar {
    fn stage(&self, name: &str) {
        self.say(name);
    }

    fn call_done(&self, entry: &CollectionEntry) {
        self.inc();
        if entry.status == EntryStatus::Failed {
            self.println(format!(
                "failed: {} {}",
                entry.api,
                entry.target.as_deref().unwrap_or("")
            ));
        }
    }
}
