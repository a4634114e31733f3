//! `phiward explain ID`: a check's documentation.

use anyhow::{bail, Result};
use phiward_checks::CHECKS;

use crate::exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A check id (`ROOT-001`); without one, the list of checks.
    id: Option<String>,
}

pub fn run(args: &Args) -> Result<u8> {
    let Some(id) = &args.id else {
        for c in CHECKS {
            println!(
                "{:<10} {:<8} practice {}  {}",
                c.meta.id,
                c.meta.severity.as_str(),
                c.meta.practice,
                c.meta.title
            );
        }
        return Ok(exit::OK);
    };
    match CHECKS.iter().find(|c| c.meta.id.eq_ignore_ascii_case(id)) {
        Some(c) => {
            print!("{}", c.meta.page());
            Ok(exit::OK)
        }
        None => bail!("`{id}` is not a check id (run `phiward explain` for the list)"),
    }
}
