//! Speed targets of issue 4, on architectures sampled from REMAP's search space:
//! OTMANN matrix for 1,000 nets (< 10 s on 2 cores), SMACOF for 1,000 and 5,000 points
//! (< 1 s, < 20 s), and adding 10 models to a 1,000-model matrix and layout.
//!
//! First prints a table of one timed run of each (the numbers), then lets criterion
//! measure the cheaper cases. The 5,000-point matrix is OTMANN over 5,000 sampled nets too;
//! building it takes minutes, so it is cached in the temp directory after the first run.
//! The table gives wall-clock and CPU time: on a shared machine the wall clock is inflated by
//! other work, and CPU time / 2 estimates the time on 2 idle cores.

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

/// Wall-clock and CPU (user + system, all threads) time of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Option<Duration>) {
    let (t, cpu) = (Instant::now(), cpu_time());
    let out = f();
    let used = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    (out, t.elapsed(), used)
}

/// CPU time of this process so far, from /proc (Linux; clock ticks of 1/100 s).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses: utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(10 * (user + system)))
}

/// The 5,000-net OTMANN matrix, cached in the temp directory: building it takes minutes.
fn otmann_5000(nets: &[OtmannNetwork]) -> (DistanceMatrix, bool) {
    let n = 5_000;
    let path = std::env::temp_dir().join("remap-metrics-otmann-5000-seed2019.f64le");
    if let Ok(bytes) = std::fs::read(&path) {
        let lower = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        if let Some(m) = DistanceMatrix::from_packed(n, lower) {
            return (m, true);
        }
    }
    let m = DistanceMatrix::build(&nets[..n], otmann);
    let bytes: Vec<u8> = m.packed().iter().flat_map(|v| v.to_le_bytes()).collect();
    // A failed write only means the next run builds the matrix again.
    let _ = std::fs::write(&path, bytes);
    (m, false)
}

fn print_table() {
    let threads = rayon::current_num_threads();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?").to_owned();
    println!(
        "\nremap-metrics on {threads} rayon threads, load average {load} (one timed run each)"
    );
    println!("2-core estimate = CPU time / 2: the work is split over many rows or blocks.\n");
    println!("| case | wall | CPU | 2-core estimate | target |");
    println!("|---|---:|---:|---:|---|");
    let row = |case: String, wall: Duration, cpu: Option<Duration>, target: &str| {
        let (cpu, estimate) = match cpu {
            Some(c) => (
                format!("{:.3} s", c.as_secs_f64()),
                format!("{:.3} s", c.as_secs_f64() / 2.0),
            ),
            None => ("?".into(), "?".into()),
        };
        println!(
            "| {case} | {:.3} s | {cpu} | {estimate} | {target} |",
            wall.as_secs_f64()
        );
    };
    let nets = sampled_nets(5_010);

    let (m1000, t, cpu) = timed(|| DistanceMatrix::build(&nets[..1_000], otmann));
    row(
        "OTMANN matrix, 1,000 nets".into(),
        t,
        cpu,
        "< 10 s on 2 cores",
    );

    let (layout, t, cpu) = timed(|| project(&m1000, SmacofOptions::default()).unwrap());
    let case = format!(
        "SMACOF 1,000 points ({} iterations, stress-1 {:.4})",
        layout.iterations, layout.stress
    );
    row(case, t, cpu, "< 1 s");

    let mut m = m1000.clone();
    let ((), t, cpu) = timed(|| m.extend(&nets[..1_010], otmann));
    row(
        "add 10 to 1,000: the 10,045 new distances".into(),
        t,
        cpu,
        "",
    );
    let (grown, t, cpu) =
        timed(|| project_incremental(&m, &layout.coords, SmacofOptions::default()).unwrap());
    let case = format!(
        "add 10 to 1,000: incremental layout ({} iterations, old points moved a median {:.3} % of the diameter)",
        grown.layout.iterations,
        100.0 * grown.moved.median_relative()
    );
    row(case, t, cpu, "");

    let ((m5000, cached), t, cpu) = timed(|| otmann_5000(&nets));
    let case = if cached {
        "OTMANN matrix, 5,000 nets (setup for the next row; read from the temp-file cache)"
    } else {
        "OTMANN matrix, 5,000 nets (setup for the next row; now cached in a temp file)"
    };
    row(case.into(), t, cpu, "");
    let (layout, t, cpu) = timed(|| project(&m5000, SmacofOptions::default()).unwrap());
    let case = format!(
        "SMACOF 5,000 points ({} iterations, stress-1 {:.4})",
        layout.iterations, layout.stress
    );
    row(case, t, cpu, "< 20 s");
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
