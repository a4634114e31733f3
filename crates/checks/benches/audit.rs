//! The full audit on a large account (issue 6's target: under 5 s and 1 GB for 5,000
//! users, 5,000 roles, 10,000 policies and 300 PHI resources on two cores): every check,
//! from the loaded snapshot to the findings. The account is `bench/gen_account.py`'s,
//! generated into the temporary folder on first use (`PHIWARD_BENCH_SCALE`, default 1;
//! `PHIWARD_BENCH_ACCOUNT` to use an existing folder). Whole-process time and peak memory
//! (loading and writing the report included) are `bench/large-account.sh`'s.

#[path = "../../../bench/account.rs"]
mod account;

use account::account;
use criterion::{criterion_group, criterion_main, Criterion};
use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};

/// The allocator the `phiward` binary uses, so that the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn audit(c: &mut Criterion) {
    let Some(dir) = account() else { return };
    let Ok(loaded) = phiward_snapshot::load(&dir) else {
        eprintln!(
            "cannot load {}: skipping the audit benchmark",
            dir.display()
        );
        return;
    };
    let snap = &loaded.snapshot;
    let config = Config::default();
    let now = snap.as_of.unwrap_or(snap.created);
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.bench_function("model_and_every_check", |b| {
        b.iter_with_large_drop(|| {
            let access = AccessModel::new(snap);
            let findings = run_all(&Audit::new(snap, &access, now, &config));
            (findings, access)
        })
    });
    g.finish();
}

criterion_group!(benches, audit);
criterion_main!(benches);
