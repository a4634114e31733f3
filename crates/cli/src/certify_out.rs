//! `phiward certify plan` and `phiward certify export`.

use std::path::PathBuf;

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The campaign (name or id).
    campaign: String,
    /// The campaign store.
    #[arg(long, default_value = "certify.db")]
    store: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The campaign (name or id).
    campaign: String,
    /// The campaign store.
    #[arg(long, default_value = "certify.db")]
    store: PathBuf,
}

pub fn plan(_a: &PlanArgs) -> Result<u8> {
    bail!("not yet")
}

pub fn export(_a: &ExportArgs) -> Result<u8> {
    bail!("not yet")
}
