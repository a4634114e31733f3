//! `phiward trail verify`.

use std::path::PathBuf;

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The folder holding `AWSLogs/` (digests and log files).
    logs: PathBuf,
    /// The output of `aws cloudtrail list-public-keys`.
    #[arg(long, value_name = "FILE")]
    public_keys: PathBuf,
    /// Digest signatures: `KEY<TAB>SIGNATURE` lines (see docs/trail.md).
    #[arg(long, value_name = "FILE")]
    signatures: Option<PathBuf>,
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<u8> {
    let _ = (&args.logs, &args.public_keys, &args.signatures);
    bail!("not implemented yet")
}
