//! Lint every AWS managed policy (1,594 documents) in one process with the embedded
//! catalog. Target: under 1 s.

#![expect(clippy::unwrap_used, reason = "benchmark set-up")]

use std::hint::black_box;
use std::io::Read as _;

use criterion::{criterion_group, criterion_main, Criterion};
use phiward_catalog::Catalog;
use phiward_lint::{lint_text, Options};

fn corpus() -> Vec<String> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/aws-managed-policies.json.gz"
    ))
    .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["policies"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| serde_json::to_string_pretty(p).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    let policies = corpus();
    let catalog: &Catalog = Catalog::get().unwrap();
    let opts = Options::default();
    let mut g = c.benchmark_group("lint");
    g.sample_size(10);
    g.bench_function("all_managed_policies_sequential", |b| {
        b.iter(|| {
            let n: usize = policies
                .iter()
                .map(|p| lint_text(black_box(p), &opts, Some(catalog)).len())
                .sum();
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
