//! The audit of one account folder with each check's time, for profiling without the CLI
//! (and without the AWS SDK it links): `cargo run --profile profiling -p phiward-checks
//! --example audit_timings -- DIR`, under `perf record` or valgrind; `ONLY=ID` runs one
//! check.

use std::time::Instant;

use phiward_access::AccessModel;
use phiward_checks::{run_all_timed, Audit, Config};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: audit_timings DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let loaded = match phiward_snapshot::load(std::path::Path::new(&dir)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    eprintln!("load {:?}", t.elapsed());
    let snap = &loaded.snapshot;
    let t = Instant::now();
    let access = AccessModel::new(snap);
    eprintln!("model {:?}", t.elapsed());
    let config = Config::default();
    let audit = Audit::new(snap, &access, snap.as_of.unwrap_or(snap.created), &config);
    // `ONLY=LP-012` runs one check, for a profile of it alone.
    if let Ok(only) = std::env::var("ONLY") {
        for c in phiward_checks::CHECKS.iter().filter(|c| c.meta.id == only) {
            let t = Instant::now();
            let n = (c.run)(&c.meta, &audit).len();
            eprintln!("{only} {:?}, {n} findings", t.elapsed());
        }
        return;
    }
    let t = Instant::now();
    let mut times = Vec::new();
    let findings = run_all_timed(&audit, |m, d| times.push((d, m.id)));
    times.sort();
    for (d, id) in times.iter().rev().take(15) {
        eprintln!("{id:10} {d:?}");
    }
    eprintln!("checks {:?}, {} findings", t.elapsed(), findings.len());
}
