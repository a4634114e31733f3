//! Time per authorization decision over the public conformance cases (or the bundled
//! examples when `../shared` is absent), with policies parsed beforehand.
//!
//! Besides criterion's groups, prints the median over cases of each case's mean decision
//! time, the figure `bench/RESULTS.md` reports.

#![expect(
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "benchmarks stop on missing inputs"
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use phiward_policy::cases::{parse_cases, Case};
use phiward_policy::evaluate;

fn load() -> (String, Vec<Case>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let public = root.join("../shared/conformance/public-cases.json");
    let path = if public.exists() {
        public
    } else {
        root.join("examples/phi-access.json")
    };
    let text = std::fs::read_to_string(&path).expect("read cases");
    let cases = parse_cases(&text)
        .expect("parse cases")
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    (path.display().to_string(), cases)
}

fn per_case_median(cases: &[Case]) {
    let mut means: Vec<f64> = cases
        .iter()
        .map(|c| {
            let n = 2_000;
            let t = Instant::now();
            for _ in 0..n {
                black_box(evaluate(black_box(&c.policies), black_box(&c.request)));
            }
            t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let pct = |p: f64| means[((means.len() - 1) as f64 * p).round() as usize];
    eprintln!(
        "per-case mean decision time over {} cases: median {:.0} ns, p90 {:.0} ns, max {:.0} ns",
        means.len(),
        pct(0.5),
        pct(0.9),
        pct(1.0)
    );
}

fn bench(c: &mut Criterion) {
    let (path, cases) = load();
    eprintln!("cases from {path}");
    per_case_median(&cases);
    let mut g = c.benchmark_group("decide");
    let mut i = 0usize;
    g.bench_function("one decision (rotating over cases)", |b| {
        b.iter(|| {
            let case = &cases[i % cases.len()];
            i += 1;
            black_box(evaluate(
                black_box(&case.policies),
                black_box(&case.request),
            ))
        })
    });
    g.bench_function("all cases", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(evaluate(&case.policies, &case.request));
            }
        })
    });
    g.finish();
    let text = std::fs::read_to_string(&path).expect("read");
    c.bench_function("parse case file", |b| {
        b.iter(|| black_box(parse_cases(black_box(&text))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
