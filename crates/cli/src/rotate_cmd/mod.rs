//! `phiward rotate`: access-key rotation on the two-key overlap schedule (docs/rotation.md).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use phiward_checks::Config;

mod plan;
mod run;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Each user's keys placed in the schedule, with the next actions and their dates, from
    /// a snapshot (text, JSON, CSV or iCalendar).
    Plan(plan::Args),
    /// Rotate users' keys in AWS: create and store the new key, deactivate the old one
    /// once the new one is in use, delete it after the grace; safe to interrupt.
    Run(Box<run::Args>),
}

/// Runs `phiward rotate`.
pub fn run(args: &Args) -> Result<u8> {
    match &args.command {
        Command::Plan(a) => plan::run(a),
        Command::Run(a) => run::run(a),
    }
}

/// The configuration `explicit` names, else the first `phiward.toml` of `beside` (the
/// snapshot folder) and the working directory, else the defaults; the same lookup as
/// `phiward audit`.
pub(crate) fn load_config(explicit: Option<&Path>, beside: Option<&Path>) -> Result<Config> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => beside
            .map(|b| b.join("phiward.toml"))
            .into_iter()
            .chain([PathBuf::from("phiward.toml")])
            .collect(),
    };
    for path in candidates {
        if explicit.is_none() && !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration `{}`", path.display()))?;
        return Ok(Config::parse(&text, &path.display().to_string())?);
    }
    Ok(Config::default())
}

/// The schedule of a configuration, its errors naming the file.
pub(crate) fn schedule(config: &Config) -> Result<phiward_rotate::Schedule> {
    phiward_rotate::Schedule::new(&config.rotation)
        .context("the `[rotation]` settings cannot make a schedule")
}
