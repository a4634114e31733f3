//! `phiward rotate plan`: the schedule of every user's keys, from a snapshot.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_rotate::consumers::Consumers;

use crate::exit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Per user: keys, their place, next action, consumers and calendar.
    Text,
    /// One JSON document (the plan).
    Json,
    /// One row per key.
    Csv,
    /// An iCalendar file (RFC 5545) of the dates, for the owners' calendars.
    Ics,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  phiward rotate plan --snapshot examples/demo-account\n  \
phiward rotate plan --snapshot S --format ics > rotation.ics\n  \
phiward rotate plan --snapshot S --logs cloudtrail/ --output csv=plan.csv --output ics=plan.ics\n\n\
Dates are measured from the snapshot's moment, not the clock.\n\
Exit status: 2 if some input could not be read, else 1 if a key is out of schedule, a \
rotation is on hold, or the root user has keys, else 0."
)]
pub struct Args {
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "S")]
    snapshot: PathBuf,
    /// The configuration (default: `phiward.toml` in the snapshot folder, else in the
    /// working directory, else the documented defaults).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format (to standard output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write a format to a file, `FORMAT=PATH` (repeatable): `ics=rotation.ics`.
    #[arg(long, value_name = "FORMAT=PATH")]
    output: Vec<String>,
    /// CloudTrail logs naming each key's consumers (repeatable): a folder in CloudTrail's
    /// S3 layout, `.json`, `.json.gz` or JSON-lines files. Default: the snapshot folder's
    /// `cloudtrail-logs/`, when there is one.
    #[arg(long, value_name = "PATH")]
    logs: Vec<PathBuf>,
    /// How many days of calendar to plan.
    #[arg(long, value_name = "DAYS", default_value_t = 45,
          value_parser = clap::value_parser!(i64).range(0..=3650))]
    days: i64,
    /// Only this user (repeatable).
    #[arg(long, value_name = "NAME")]
    user: Vec<String>,
}

fn render(p: &phiward_rotate::Plan, f: Format) -> Result<String> {
    Ok(match f {
        Format::Text => phiward_rotate::render::text(p),
        Format::Json => serde_json::to_string_pretty(p)? + "\n",
        Format::Csv => phiward_rotate::render::csv(p)?,
        Format::Ics => phiward_rotate::ics::ics(p),
    })
}

/// Runs `phiward rotate plan`.
pub fn run(args: &Args) -> Result<u8> {
    let loaded = phiward_snapshot::load(&args.snapshot)
        .with_context(|| format!("cannot read the snapshot `{}`", args.snapshot.display()))?;
    let config = super::load_config(args.config.as_deref(), Some(&args.snapshot))?;
    let schedule = super::schedule(&config)?;
    let mut roots = args.logs.clone();
    if roots.is_empty() {
        let default = args.snapshot.join("cloudtrail-logs");
        if default.is_dir() {
            roots.push(default);
        }
    }
    let consumers = (!roots.is_empty()).then(|| Consumers::read(&roots));
    let plan = phiward_rotate::plan(
        &loaded.snapshot,
        &config,
        &schedule,
        consumers.as_ref(),
        args.days,
        &args.user,
    );
    for spec in &args.output {
        let Some((name, path)) = spec.split_once('=') else {
            bail!("`--output {spec}`: expected FORMAT=PATH");
        };
        let format = <Format as clap::ValueEnum>::from_str(name, true)
            .map_err(|_| anyhow::anyhow!("`--output {spec}`: unknown format `{name}`"))?;
        std::fs::write(path, render(&plan, format)?)
            .with_context(|| format!("cannot write `{path}`"))?;
    }
    let mut out = std::io::stdout().lock();
    out.write_all(render(&plan, args.format)?.as_bytes())?;
    out.flush()?;
    let mut unread: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    if let Some(c) = &consumers {
        unread.extend(c.problems.iter().map(|p| format!("CloudTrail log {p}")));
    }
    for u in &unread {
        eprintln!("skipped: {u}");
    }
    let attention = plan.users.iter().any(|u| u.needs_attention()) || !plan.root_keys.is_empty();
    Ok(if !unread.is_empty() {
        exit::INPUT
    } else if attention {
        exit::FAILED
    } else {
        exit::OK
    })
}
