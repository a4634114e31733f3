//! Loading the embedded catalog (target: under 20 ms) and its lookups.

use criterion::{criterion_group, criterion_main, Criterion};
use phiward_catalog::Catalog;
use std::hint::black_box;

fn load(c: &mut Criterion) {
    c.bench_function("catalog/load_embedded", |b| {
        b.iter_with_large_drop(Catalog::load_embedded)
    });
    let Ok(cat) = Catalog::get() else { return };
    c.bench_function("catalog/action_lookup", |b| {
        b.iter(|| black_box(cat.action(black_box("s3:GetObject"))))
    });
    c.bench_function("catalog/expand_s3_get_star", |b| {
        b.iter(|| black_box(cat.expand(black_box("s3:Get*"))))
    });
    c.bench_function("catalog/complement_s3_iam", |b| {
        b.iter(|| black_box(cat.complement(black_box(["s3:*", "iam:*"]))))
    });
    c.bench_function("catalog/match_arn_object", |b| {
        b.iter(|| black_box(cat.match_arn(black_box("arn:aws:s3:::phi-records/2024/a.pdf"))))
    });
    c.bench_function("catalog/event_rename", |b| {
        b.iter(|| black_box(cat.actions_for_event("s3.amazonaws.com", "ListObjectsV2")))
    });
}

criterion_group!(benches, load);
criterion_main!(benches);
