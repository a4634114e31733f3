//! `phiward trail`: CloudTrail usage, unused access, least-privilege policies and log
//! integrity, offline.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use phiward_catalog::Catalog;
use phiward_trail::usage::{Options, Usage};

use crate::exit;

use crate::trail_policy_cmd as policy_cmd;
use crate::trail_verify_cmd as verify_cmd;
use phiward_report::trail as out;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text.
    Text,
    /// One JSON document.
    Json,
    /// CSV, one row per principal and action (or finding).
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Per principal: the IAM actions its calls needed, resources, first/last seen,
    /// counts and denied calls.
    Usage(UsageArgs),
    /// Per principal of a snapshot: granted actions never used in the window.
    Unused(policy_cmd::UnusedArgs),
    /// A least-privilege policy from a principal's observed usage, linted, with a diff
    /// against what it holds today.
    Policy(policy_cmd::PolicyArgs),
    /// Validate log integrity offline through CloudTrail's signed digest chain.
    Verify(verify_cmd::VerifyArgs),
    /// Compact logs into a Parquet lake (incremental; partitioned by account, region, day).
    #[cfg(feature = "lake")]
    Compact(crate::lake_cmd::CompactArgs),
    /// Run SQL on a lake (tables `events`, `usage`, `access_to_resource`).
    #[cfg(feature = "lake")]
    Query(crate::lake_cmd::QueryArgs),
    /// Every principal that touched a resource, when, from where, with what outcome.
    #[cfg(feature = "lake")]
    WhoAccessed(crate::lake_cmd::WhoArgs),
}

/// What every usage-reading subcommand takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Window {
    /// How far back from `--now` to count: `90d`, `12h`, `2w`, an absolute time, or `all`.
    #[arg(long, default_value = "90d", value_name = "WINDOW")]
    since: String,
    /// The end of the window (`2024-06-01T00:00:00Z`); default the current time.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// A lake: run the queries on this Ballista scheduler (`df://HOST:PORT`).
    #[cfg(feature = "lake")]
    #[arg(long, value_name = "URL")]
    pub(crate) cluster: Option<String>,
    /// A lake: only these accounts (repeatable).
    #[cfg(feature = "lake")]
    #[arg(long = "account", value_name = "ID")]
    pub(crate) accounts: Vec<String>,
    /// A lake: only these principals (ARNs as `trail usage` names them; repeatable).
    #[cfg(feature = "lake")]
    // Not `principal`: `trail policy` names its positional argument so.
    #[arg(long = "principal", value_name = "ARN")]
    pub(crate) principals: Vec<String>,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail usage logs/ --since 90d\n  \
phiward trail usage AWSLogs/ --now 2024-06-01T00:00:00Z --format json\n  \
phiward trail usage export.jsonl --since all --format csv\n\n\
LOGS is a folder in CloudTrail's S3 layout (AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/Y/M/D/), \
a .json or .json.gz file of {\"Records\": [...]}, or a JSON-lines export. \
Exit status: 2 if a file or record could not be read (it is named on standard error and \
skipped), else 0.")]
pub(crate) struct UsageArgs {
    /// Log folder or file.
    logs: PathBuf,
    #[command(flatten)]
    window: Window,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: &Args) -> Result<u8> {
    match &args.command {
        Command::Usage(a) => usage_cmd(a),
        Command::Unused(a) => policy_cmd::unused(a),
        Command::Policy(a) => policy_cmd::policy(a),
        Command::Verify(a) => verify_cmd::verify(a),
        #[cfg(feature = "lake")]
        Command::Compact(a) => crate::lake_cmd::compact(a),
        #[cfg(feature = "lake")]
        Command::Query(a) => crate::lake_cmd::query(a),
        #[cfg(feature = "lake")]
        Command::WhoAccessed(a) => crate::lake_cmd::who_accessed(a),
    }
}

fn now_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Window {
    /// A window of `since` back from `now`, on every core.
    #[cfg(feature = "lake")]
    pub(crate) fn new(since: String, now: Option<String>) -> Window {
        Window {
            since,
            now,
            threads: None,
            cluster: None,
            accounts: Vec::new(),
            principals: Vec::new(),
        }
    }

    pub(crate) fn options(&self) -> Result<Options> {
        let until = match &self.now {
            Some(t) => phiward_trail::time::parse(t)
                .with_context(|| format!("`--now {t}` is not a time like 2024-06-01T00:00:00Z"))?,
            None => now_epoch(),
        };
        if self.since == "all" {
            return Ok(Options::window(until, None));
        }
        if let Some(start) = phiward_trail::time::parse(&self.since) {
            return Ok(Options::window(until, Some(until.saturating_sub(start))));
        }
        match phiward_trail::time::parse_duration(&self.since) {
            Some(w) => Ok(Options::window(until, Some(w))),
            None => bail!(
                "`--since {}` is not a window like 90d, 12h, 2w, a time or `all`",
                self.since
            ),
        }
    }

    /// Runs `f` on a pool of `--threads` workers.
    pub(crate) fn pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T> {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            if n == 0 {
                bail!("`--threads` must be at least 1");
            }
            b = b.num_threads(n);
        }
        Ok(b.build().context("cannot start worker threads")?.install(f))
    }
}

/// Mines usage from `logs`, naming unreadable files and records on standard error.
/// Returns the usage and whether everything could be read.
pub(crate) fn mine(logs: &Path, window: &Window) -> Result<(Usage, bool)> {
    if crate::lake_cmd::is_lake(logs) {
        return crate::lake_cmd::mine(logs, window);
    }
    #[cfg(feature = "lake")]
    if window.cluster.is_some() || !window.accounts.is_empty() || !window.principals.is_empty() {
        bail!(
            "`--cluster`, `--account` and `--principal` apply to a lake (`phiward trail compact`), \
             and `{}` is not one",
            logs.display()
        );
    }
    let opts = window.options()?;
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let paths = phiward_trail::read::discover(logs)?;
    if paths.is_empty() {
        bail!(
            "no log files (.json, .json.gz, .jsonl) under `{}`",
            logs.display()
        );
    }
    let usage = window.pool(|| phiward_trail::usage::usage(&paths, opts, catalog))?;
    for p in &usage.problems {
        eprintln!("warning: skipped {p}");
    }
    if usage.more_problems > 0 {
        eprintln!("warning: {} more problems not shown", usage.more_problems);
    }
    let complete = usage.problems.is_empty() && usage.more_problems == 0;
    Ok((usage, complete))
}

fn usage_cmd(args: &UsageArgs) -> Result<u8> {
    let (usage, complete) = mine(&args.logs, &args.window)?;
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => o.write_all(out::json::usage(&usage)?.as_bytes())?,
        Format::Csv => out::csv::usage(&mut o, &usage)?,
        Format::Text => out::text::usage(&mut o, &usage)?,
    }
    Ok(if complete { exit::OK } else { exit::INPUT })
}
