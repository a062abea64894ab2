//! Expected improvement, the acquisition of spec §10.1.

use serde::{Deserialize, Serialize};

/// What the surrogate expects of an untrained architecture, on the accuracy scale (0–1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Posterior mean accuracy.
    pub mean: f64,
    /// Posterior standard deviation of the accuracy (the model's, not the training noise).
    pub std: f64,
}

/// Standard normal density.
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal distribution function, Φ(z) = ½ erfc(−z/√2).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Expected improvement over `best` of a maximised objective:
/// (μ − best)·Φ(z) + σ·φ(z) with z = (μ − best)/σ; max(μ − best, 0) when σ = 0.
pub fn expected_improvement(prediction: Prediction, best: f64) -> f64 {
    let gain = prediction.mean - best;
    if prediction.std <= 0.0 {
        return gain.max(0.0);
    }
    let z = gain / prediction.std;
    (gain * normal_cdf(z) + prediction.std * normal_pdf(z)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_at_known_points() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-12);
        assert!((normal_cdf(-1.959_963_984_540_054) - 0.025).abs() < 1e-12);
    }

    #[test]
    fn expected_improvement_matches_its_formula() {
        // μ = best: EI = σ·φ(0) = σ/√(2π).
        let at_best = expected_improvement(
            Prediction {
                mean: 0.8,
                std: 0.1,
            },
            0.8,
        );
        assert!((at_best - 0.1 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-12);
        // μ − best = σ: z = 1, EI = σ(Φ(1) + φ(1)).
        let above = expected_improvement(
            Prediction {
                mean: 0.9,
                std: 0.1,
            },
            0.8,
        );
        let expected = 0.1 * (0.841_344_746_068_542_9 + 0.241_970_724_519_143_37);
        assert!((above - expected).abs() < 1e-12, "{above} vs {expected}");
        // Certain predictions: the plain gain, or nothing.
        let certain = Prediction {
            mean: 0.9,
            std: 0.0,
        };
        assert!((expected_improvement(certain, 0.8) - 0.1).abs() < 1e-15);
        assert_eq!(expected_improvement(certain, 0.95), 0.0);
    }

    #[test]
    fn more_uncertainty_or_a_higher_mean_is_worth_more() {
        let base = expected_improvement(
            Prediction {
                mean: 0.7,
                std: 0.05,
            },
            0.8,
        );
        assert!(
            expected_improvement(
                Prediction {
                    mean: 0.7,
                    std: 0.1
                },
                0.8
            ) > base
        );
        assert!(
            expected_improvement(
                Prediction {
                    mean: 0.75,
                    std: 0.05
                },
                0.8
            ) > base
        );
    }
}
