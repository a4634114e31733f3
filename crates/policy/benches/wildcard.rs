//! The wildcard matcher on hostile and on everyday patterns. The guarantee is
//! O(n * ceil(m / 64)) for an n-character value and an m-character pattern; a 10,000 by
//! 10,000 case must take at most a few milliseconds.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use phiward_policy::glob::Glob;

fn bench(c: &mut Criterion) {
    let arn_a = format!("arn:aws:s3:::{}", "a".repeat(10_000 - 13));
    let arn_ab = format!("arn:aws:s3:::{}", "ab".repeat((10_000 - 13) / 2));
    let cases: Vec<(&str, String, &String)> = vec![
        (
            "star-heavy *a*a*a...*b* (no match)",
            format!("{}*b*", "*a".repeat(5_000)),
            &arn_a,
        ),
        ("star-heavy *a*a*a... (match)", "*a".repeat(5_000), &arn_a),
        ("question-heavy ??...? (length)", "?".repeat(10_000), &arn_a),
        (
            "question-heavy *?a?a...?a* (automaton)",
            format!("*{}*", "?b".repeat(4_999)),
            &arn_ab,
        ),
        (
            "mixed *a?b*a?b*...*c* (no match)",
            format!("{}*c*", "*a?b".repeat(2_500)),
            &arn_ab,
        ),
        (
            "question-heavy *?c?c...* (automaton, no match)",
            format!("*{}*", "?c".repeat(4_999)),
            &arn_ab,
        ),
    ];
    let mut g = c.benchmark_group("wildcard 10k x 10k");
    g.sample_size(20);
    for (name, pattern, text) in &cases {
        let glob = Glob::plain(pattern);
        g.bench_function(*name, |b| {
            b.iter(|| black_box(glob.is_match(black_box(text))))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("wildcard everyday");
    let everyday = [
        ("exact", "s3:getobject", "s3:getobject"),
        ("prefix", "s3:get*", "s3:getobjecttagging"),
        (
            "arn segments",
            "arn:aws:dynamodb:*:111122223333:table/or*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
        ),
        ("question", "dynamodb:?etitem", "dynamodb:getitem"),
    ];
    for (name, p, t) in everyday {
        let glob = Glob::plain(p);
        g.bench_function(name, |b| b.iter(|| black_box(glob.is_match(black_box(t)))));
    }
    g.finish();
    c.bench_function("compile 10k star-heavy pattern", |b| {
        let p = "*a".repeat(5_000);
        b.iter(|| black_box(Glob::plain(black_box(&p))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
