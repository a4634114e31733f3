//! The generated account the Rust benchmarks run on, shared by `crates/*/benches` through
//! `#[path]`: `bench/gen_account.py`'s, generated into the temporary folder on first use
//! (`PHIWARD_BENCH_SCALE`, default 1), or the folder `PHIWARD_BENCH_ACCOUNT` names.

use std::path::PathBuf;
use std::process::Command;

/// The account's folder; `None` (said on stderr) when it cannot be generated.
pub fn account() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PHIWARD_BENCH_ACCOUNT") {
        return Some(PathBuf::from(dir));
    }
    let scale = std::env::var("PHIWARD_BENCH_SCALE").unwrap_or_else(|_| "1".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("phiward-bench-account-{scale}"));
    if !dir.join("phiward-export.json").is_file() {
        let ok = Command::new("python3")
            .arg(root.join("bench/gen_account.py"))
            .args(["--out", &dir.to_string_lossy(), "--scale", &scale])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("python3 bench/gen_account.py failed: skipping the benchmark");
            return None;
        }
    }
    Some(dir)
}
