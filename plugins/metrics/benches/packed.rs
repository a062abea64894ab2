//! Issue 30: the prediction distance from packed predictions. Three ways of comparing two
//! models' held-out labels, on 10,000 images:
//! - `labels`: today's `prediction_distance` over `u32` label vectors;
//! - `bytes`: one `u8` class index per image, eight images per `u64` (XOR, then a bit trick
//!   that sets each differing byte's top bit, then a popcount);
//! - `planes`: `PackedPredictions`, bit-sliced class indices (⌈log₂ classes⌉ words per 64
//!   images, XOR and OR across planes, one popcount).
//!
//! Each case computes the distances from one model to 1,000 others (one map row's worth).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use remap_metrics::{PackedPredictions, prediction_distance};

const IMAGES: usize = 10_000;
const MODELS: usize = 1_001;

fn labels(classes: u32) -> Vec<Vec<u32>> {
    let mut state = 0x9e37_79b9_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let truth: Vec<u32> = (0..IMAGES)
        .map(|_| (next() % u64::from(classes)) as u32)
        .collect();
    (0..MODELS)
        .map(|_| {
            truth
                .iter()
                .map(|&t| {
                    if next() % 10 < 7 {
                        t
                    } else {
                        (next() % u64::from(classes)) as u32
                    }
                })
                .collect()
        })
        .collect()
}

/// One byte per image, each model padded to a whole number of `u64` words.
struct Bytes {
    stride: usize,
    bytes: Vec<u8>,
}

impl Bytes {
    fn new(models: &[Vec<u32>]) -> Self {
        let stride = IMAGES.div_ceil(8) * 8;
        let mut bytes = vec![0u8; stride * models.len()];
        for (row, labels) in bytes.chunks_exact_mut(stride).zip(models) {
            for (b, &l) in row.iter_mut().zip(labels) {
                *b = u8::try_from(l).expect("at most 256 classes");
            }
        }
        Bytes { stride, bytes }
    }

    fn distance(&self, a: usize, b: usize) -> f64 {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let row = |i: usize| &self.bytes[i * self.stride..(i + 1) * self.stride];
        let mut differ = 0u32;
        for (x, y) in row(a).chunks_exact(8).zip(row(b).chunks_exact(8)) {
            let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("8 bytes"));
            let v = word(x) ^ word(y);
            // A byte's top bit ends up set iff the byte is non-zero (no carry crosses bytes).
            differ += ((((v & LOW7) + LOW7) | v) & HIGH).count_ones();
        }
        f64::from(differ) / IMAGES as f64
    }
}

fn bench(c: &mut Criterion) {
    for classes in [10u32, 100] {
        let models = labels(classes);
        let bytes = Bytes::new(&models);
        let planes = PackedPredictions::from_labels(classes, &models).expect("valid labels");
        for b in 1..MODELS {
            let want = prediction_distance(&models[0], &models[b]).expect("same length");
            assert_eq!(bytes.distance(0, b), want);
            assert_eq!(planes.distance(0, b), want);
        }
        let mut group = c.benchmark_group(format!("prediction distance, {classes} classes"));
        group.bench_function("labels (u32)", |bn| {
            bn.iter(|| {
                (1..MODELS)
                    .map(|b| prediction_distance(&models[0], &models[b]).expect("same length"))
                    .sum::<f64>()
            })
        });
        group.bench_function("bytes (u8, 8 per u64)", |bn| {
            bn.iter(|| (1..MODELS).map(|b| bytes.distance(0, b)).sum::<f64>())
        });
        group.bench_function("planes (bit-sliced)", |bn| {
            bn.iter(|| (1..MODELS).map(|b| planes.distance(0, b)).sum::<f64>())
        });
        group.finish();
        black_box(&models);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
