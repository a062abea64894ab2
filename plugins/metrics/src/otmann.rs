//! The OTMANN structural distance in REMAP's configuration (spec §6.2).

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::network::{FEATURES, OtmannNetwork};
use crate::transport::Solver;

pub use crate::label::FORBIDDEN;

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

/// Writes the transport cost matrix with its dummy row and column into `cost`, row-major,
/// `(a.nodes.len() + 1) × (b.nodes.len() + 1)`.
fn fill_cost_matrix(a: &OtmannNetwork, b: &OtmannNetwork, cost: &mut Vec<f64>) {
    let cols = b.nodes.len() + 1;
    cost.clear();
    cost.reserve((a.nodes.len() + 1) * cols);
    for ((na, fa), ta) in a.nodes.iter().zip(&a.from_ip).zip(&a.to_op) {
        for ((nb, fb), tb) in b.nodes.iter().zip(&b.from_ip).zip(&b.to_op) {
            cost.push(na.label.mismatch(nb.label) + structural(fa, ta, fb, tb));
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
