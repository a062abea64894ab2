//! Sampling speed: 10,000 architectures from `remap-2019` for 28×28×1 input and 10 classes
//! (target: under 100 ms on one core).

use criterion::{Criterion, criterion_group, criterion_main};
use remap_architecture::Input;
use remap_sampling::{Sampler, SearchSpace};

fn sample_10k(c: &mut Criterion) {
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    let space = SearchSpace::remap_2019();
    c.bench_function("sample 10,000 architectures (remap-2019, 28x28x1)", |b| {
        b.iter(|| {
            let mut sampler = Sampler::new(space.clone(), input, 10, 1);
            std::hint::black_box(sampler.sample_many(10_000))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = sample_10k
}
criterion_main!(benches);
