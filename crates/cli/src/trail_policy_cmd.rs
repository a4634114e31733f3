//! `phiward trail unused` and `phiward trail policy`.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::trail_cmd::{Format, Window};

#[derive(Debug, clap::Args)]
pub(crate) struct UnusedArgs {
    /// Log folder or file.
    logs: PathBuf,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    #[command(flatten)]
    window: Window,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PolicyArgs {
    /// The IAM user or role (name or ARN).
    principal: String,
    /// Log folder or file.
    logs: PathBuf,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    #[command(flatten)]
    window: Window,
}

pub(crate) fn unused(args: &UnusedArgs) -> Result<u8> {
    let _ = (&args.logs, &args.snapshot, &args.window, args.format);
    bail!("not implemented yet")
}

pub(crate) fn policy(args: &PolicyArgs) -> Result<u8> {
    let _ = (&args.principal, &args.logs, &args.snapshot, &args.window);
    bail!("not implemented yet")
}
