//! `phiward serve` and `phiward certify account`.

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    /// The account name.
    name: String,
}

pub fn account(_a: &AccountArgs) -> Result<u8> {
    bail!("not yet")
}
