//! Prints the OTMANN matrix of architectures sampled from REMAP's search space (28×28×1
//! input, 10 classes) as JSON, for `bench/sklearn_mds_reference.py`.
//!
//! Usage: cargo run -p remap-metrics --example otmann_matrix -- [N=200] [SEED=2019]

use remap_architecture::Input;
use remap_metrics::{DistanceMatrix, OtmannNetwork, otmann};
use remap_sampling::{Sampler, SearchSpace};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(200, |a| a.parse().expect("N is a count"));
    let seed: u64 = args
        .next()
        .map_or(2019, |a| a.parse().expect("SEED is a number"));
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    let archs = Sampler::new(SearchSpace::remap_2019(), input, 10, seed).sample_many(n);
    let nets: Vec<OtmannNetwork> = archs.iter().map(OtmannNetwork::new).collect();
    let matrix = DistanceMatrix::build(&nets, otmann);
    println!(
        "{}",
        serde_json::to_string(&matrix.to_rows()).expect("numbers serialise")
    );
}
