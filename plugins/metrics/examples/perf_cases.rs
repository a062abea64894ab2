//! Reduced, repeatable cases for counting instructions (`valgrind --tool=callgrind`), since
//! wall-clock times on a shared machine are noisy.
//!
//! Usage: cargo run --release -p remap-metrics --example perf_cases -- otmann N
//!        cargo run --release -p remap-metrics --example perf_cases -- smacof N ITERS
//!        cargo run --release -p remap-metrics --example perf_cases -- project N
//!
//! `otmann N` builds the OTMANN matrix of N sampled nets. `smacof N ITERS` runs exactly ITERS
//! SMACOF iterations on N pseudo-random 5-D points (Euclidean dissimilarities, so the setup is
//! cheap); `smacof N 0` measures the setup alone. `project N` times the OTMANN matrix of N
//! sampled nets and its projection, and prints the stress and iterations.

use remap_architecture::Input;
use remap_metrics::{DistanceMatrix, OtmannNetwork, SmacofOptions, otmann, smacof};
use remap_sampling::{Sampler, SearchSpace};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = |k: usize| -> usize { args[k].parse().expect("a count") };
    match args.first().map(String::as_str) {
        Some("otmann") => {
            let input = Input {
                height: 28,
                width: 28,
                channels: 1,
            };
            let archs =
                Sampler::new(SearchSpace::remap_2019(), input, 10, 2019).sample_many(count(1));
            let nets: Vec<OtmannNetwork> = archs.iter().map(OtmannNetwork::new).collect();
            let m = DistanceMatrix::build(&nets, otmann);
            println!("sum {}", m.packed().iter().sum::<f64>());
        }
        Some("project") => {
            let input = Input {
                height: 28,
                width: 28,
                channels: 1,
            };
            let archs =
                Sampler::new(SearchSpace::remap_2019(), input, 10, 2019).sample_many(count(1));
            let nets: Vec<OtmannNetwork> = archs.iter().map(OtmannNetwork::new).collect();
            let t = std::time::Instant::now();
            let cache = std::env::temp_dir().join(format!("perf-cases-{}.f64le", nets.len()));
            let m = match std::fs::read(&cache) {
                Ok(b) => {
                    let lower = b
                        .chunks_exact(8)
                        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
                        .collect();
                    DistanceMatrix::from_packed(nets.len(), lower).unwrap()
                }
                Err(_) => {
                    let m = DistanceMatrix::build(&nets, otmann);
                    let bytes: Vec<u8> = m.packed().iter().flat_map(|v| v.to_le_bytes()).collect();
                    std::fs::write(&cache, bytes).unwrap();
                    m
                }
            };
            eprintln!("otmann {:.3} s", t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            let start = remap_metrics::torgerson(&m).unwrap();
            eprintln!("torgerson {:.3} s", t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            let l = smacof(&m, start, SmacofOptions::default());
            eprintln!(
                "smacof {:.3} s: stress-1 {} after {} iterations",
                t.elapsed().as_secs_f64(),
                l.stress,
                l.iterations
            );
        }
        Some("smacof") => {
            let (n, iters) = (count(1), count(2));
            let mut seed = 7u64;
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 11) as f64 / (1u64 << 53) as f64
            };
            let pts: Vec<[f64; 5]> = (0..n).map(|_| std::array::from_fn(|_| next())).collect();
            let d = DistanceMatrix::build(&pts, |a, b| {
                a.iter()
                    .zip(b)
                    .map(|(p, q)| (p - q).powi(2))
                    .sum::<f64>()
                    .sqrt()
            });
            let start: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[1]]).collect();
            if iters > 0 {
                let options = SmacofOptions {
                    eps: 0.0,
                    max_iter: iters,
                };
                let l = smacof(&d, start, options);
                println!("stress {} after {} iterations", l.stress, l.iterations);
            }
        }
        _ => eprintln!("usage: perf_cases otmann N | smacof N ITERS"),
    }
}
