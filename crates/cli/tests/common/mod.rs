//! Running the `phiward` binary from the repository's root, for the end-to-end tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `phiward ARGS` with the repository's root as working directory.
pub fn phiward(args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match Command::new(env!("CARGO_BIN_EXE_phiward"))
        .args(args)
        .current_dir(root)
        .output()
    {
        Ok(o) => o,
        Err(e) => unreachable!("cannot run phiward: {e}"),
    }
}
