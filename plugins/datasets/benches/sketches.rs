//! Target: generating 10,000 sketches takes well under a second or two.

use criterion::{Criterion, criterion_group, criterion_main};
use remap_datasets::{DatasetSource, LoadOptions, load};

fn sketches(c: &mut Criterion) {
    let options = LoadOptions {
        per_class: 1_000,
        ..LoadOptions::default()
    };
    let mut group = c.benchmark_group("sketches");
    group.sample_size(10);
    group.bench_function("load 10,000", |b| {
        b.iter(|| load(&DatasetSource::Sketches, &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, sketches);
criterion_main!(benches);
