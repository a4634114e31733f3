//! The CloudTrail lake: `phiward trail compact`, `trail query`, `trail who-accessed`, and
//! a lake as the input of `trail usage|unused|policy` and `audit --logs`.
//!
//! DataFusion and Ballista come with the `lake` feature only (`cargo install --path
//! crates/cli --features lake`); without it a lake given as input is named as such and
//! refused, rather than read as log files.

use std::path::Path;

#[cfg(not(feature = "lake"))]
use anyhow::Result;

/// The manifest that marks a folder as a lake (`phiward_lake::MANIFEST`).
const MANIFEST: &str = "phiward-lake.json";

/// Whether `path` is a lake (a folder holding a lake manifest).
pub(crate) fn is_lake(path: &Path) -> bool {
    path.join(MANIFEST).is_file()
}

#[cfg(not(feature = "lake"))]
fn refuse(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "`{}` is a phiward CloudTrail lake; this phiward was built without the `lake` feature \
         (cargo install --path crates/cli --features lake)",
        path.display()
    )
}

/// Usage from a lake, as `trail_cmd::mine` answers it from logs.
#[cfg(not(feature = "lake"))]
pub(crate) fn mine(
    path: &Path,
    _: &crate::trail_cmd::Window,
) -> Result<(phiward_trail::usage::Usage, bool)> {
    Err(refuse(path))
}

/// The audit's review from a lake.
#[cfg(not(feature = "lake"))]
pub(crate) fn review(
    roots: &[std::path::PathBuf],
    _: Vec<String>,
    _: i64,
) -> Result<phiward_trail::review::Review> {
    match roots.iter().find(|r| is_lake(r)) {
        Some(r) => Err(refuse(r)),
        None => anyhow::bail!("no lake among the logs"),
    }
}

#[cfg(feature = "lake")]
mod run;
#[cfg(feature = "lake")]
pub(crate) use run::*;
