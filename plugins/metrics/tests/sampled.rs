//! Acceptance checks on architectures sampled from REMAP's search space (issue 4).

use std::sync::OnceLock;

use remap_architecture::Input;
use remap_metrics::{
    DistanceMatrix, Layout, OtmannNetwork, SmacofOptions, otmann, project, project_incremental,
};
use remap_sampling::{Sampler, SearchSpace};

/// Kruskal stress-1 of scikit-learn's `MDS(dissimilarity="precomputed", n_init=4,
/// max_iter=3000, eps=1e-9, random_state=0)` on the OTMANN matrix of the first 200 nets of
/// seed 2019, from `bench/sklearn_mds_reference.py`.
const SKLEARN_STRESS: f64 = 0.106_370_555_8;

fn otmann_matrix(n: usize) -> (Vec<OtmannNetwork>, DistanceMatrix) {
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    let archs = Sampler::new(SearchSpace::remap_2019(), input, 10, 2019).sample_many(n);
    let nets: Vec<OtmannNetwork> = archs.iter().map(OtmannNetwork::new).collect();
    let matrix = DistanceMatrix::build(&nets, otmann);
    (nets, matrix)
}

/// 205 sampled nets, the matrix of the first 200 and their layout, computed once for all tests.
fn shared() -> &'static (Vec<OtmannNetwork>, DistanceMatrix, Layout) {
    static SHARED: OnceLock<(Vec<OtmannNetwork>, DistanceMatrix, Layout)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let (nets, d) = otmann_matrix(205);
        let d = d.leading(200);
        let layout = project(&d, SmacofOptions::default()).unwrap();
        (nets, d, layout)
    })
}

#[test]
fn smacof_is_no_worse_than_scikit_learn() {
    let (_, _, layout) = shared();
    eprintln!(
        "stress-1 {} ({} iterations)",
        layout.stress, layout.iterations
    );
    assert!(
        layout.stress <= 1.05 * SKLEARN_STRESS,
        "stress {} > 1.05 × scikit-learn's {SKLEARN_STRESS}",
        layout.stress
    );
}

#[test]
fn adding_five_models_barely_moves_the_map() {
    let (nets, d, before) = shared();
    let mut d = d.clone();
    d.extend(nets, otmann);
    let grown = project_incremental(&d, &before.coords, SmacofOptions::default()).unwrap();
    assert_eq!(grown.layout.coords.len(), 205);
    eprintln!("{:?}, {} iterations", grown.moved, grown.layout.iterations);
    assert!(
        grown.moved.median_relative() < 0.02,
        "old points moved by a median of {:.3} % of the diameter",
        100.0 * grown.moved.median_relative()
    );
}

#[test]
fn sampled_nets_have_positive_symmetric_distances() {
    let (nets, d) = otmann_matrix(40);
    for i in 0..nets.len() {
        for j in 0..i {
            let same = nets[i] == nets[j];
            assert_eq!(d.get(i, j) == 0.0, same, "d({i}, {j}) = {}", d.get(i, j));
            let back = otmann(&nets[j], &nets[i]);
            assert!((back - d.get(i, j)).abs() <= 1e-9 * back.max(1.0));
        }
    }
}
