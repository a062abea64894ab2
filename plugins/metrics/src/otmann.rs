//! The OTMANN structural distance in REMAP's configuration (spec §6.2).

use std::cell::RefCell;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::network::{FEATURES, OtmannNetwork};
use crate::transport::Solver;

/// Stands in for an infinite label-mismatch cost, as REMAP does.
pub const FORBIDDEN: f64 = 765_432.0;
/// Cost per unit of mass left unassigned (the dummy row and column).
pub const NON_ASSIGNMENT: f64 = 1.0;

/// Which OTMANN value to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OtmannVariant {
    /// Σ T·C, in units of mass.
    Plain,
    /// Σ T·C divided by the two networks' total masses, in [0, 1].
    Normalized,
}

/// Cost of matching two layer labels: small between similar convs, pools or activations,
/// [`FORBIDDEN`] between unrelated kinds.
pub fn label_mismatch(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    match (a, b) {
        ("conv1", "conv3") | ("conv3", "conv5") => 0.2,
        ("conv1", "conv5") => 0.3,
        ("relu", "tanh") | ("relu", "sigmoid") => 0.25,
        ("sigmoid", "tanh") => 0.1,
        ("pool2", "pool3") | ("pool3", "pool5") => 0.2,
        ("pool2", "pool5") => 0.3,
        _ => FORBIDDEN,
    }
}

/// ½ · (mean |Bᵢ − Bⱼ| + mean |Fᵢ − Fⱼ|) over the 12 backward and 12 forward features.
fn structural(
    a: &[f64; FEATURES],
    fa: &[f64; FEATURES],
    b: &[f64; FEATURES],
    fb: &[f64; FEATURES],
) -> f64 {
    let mean_abs = |x: &[f64; FEATURES], y: &[f64; FEATURES]| {
        x.iter().zip(y).map(|(p, q)| (p - q).abs()).sum::<f64>() / FEATURES as f64
    };
    0.5 * (mean_abs(a, b) + mean_abs(fa, fb))
}

/// Every label [`crate::network`] gives a layer; a label's position is its id.
pub(crate) const LABELS: [&str; 14] = [
    "ip", "op", "softmax", "dense", "dropout", "conv1", "conv3", "conv5", "pool2", "pool3",
    "pool5", "relu", "tanh", "sigmoid",
];

/// The id of one of [`LABELS`].
pub(crate) fn label_id(label: &str) -> u8 {
    let id = LABELS.iter().position(|&l| l == label);
    id.expect("network labels are all in LABELS") as u8
}

/// [`label_mismatch`] between label ids, tabulated once: string comparisons per layer pair
/// were most of the cost of building a cost matrix.
fn mismatch_table() -> &'static [[f64; LABELS.len()]; LABELS.len()] {
    static TABLE: LazyLock<[[f64; LABELS.len()]; LABELS.len()]> =
        LazyLock::new(|| LABELS.map(|a| LABELS.map(|b| label_mismatch(a, b))));
    &TABLE
}

/// Writes the transport cost matrix with its dummy row and column into `cost`, row-major,
/// `(a.nodes.len() + 1) × (b.nodes.len() + 1)`.
fn fill_cost_matrix(a: &OtmannNetwork, b: &OtmannNetwork, cost: &mut Vec<f64>) {
    let table = mismatch_table();
    let cols = b.nodes.len() + 1;
    cost.clear();
    cost.reserve((a.nodes.len() + 1) * cols);
    for ((&ka, fa), ta) in a.label_ids.iter().zip(&a.from_ip).zip(&a.to_op) {
        let mismatch = &table[usize::from(ka)];
        for ((&kb, fb), tb) in b.label_ids.iter().zip(&b.from_ip).zip(&b.to_op) {
            cost.push(mismatch[usize::from(kb)] + structural(fa, ta, fb, tb));
        }
        cost.push(NON_ASSIGNMENT);
    }
    cost.extend(std::iter::repeat_n(NON_ASSIGNMENT, cols - 1));
    cost.push(0.0);
}

/// The transport cost matrix with its dummy row and column, row-major,
/// `(a.nodes.len() + 1) × (b.nodes.len() + 1)`.
pub fn cost_matrix(a: &OtmannNetwork, b: &OtmannNetwork) -> Vec<f64> {
    let mut cost = Vec::new();
    fill_cost_matrix(a, b, &mut cost);
    cost
}

/// Per-thread buffers for [`otmann`], so a distance matrix allocates once per thread.
#[derive(Default)]
struct Buffers {
    cost: Vec<f64>,
    supply: Vec<f64>,
    demand: Vec<f64>,
    solver: Solver,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// OTMANN distance: the exact optimal transport cost between the two networks' layer masses.
pub fn otmann(a: &OtmannNetwork, b: &OtmannNetwork) -> f64 {
    BUFFERS.with_borrow_mut(|buf| {
        fill_cost_matrix(a, b, &mut buf.cost);
        buf.supply.clear();
        buf.supply.extend(a.nodes.iter().map(|n| n.mass));
        buf.supply.push(b.total_mass);
        buf.demand.clear();
        buf.demand.extend(b.nodes.iter().map(|n| n.mass));
        buf.demand.push(a.total_mass);
        buf.solver.solve(&buf.cost, &buf.supply, &buf.demand)
    })
}

/// OTMANN divided by the sum of both networks' total masses, in [0, 1].
pub fn otmann_normalized(a: &OtmannNetwork, b: &OtmannNetwork) -> f64 {
    otmann(a, b) / (a.total_mass + b.total_mass)
}

/// One variant of the distance.
pub fn distance(variant: OtmannVariant, a: &OtmannNetwork, b: &OtmannNetwork) -> f64 {
    match variant {
        OtmannVariant::Plain => otmann(a, b),
        OtmannVariant::Normalized => otmann_normalized(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_is_symmetric_and_forbids_unrelated_kinds() {
        assert_eq!(label_mismatch("conv5", "conv1"), 0.3);
        assert_eq!(label_mismatch("tanh", "sigmoid"), 0.1);
        assert_eq!(label_mismatch("relu", "tanh"), 0.25);
        assert_eq!(label_mismatch("pool5", "pool3"), 0.2);
        assert_eq!(label_mismatch("dense", "dense"), 0.0);
        assert_eq!(label_mismatch("dense", "dropout"), FORBIDDEN);
        assert_eq!(label_mismatch("conv3", "pool3"), FORBIDDEN);
        assert_eq!(label_mismatch("ip", "softmax"), FORBIDDEN);
    }

    #[test]
    fn mismatch_table_matches_the_labels() {
        let table = mismatch_table();
        for a in LABELS {
            for b in LABELS {
                let (ia, ib) = (usize::from(label_id(a)), usize::from(label_id(b)));
                assert_eq!(table[ia][ib], label_mismatch(a, b), "{a} vs {b}");
            }
        }
    }
}
