//! `phiward fix`: proved fixes for an audit's failing findings, as CloudFormation,
//! Terraform and AWS CLI commands.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use phiward_checks::Config;
use phiward_iac::fix;
use phiward_report::fix as render;

use crate::exit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The proved fixes with the findings they fix, and the fixes not offered with why.
    Text,
    /// One JSON document with every fix, its code and its proof.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  phiward fix examples/demo-account\n  \
phiward fix snap/ --out fixes/ --network 198.51.100.0/24 --vpce vpce-0a1b2c3d\n\n\
Each fix is applied to a copy of the snapshot and the audit is run again: it is written \
only if the findings it targets pass and no other check regresses. Exit status: 2 if the \
snapshot could not be read, else 0.")]
pub struct Args {
    /// A snapshot folder or a folder of raw AWS CLI exports.
    snapshot: PathBuf,
    /// Where to write the fixes, one folder each (`cloudformation.yaml`, `main.tf`,
    /// `aws-cli.sh`).
    #[arg(long, value_name = "DIR", default_value = "phiward-fixes")]
    out: PathBuf,
    /// A CIDR range PHI buckets may be reached from (LP-006; repeatable).
    #[arg(long, value_name = "CIDR")]
    network: Vec<String>,
    /// A VPC endpoint PHI buckets may be reached through (LP-006; repeatable).
    #[arg(long, value_name = "ID")]
    vpce: Vec<String>,
    /// CloudTrail logs (a folder in CloudTrail's S3 layout, `.json`, `.json.gz` or
    /// JSON-lines files; repeatable) to write least-privilege policies from (LP-008).
    /// Default: the snapshot folder's `cloudtrail-logs/`, when there is one.
    #[arg(long, value_name = "PATH")]
    logs: Vec<PathBuf>,
    /// The configuration (default: `phiward.toml` in the snapshot folder, else the
    /// working directory's).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn config(args: &Args) -> Result<Config> {
    let candidates = match &args.config {
        Some(p) => vec![p.clone()],
        None => vec![
            args.snapshot.join("phiward.toml"),
            PathBuf::from("phiward.toml"),
        ],
    };
    for path in candidates {
        if args.config.is_none() && !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration `{}`", path.display()))?;
        return Ok(Config::parse(&text, &path.display().to_string())?);
    }
    Ok(Config::default())
}

/// What each principal used in the logs, up to the snapshot's moment.
fn usage(args: &Args, until: i64) -> Result<Option<phiward_trail::usage::Usage>> {
    let mut roots = args.logs.clone();
    let default = args.snapshot.join("cloudtrail-logs");
    if roots.is_empty() && default.is_dir() {
        roots.push(default);
    }
    if roots.is_empty() {
        return Ok(None);
    }
    let mut paths = Vec::new();
    for r in &roots {
        paths.extend(
            phiward_trail::read::discover(r)
                .with_context(|| format!("cannot read the logs `{}`", r.display()))?,
        );
    }
    let catalog =
        phiward_catalog::Catalog::get().context("the embedded action catalog does not load")?;
    let window = phiward_trail::usage::Options::window(until, None);
    let r = phiward_trail::review::review(&paths, &Default::default(), window, catalog);
    Ok(Some(r.usage))
}

pub fn run(args: &Args) -> Result<u8> {
    let loaded = phiward_snapshot::load(&args.snapshot)
        .with_context(|| format!("cannot read the snapshot `{}`", args.snapshot.display()))?;
    let config = config(args)?;
    let snap = &loaded.snapshot;
    let until = snap.as_of.unwrap_or(snap.created).timestamp();
    let opts = fix::Options {
        networks: args.network.clone(),
        vpc_endpoints: args.vpce.clone(),
        usage: usage(args, until)?,
    };
    let (before, proved) = fix::fixes(&loaded.snapshot, &config, &opts);
    for (n, p) in proved.iter().filter(|p| p.proof.is_ok()).enumerate() {
        for (rel, text) in render::files(n, p) {
            let path = args.out.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create `{}`", dir.display()))?;
            }
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
    }
    let out = match args.format {
        Format::Text => render::text(&before, &proved, &args.out.display().to_string()),
        Format::Json => render::json(&proved),
    };
    let mut lock = std::io::stdout().lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    Ok(if loaded.problems.is_empty() {
        exit::OK
    } else {
        exit::INPUT
    })
}
