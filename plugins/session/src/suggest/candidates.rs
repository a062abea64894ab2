//! The candidates suggestions are chosen from (spec §10.1), made by the session's own
//! generators: variations (every operator the parent allows, skips included) and ablations
//! of parents drawn with probability rising with their acquisition, as in NASBOT's
//! evolutionary step, plus fresh samples of the session's search space.

use std::collections::{BTreeMap, HashSet};

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_architecture::{Architecture, Origin};
use remap_sampling::{
    AblationRequest, DEFAULT_MAX_PARAMS, Generated, Sampler, SearchSpace, VariationRequest, ablate,
    over_budget, vary,
};
use remap_store::ModelId;

/// Parents drawn per request (with replacement).
pub const PARENT_DRAWS: usize = 6;
/// Variations made per draw of a parent.
pub const VARIATIONS_PER_DRAW: usize = 6;
/// Edits per variation: Uniform{1..K}.
pub const MAX_CHANGES: usize = 3;
/// Fresh samples of the search space.
pub const FRESH_SAMPLES: usize = 12;

/// A trained model that candidates may be made from.
#[derive(Clone, Debug)]
pub struct Parent {
    pub id: ModelId,
    pub architecture: Architecture,
    /// Its acquisition under the surrogate: the higher, the likelier it is drawn.
    pub acquisition: f64,
}

/// An untrained architecture that may be suggested.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub architecture: Architecture,
    pub hash: String,
    pub params: u64,
    /// The model it was made from; `None` for a fresh sample.
    pub parent: Option<ModelId>,
    /// The generator that made it: variation, ablation or sampled.
    pub made_by: Origin,
    /// Change texts from the parent, in edit-script order.
    pub changes: Vec<String>,
}

/// What candidates may be and where they come from.
#[derive(Clone, Debug)]
pub struct Generators<'a> {
    pub space: &'a SearchSpace,
    /// The session's parameter budget.
    pub budget: Option<u64>,
    /// Hashes of every model of the session (trained, queued or not): never a candidate.
    pub existing: &'a HashSet<String>,
    /// Seed of the parent draws, the variations and the fresh samples.
    pub seed: u64,
}

/// Selection weights of parents: exp((a − max a)/τ) with τ the spread (standard deviation)
/// of the acquisitions, so weights rise with acquisition whatever its scale; equal
/// acquisitions give equal weights.
pub fn parent_weights(acquisitions: &[f64]) -> Vec<f64> {
    let n = acquisitions.len() as f64;
    let max = acquisitions
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let mean = acquisitions.iter().sum::<f64>() / n;
    let spread = (acquisitions.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n).sqrt();
    let tau = if spread > 1e-12 { spread } else { 1.0 };
    acquisitions
        .iter()
        .map(|a| ((a - max) / tau).exp())
        .collect()
}

/// `draws` indices drawn with replacement with probability proportional to `weights`.
fn draw(weights: &[f64], draws: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    (0..draws)
        .map(|_| {
            let mut at = rng.random::<f64>() * total;
            for (i, w) in weights.iter().enumerate() {
                if at < *w {
                    return i;
                }
                at -= w;
            }
            weights.len() - 1
        })
        .collect()
}

/// The candidates of one request, each hash once, none of `existing`, none over the budget,
/// in a deterministic order for a given seed. Generator errors of a parent (a net the search
/// space cannot vary) are returned beside the candidates, naming the parent.
pub fn candidates(parents: &[Parent], generators: &Generators) -> (Vec<Candidate>, Vec<String>) {
    let mut rng = ChaCha8Rng::seed_from_u64(generators.seed);
    let mut seen = generators.existing.clone();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut keep = |c: Candidate, out: &mut Vec<Candidate>| {
        if over_budget(c.params, generators.budget).is_none() && seen.insert(c.hash.clone()) {
            out.push(c);
        }
    };

    let mut drawn: BTreeMap<usize, usize> = BTreeMap::new();
    if !parents.is_empty() {
        let weights = parent_weights(&parents.iter().map(|p| p.acquisition).collect::<Vec<_>>());
        for i in draw(&weights, PARENT_DRAWS, &mut rng) {
            *drawn.entry(i).or_default() += 1;
        }
    }
    let existing: Vec<String> = generators.existing.iter().cloned().collect();
    for (&i, &times) in &drawn {
        let parent = &parents[i];
        let variations = VariationRequest {
            count: VARIATIONS_PER_DRAW * times,
            max_changes: MAX_CHANGES,
            seed: rng.next_u64(),
            max_params: generators.budget,
            existing: existing.clone(),
            ..VariationRequest::default()
        };
        let ablations = AblationRequest {
            layers: None,
            max_params: generators.budget,
            existing: existing.clone(),
        };
        for generated in [
            vary(&parent.architecture, generators.space, &variations),
            ablate(&parent.architecture, &ablations),
        ] {
            match generated {
                Ok(Generated { children, .. }) => {
                    for child in children {
                        keep(
                            Candidate {
                                architecture: child.architecture,
                                hash: child.hash,
                                params: child.params,
                                parent: Some(parent.id),
                                made_by: child.origin,
                                changes: child.changes,
                            },
                            &mut out,
                        );
                    }
                }
                Err(e) => errors.push(format!("model {}: {e}", parent.id)),
            }
        }
    }

    if let Some(first) = parents.first() {
        let a = &first.architecture;
        let cap = generators.budget.unwrap_or(DEFAULT_MAX_PARAMS);
        let mut sampler =
            Sampler::new(generators.space.clone(), a.input, a.classes, rng.next_u64())
                .with_max_params(cap);
        for _ in 0..FRESH_SAMPLES {
            let architecture = match sampler.try_sample() {
                Ok(architecture) => architecture,
                Err(e) => {
                    errors.push(format!("fresh samples: {e}"));
                    break;
                }
            };
            let Ok(params) = architecture.params() else {
                continue;
            };
            keep(
                Candidate {
                    hash: architecture.hash(),
                    params,
                    architecture,
                    parent: None,
                    made_by: Origin::Sampled,
                    changes: Vec::new(),
                },
                &mut out,
            );
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_rise_with_acquisition_and_tie_when_equal() {
        let w = parent_weights(&[0.001, 0.01, 0.005]);
        assert!(w[1] > w[2] && w[2] > w[0], "{w:?}");
        assert_eq!(w[1], 1.0);
        assert_eq!(parent_weights(&[0.0, 0.0]), vec![1.0, 1.0]);
        // The scale of the acquisition does not matter, only its spread.
        let scaled = parent_weights(&[1.0, 10.0, 5.0]);
        for (a, b) in w.iter().zip(&scaled) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn draws_follow_the_weights() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let drawn = draw(&[0.0, 1.0, 3.0], 4000, &mut rng);
        assert!(!drawn.contains(&0));
        let heavy = drawn.iter().filter(|&&i| i == 2).count() as f64 / 4000.0;
        assert!((heavy - 0.75).abs() < 0.03, "{heavy}");
    }
}
