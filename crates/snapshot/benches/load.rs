//! Loading a large account (target: under 1 s and 1 GB for 5,000 users, 5,000 roles and
//! 10,000 policies). The account is `bench/gen_account.py`'s, generated into the target
//! folder on first use (`PHIWARD_BENCH_SCALE`, default 1; `PHIWARD_BENCH_ACCOUNT` to use
//! an existing folder); peak memory is measured by `bench/large-account.sh`.

use std::path::PathBuf;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

fn account() -> Option<PathBuf> {
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
            eprintln!("python3 bench/gen_account.py failed: skipping the load benchmark");
            return None;
        }
    }
    Some(dir)
}

fn load(c: &mut Criterion) {
    let Some(dir) = account() else { return };
    let mut g = c.benchmark_group("snapshot");
    g.sample_size(10);
    g.bench_function("load_raw_exports", |b| {
        b.iter_with_large_drop(|| phiward_snapshot::load(&dir))
    });
    let snap = std::env::temp_dir().join("phiward-bench-snapshot");
    if let Ok(loaded) = phiward_snapshot::load(&dir) {
        let _ = std::fs::remove_dir_all(&snap);
        if phiward_snapshot::write_snapshot(&loaded.snapshot, &snap, true).is_ok() {
            g.bench_function("load_snapshot", |b| {
                b.iter_with_large_drop(|| phiward_snapshot::load(&snap))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
