//! Speed targets of issue 4, on architectures sampled from REMAP's search space:
//! OTMANN matrix for 1,000 nets (< 10 s on 2 cores), SMACOF for 1,000 and 5,000 points
//! (< 1 s, < 20 s), and adding 10 models to a 1,000-model matrix and layout.
//!
//! First prints a table of one timed run of each (the numbers), then lets criterion
//! measure the cheaper cases. The 5,000-point matrix is OTMANN over 5,000 sampled nets too,
//! so building it takes a while.

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group};
use remap_architecture::Input;
use remap_metrics::{
    DistanceMatrix, OtmannNetwork, SmacofOptions, otmann, project, project_incremental,
};
use remap_sampling::{Sampler, SearchSpace};

fn sampled_nets(n: usize) -> Vec<OtmannNetwork> {
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    Sampler::new(SearchSpace::remap_2019(), input, 10, 2019)
        .sample_many(n)
        .iter()
        .map(OtmannNetwork::new)
        .collect()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn print_table() {
    let threads = rayon::current_num_threads();
    println!("\nremap-metrics on {threads} rayon threads (one timed run each)\n");
    println!("| case | time | target |");
    println!("|---|---:|---|");
    let row = |case: String, t: Duration, target: &str| {
        println!("| {case} | {:.3} s | {target} |", t.as_secs_f64());
    };
    let nets = sampled_nets(5_010);

    let (m1000, t) = timed(|| DistanceMatrix::build(&nets[..1_000], otmann));
    row("OTMANN matrix, 1,000 nets".into(), t, "< 10 s");

    let (layout, t) = timed(|| project(&m1000, SmacofOptions::default()).unwrap());
    let case = format!(
        "SMACOF 1,000 points ({} iterations, stress-1 {:.4})",
        layout.iterations, layout.stress
    );
    row(case, t, "< 1 s");

    let mut m = m1000.clone();
    let ((), t) = timed(|| m.extend(&nets[..1_010], otmann));
    row("add 10 to 1,000: the 10,045 new distances".into(), t, "");
    let (grown, t) =
        timed(|| project_incremental(&m, &layout.coords, SmacofOptions::default()).unwrap());
    let case = format!(
        "add 10 to 1,000: incremental layout ({} iterations, old points moved a median {:.3} % of the diameter)",
        grown.layout.iterations,
        100.0 * grown.moved.median_relative()
    );
    row(case, t, "");

    let (m5000, t) = timed(|| DistanceMatrix::build(&nets[..5_000], otmann));
    row(
        "OTMANN matrix, 5,000 nets (setup for the next row)".into(),
        t,
        "",
    );
    let (layout, t) = timed(|| project(&m5000, SmacofOptions::default()).unwrap());
    let case = format!(
        "SMACOF 5,000 points ({} iterations, stress-1 {:.4})",
        layout.iterations, layout.stress
    );
    row(case, t, "< 20 s");
    println!();
}

fn bench(c: &mut Criterion) {
    let nets = sampled_nets(1_010);
    let m1000 = DistanceMatrix::build(&nets[..1_000], otmann);
    let layout = project(&m1000, SmacofOptions::default()).unwrap();

    c.bench_function("otmann pair (mean over 100 pairs)", |b| {
        b.iter(|| {
            (0..100)
                .map(|i| otmann(&nets[i], &nets[i + 100]))
                .sum::<f64>()
        })
    });
    c.bench_function("otmann matrix 1000", |b| {
        b.iter(|| DistanceMatrix::build(&nets[..1_000], otmann))
    });
    c.bench_function("smacof 1000", |b| {
        b.iter(|| project(&m1000, SmacofOptions::default()).unwrap())
    });
    c.bench_function("add 10 to 1000 (distances + incremental layout)", |b| {
        b.iter_batched(
            || m1000.clone(),
            |mut m| {
                m.extend(&nets, otmann);
                project_incremental(&m, &layout.coords, SmacofOptions::default()).unwrap()
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = bench
}

fn main() {
    print_table();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
