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

/// REMAP's structural coefficient: label mismatch and structural cost weigh the same.
pub const STRUCTURAL_COEFFICIENT: f64 = 1.0;

/// Writes the transport cost matrix with its dummy row and column into `cost`, row-major,
/// `(a.nodes.len() + 1) × (b.nodes.len() + 1)`; `coefficient` weighs the structural cost
/// against the label mismatch.
fn fill_cost_matrix(a: &OtmannNetwork, b: &OtmannNetwork, coefficient: f64, cost: &mut Vec<f64>) {
    let cols = b.nodes.len() + 1;
    cost.clear();
    cost.reserve((a.nodes.len() + 1) * cols);
    for ((na, fa), ta) in a.nodes.iter().zip(&a.from_ip).zip(&a.to_op) {
        for ((nb, fb), tb) in b.nodes.iter().zip(&b.from_ip).zip(&b.to_op) {
            cost.push(na.label.mismatch(nb.label) + coefficient * structural(fa, ta, fb, tb));
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
    fill_cost_matrix(a, b, STRUCTURAL_COEFFICIENT, &mut cost);
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
    transport_cost(a, b, STRUCTURAL_COEFFICIENT)
}

/// Both OTMANN values at one structural coefficient, as NASBOT's kernels use them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OtmannAt {
    /// Σ T·C, in units of mass.
    pub plain: f64,
    /// `plain` divided by the two networks' total masses, in [0, 1].
    pub normalized: f64,
}

/// OTMANN with the structural cost weighted by `coefficient` instead of REMAP's 1
/// (NASBOT's kernels mix 0.1, 0.25, 0.61 and 1.5). At 1 it equals [`otmann`] and
/// [`otmann_normalized`] exactly.
pub fn otmann_at(a: &OtmannNetwork, b: &OtmannNetwork, coefficient: f64) -> OtmannAt {
    let plain = transport_cost(a, b, coefficient);
    OtmannAt {
        plain,
        normalized: plain / (a.total_mass + b.total_mass),
    }
}

fn transport_cost(a: &OtmannNetwork, b: &OtmannNetwork, coefficient: f64) -> f64 {
    BUFFERS.with_borrow_mut(|buf| {
        fill_cost_matrix(a, b, coefficient, &mut buf.cost);
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
    use remap_architecture::Input;
    use remap_sampling::{Sampler, SearchSpace};

    use super::*;

    fn nets() -> Vec<OtmannNetwork> {
        Sampler::new(SearchSpace::remap_2019(), Input::new(28, 28, 1), 10, 29)
            .sample_many(6)
            .iter()
            .map(OtmannNetwork::new)
            .collect()
    }

    #[test]
    fn at_remaps_coefficient_it_equals_otmann_bit_for_bit() {
        let nets = nets();
        for a in &nets {
            for b in &nets {
                let at = otmann_at(a, b, STRUCTURAL_COEFFICIENT);
                assert_eq!(at.plain.to_bits(), otmann(a, b).to_bits());
                assert_eq!(at.normalized.to_bits(), otmann_normalized(a, b).to_bits());
            }
        }
    }

    #[test]
    fn a_larger_structural_coefficient_never_lowers_the_distance() {
        let nets = nets();
        let mut grew = false;
        for a in &nets {
            for b in &nets {
                let low = otmann_at(a, b, 0.1).plain;
                let high = otmann_at(a, b, 1.5).plain;
                assert!(high >= low - 1e-9, "{low} > {high}");
                grew |= high > low + 1e-6;
            }
        }
        assert!(grew, "the coefficient changed no distance");
    }
}
