//! Loading a large account (target: under 1 s and 1 GB for 5,000 users, 5,000 roles and
//! 10,000 policies). The account is `bench/gen_account.py`'s, generated into the target
//! folder on first use (`PHIWARD_BENCH_SCALE`, default 1; `PHIWARD_BENCH_ACCOUNT` to use
//! an existing folder); peak memory is measured by `bench/large-account.sh`.

#[path = "../../../bench/account.rs"]
mod account;

use account::account;
use criterion::{criterion_group, criterion_main, Criterion};

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
